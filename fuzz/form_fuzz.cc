// ReadFormOrJson with a form Content-Type (what POST /sso/token accepts), the body in the
// request and, split at the first newline, a query string parsed into params.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/replies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  httplib::Request req;
  req.method = "POST";
  std::string::size_type nl = input.find('\n');
  if (nl != std::string::npos) {
    httplib::detail::parse_query_text(input.substr(0, nl), req.params);
    req.body = input.substr(nl + 1);
  } else {
    req.body = input;
  }
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  httplib::Response res;
  auto out = workos_mock::ReadFormOrJson(req, res);
  if (!out) __builtin_trap();  // a form body is never refused
  (void)workos_mock::Dump(*out);
  // The same bytes with no Content-Type: the server sniffs JSON by a leading '{'.
  httplib::Request sniff;
  sniff.method = "POST";
  sniff.body = input;
  httplib::Response res2;
  auto out2 = workos_mock::ReadFormOrJson(sniff, res2);
  if (out2) (void)workos_mock::Dump(*out2);
  return 0;
}
