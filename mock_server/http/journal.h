// The request journal (GET /_mock/requests): entries are captured raw on the request path and
// redacted and rendered as JSON only when somebody reads them -- rendering cost more than the
// request it describes (scripts/bench: ~28% of create-session).
#pragma once

#include <httplib.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace workos_mock {

// What one entry keeps of a request, whatever the client sends (docs/control-plane.md "The
// request journal"): each header value up to kMaxHeaderValue bytes, header values up to
// kMaxHeaderBytes in all (later headers are counted in headers_omitted), the body up to
// kMaxJournalBody bytes. `bytes` approximates the memory the entry holds; ControlState keeps
// the newest entries within the environment's journal_max_bytes.
struct JournalEntry {
  std::string id;
  int64_t at_ms = 0;
  std::string method;
  std::string path;    // as requested; LoggablePath() hides the secrets some paths carry
  std::string target;  // path and query as sent
  int status = 0;
  std::string request_id;
  std::string location;  // the answer's Location (a redirect), as sent: bounded by the request
  std::vector<std::pair<std::string, std::string>> headers;  // as sent (values cut), in order
  size_t headers_omitted = 0;                                // beyond kMaxHeaderBytes
  std::string body;                                          // empty when over kMaxJournalBody
  size_t body_size = 0;
  size_t bytes = 0;
  static constexpr size_t kMaxJournalBody = 16384;
  static constexpr size_t kMaxHeaderValue = 1024;
  static constexpr size_t kMaxHeaderBytes = 16384;
};

JournalEntry CaptureRequest(const httplib::Request& req, const httplib::Response& res,
                            std::string id, int64_t at_ms);

// The entry as GET /_mock/requests shows it: API keys, client secrets, codes, verifiers, access
// tokens, cookies and admin tokens redacted; link tokens and login ids out of the path.
nlohmann::json RenderJournalEntry(const JournalEntry& entry);

// A request path fit for logs: link tokens and IdP login ids are secrets, so those routes are
// shown by shape ("/passwordless/[token]/confirm").
std::string LoggablePath(const std::string& path);

}  // namespace workos_mock
