#include "workos/config.h"

#include <cstdlib>

#include "workos/version.h"

namespace workos {

namespace {
std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}
}  // namespace

Config Config::FromEnv() {
  Config c;
  c.api_key = Env("WORKOS_API_KEY");
  c.client_id = Env("WORKOS_CLIENT_ID");
  std::string base = Env("WORKOS_BASE_URL");
  if (!base.empty()) c.base_url = base;
  return c;
}

std::string UserAgent(const Config& config) {
  std::string ua = std::string("workos-cpp/") + kVersion;
  if (!config.user_agent_suffix.empty()) ua += " " + config.user_agent_suffix;
  return ua;
}

}  // namespace workos
