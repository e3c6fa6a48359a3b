// Bad input never crashes the server and always gets a clear 4xx JSON body. One table: each row
// is a raw request, the status it must get, and a word its message must contain.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

// Sends `raw` bytes as the whole request and returns the whole reply (the server closes).
std::string RawExchange(int port, const std::string& raw) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  size_t off = 0;
  while (off < raw.size()) {
    ssize_t n = send(fd, raw.data() + off, raw.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413/400) and close before reading it all
    off += static_cast<size_t>(n);
  }

  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

struct Parsed {
  int status = 0;
  std::string headers, body;
};

Parsed Parse(const std::string& reply) {
  Parsed p;
  if (reply.size() < 12) return p;
  p.status = std::stoi(reply.substr(9, 3));
  auto split = reply.find("\r\n\r\n");
  p.headers = reply.substr(0, split);
  if (split != std::string::npos) p.body = reply.substr(split + 4);
  return p;
}

std::string Request(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& extra_headers = "",
                    const std::string& type = "application/json") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                  "Authorization: Bearer sk_test_workos_mock\r\n" + extra_headers;
  if (!type.empty()) r += "Content-Type: " + type + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

}  // namespace

TEST_CASE("bad input: every row gets its 4xx status and a JSON body", "[bad_input]") {
  TestServer s;
  const std::string sessions = "/passwordless/sessions";
  const std::string deep_array = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_in_object =
      R"({"email":)" + std::string(5000, '[') + std::string(5000, ']') + R"(,"type":"MagicLink"})";
  const std::string nested_65 = "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}";
  const std::string big(static_cast<size_t>(1 << 20) + 10, 'a');
  const std::string form_token =
      "client_id=client_workos_mock&client_secret=sk_test_workos_mock&grant_type="
      "authorization_code&code=x";

  struct Row {
    std::string what;
    std::string raw;
    int status;
    std::string needle;  // in the body's message
    std::string header;  // a header the reply must carry ("" = none)
  };
  const std::vector<Row> rows = {
      {"malformed JSON", Request("POST", sessions, "{\"email\":"), 400, "not valid JSON", ""},
      {"JSON array, not object", Request("POST", sessions, "[1,2]"), 400, "JSON object", ""},
      {"JSON scalar", Request("POST", sessions, "42"), 400, "JSON object", ""},
      // Found by fuzz/json_body_fuzz: nlohmann throws out_of_range (not parse_error) here.
      {"number out of range", Request("POST", sessions, "{\"expires_in\":1e1051}"), 400,
       "not valid JSON", ""},
      {"deeply nested array (100k)", Request("POST", sessions, deep_array), 400, "levels deep", ""},
      {"deeply nested value in an object", Request("POST", sessions, deep_in_object), 400,
       "levels deep", ""},
      {"65 levels", Request("POST", sessions, nested_65), 400, "levels deep", ""},
      {"deep JSON at /sso/token", Request("POST", "/sso/token", deep_array), 400, "levels deep",
       ""},
      {"deep JSON on the control plane", Request("POST", "/_mock/faults", deep_array), 400,
       "levels deep", ""},
      {"wrong Content-Type, not JSON", Request("POST", sessions, "email=a", "", "text/plain"), 400,
       "text/plain", ""},
      {"body over 1 MiB", Request("POST", sessions, big), 413, "1 MiB", ""},
      {"body over 1 MiB, chunked",
       "POST " + sessions +
           " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
           "Content-Type: application/json\r\n\r\n100010\r\n" +
           std::string(0x100010, 'a') + "\r\n0\r\n\r\n",
       413, "1 MiB", ""},
      {"body over 1 MiB on the control plane", Request("PUT", "/_mock/scanner", big), 413, "1 MiB",
       ""},
      {"invalid UTF-8 in JSON", Request("POST", sessions, "{\"email\":\"a\xff@b.com\"}"), 400,
       "UTF-8", ""},
      {"invalid UTF-8 in a path id", Request("POST", sessions + "/%FF%FE/send", "{}"), 422,
       "expired or is invalid", ""},
      {"NUL byte in JSON string",
       Request("POST", sessions,
               std::string("{\"email\":\"a\0b@c.com\",\"type\":\"MagicLink\"}", 40)),
       400, "not valid JSON", ""},
      {"escaped NUL in email",
       Request("POST", sessions, R"({"email":"a\u0000b@c.com","type":"MagicLink"})"), 422,
       "Validation", ""},
      {"NUL in a path id", Request("GET", "/connections/conn_%00x", ""), 404, "Not Found", ""},
      {"huge header", Request("GET", "/health", "", "X-Big: " + std::string(20000, 'a') + "\r\n"),
       400, "header", ""},
      {"too many headers",
       [&] {
         std::string h;
         for (int i = 0; i < 150; ++i) h += "X-H" + std::to_string(i) + ": v\r\n";
         return Request("GET", "/health", "", h);
       }(),
       431, "at most 100 headers", ""},
      {"huge query string", Request("GET", "/connections?q=" + std::string(20000, 'a'), ""), 414,
       "Too Long", ""},
      {"unknown route", Request("GET", "/no/such/route", ""), 404, "Not Found", ""},
      {"unknown control route", Request("GET", "/_mock/nope", ""), 404, "Not Found", ""},
      {"wrong method on a known path", Request("DELETE", sessions, ""), 405, "Method Not Allowed",
       "Allow: POST"},
      {"GET of a POST-only route", Request("GET", "/sso/token", ""), 405, "POST", "Allow: POST"},
      {"PUT on a GET+DELETE path", Request("PUT", "/connections/conn_1", "{}"), 405, "DELETE",
       "Allow: DELETE, GET, HEAD"},
      {"PATCH", Request("PATCH", sessions, "{}"), 405, "PATCH", "Allow: POST"},
      {"OPTIONS", Request("OPTIONS", "/sso/token", ""), 405, "OPTIONS", "Allow: POST"},
      {"POST on the state export", Request("POST", "/_mock/state", "{}"), 405, "PUT",
       "Allow: GET, HEAD, PUT"},
      {"unknown method on unknown path", Request("BREW", "/coffee", ""), 400, "Bad Request", ""},
      {"duplicate query parameter",
       Request("GET", "/sso/authorize?client_id=client_workos_mock&client_id=client_x", ""), 400,
       "more than once", ""},
      {"duplicate form parameter",
       Request("POST", "/sso/token", form_token + "&code=y", "",
               "application/x-www-form-urlencoded"),
       400, "more than once", ""},
      {"percent-encoded slash in a link token", Request("GET", "/passwordless/a%2Fb/confirm", ""),
       404, "Not Found", ""},
      {"dot segments in a token", Request("GET", "/passwordless/..%2F..%2Fhealth/confirm", ""), 404,
       "Not Found", ""},
      {"encoded NUL in a token", Request("GET", "/passwordless/abc%00/confirm", ""), 400, "",
       "Content-Type: text/html"},
      {"bad percent escape in an id", Request("GET", "/connections/conn_%zz", ""), 404, "Not Found",
       ""},
      {"overlong UTF-8 in an id", Request("GET", "/organizations/org_%C0%AF", ""), 404, "Not Found",
       ""},
      {"control characters in the code",
       Request("POST", "/sso/token",
               "client_id=client_workos_mock&client_secret=sk_test_workos_mock&grant_type="
               "authorization_code&code=%0D%0ALocation:%20x",
               "", "application/x-www-form-urlencoded"),
       400, "", ""},
      {"bad JSON at PUT /_mock/state", Request("PUT", "/_mock/state", "{"), 400, "not valid JSON",
       ""},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    Parsed p = Parse(RawExchange(s.port(), row.raw));
    CHECK(p.status == row.status);
    if (row.needle.empty() && row.header.find("text/html") != std::string::npos) {
      CHECK(p.headers.find(row.header) != std::string::npos);
      continue;
    }
    CHECK(p.headers.find("application/json") != std::string::npos);
    json body = json::parse(p.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());
    const std::string text = body.value("message", "") + " " + body.value("error", "") + " " +
                             body.value("error_description", "");
    CHECK(text.find(row.needle) != std::string::npos);
    if (!row.header.empty()) CHECK(p.headers.find(row.header) != std::string::npos);
  }
  // And the server is still answering.
  CHECK(Get(s, "/health").status == 200);
}

TEST_CASE("bad input: PUT /_mock/state takes bodies over 1 MiB", "[bad_input][state]") {
  TestServer s;
  json state = Get(s, "/_mock/state", "sk_test_workos_mock").json;
  state["_padding"] = std::string(2 << 20, 'x');  // "_" keys are comments
  Reply r = Put(s, "/_mock/state", state.dump(), "sk_test_workos_mock");
  CHECK(r.status == 200);
}
