// ParseConfig and ParseScanner on arbitrary text. ConfigError is the only allowed way to refuse:
// any other exception escapes and libFuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    workos_mock::ServerConfig config = workos_mock::ParseConfig(text, "fuzz.json");
    (void)config;
  } catch (const workos_mock::ConfigError&) {
  }
  try {
    (void)workos_mock::ParseScanner(text, "fuzz.json");
  } catch (const workos_mock::ConfigError&) {
  }
  return 0;
}
