// Request bodies as the server reads them: ReadJsonObject (depth check, then nlohmann parse),
// and JsonTooDeep on its own. Any crash, sanitizer report or uncaught exception is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/replies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  httplib::Request req;
  req.method = "POST";
  req.body.assign(reinterpret_cast<const char*>(data), size);
  req.set_header("Content-Type", "application/json");
  httplib::Response res;
  auto body = workos_mock::ReadJsonObject(req, res);
  if (body) {
    (void)workos_mock::Dump(*body);  // replies echo parsed bodies
  } else if (res.status != 400) {
    __builtin_trap();  // a refused body must be a 400
  }
  (void)workos_mock::JsonTooDeep(req.body, workos_mock::kMaxJsonDepth);
  return 0;
}
