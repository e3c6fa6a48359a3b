// The request journal (GET /_mock/requests): what it keeps of each request, and that no secret
// ever comes back out of it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

TEST_CASE("the journal records every request and redacts every secret", "[journal]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  auto c = s.Client();

  // A session and its link visit: the link token is in the path.
  Reply created = Post(s, "/passwordless/sessions",
                       R"({"type":"MagicLink","email":"j@example.com"})", env.api_key);
  REQUIRE(created.status == 201);
  const std::string link = PathOf(created.json["link"]);
  const std::string token = link.substr(14, link.find("/confirm") - 14);
  auto visit = c->Get(link.c_str());
  REQUIRE(visit);
  REQUIRE(visit->status == 302);
  const std::string code = QueryParam(visit->get_header_value("Location"), "code");
  REQUIRE(code.size() == 26);

  // A form body with the client secret and the code, from something that looks like a browser.
  const std::string form = "client_id=" + env.client_id + "&client_secret=" + env.api_key +
                           "&grant_type=authorization_code&code=" + code;
  auto exchanged = c->Post("/sso/token",
                           {{"Origin", "https://app.example.com"},
                            {"Cookie", "session=cookie-secret-1"},
                            {"X-Mock-Admin-Token", "admin-secret-2"}},
                           form, "application/x-www-form-urlencoded");
  REQUIRE(exchanged);
  REQUIRE(exchanged->status == 200);
  const std::string access_token = json::parse(exchanged->body)["access_token"];

  // The code again in a query string, a verifier and an access token in a JSON body.
  c->Get(("/sso/authorize?client_id=" + env.client_id + "&code=" + code).c_str());
  Post(s, "/sso/token",
       json({{"client_id", env.client_id},
             {"code", code},
             {"code_verifier", "verifier-secret-3"},
             {"access_token", access_token}})
           .dump(),
       env.api_key);
  // A body over 16 KiB is not kept.
  Post(s, "/passwordless/sessions", "{\"email\":\"" + std::string(20000, 'x') + "\"}", env.api_key);

  Reply journal = Get(s, "/_mock/requests", env.api_key);
  REQUIRE(journal.status == 200);
  const std::string text = journal.body;
  for (const std::string& secret :
       {env.api_key, token, code, access_token, std::string("cookie-secret-1"),
        std::string("admin-secret-2"), std::string("verifier-secret-3")}) {
    INFO("secret: " << secret);
    CHECK(text.find(secret) == std::string::npos);
  }
  const json& data = journal.json["data"];
  REQUIRE(data.size() == 6);  // newest first; the journal read itself is not journaled
  CHECK(data[0]["body"] == "[20012 bytes, not kept]");
  CHECK(data[0]["status"] == 422);
  CHECK(data[1]["body"]["code_verifier"] == "[redacted]");
  CHECK(data[1]["body"]["access_token"] == "[redacted]");
  CHECK(data[1]["headers"]["Authorization"] == "Bearer sk_test_[redacted]");
  CHECK(data[2]["path"] == "/sso/authorize");
  CHECK(data[2]["query"]["code"] == "[redacted]");
  CHECK(data[2]["query"]["client_id"] == env.client_id);
  const json& token_call = data[3];
  CHECK(token_call["method"] == "POST");
  CHECK(token_call["path"] == "/sso/token");
  CHECK(token_call["status"] == 200);
  CHECK(token_call["body"]["client_secret"] == "sk_test_[redacted]");
  CHECK(token_call["body"]["code"] == "[redacted]");
  CHECK(token_call["body"]["grant_type"] == "authorization_code");
  CHECK(token_call["headers"]["Cookie"] == "[redacted]");
  CHECK(token_call["headers"]["X-Mock-Admin-Token"] == "[redacted]");
  CHECK(token_call["headers"]["Origin"] == "https://app.example.com");
  CHECK(token_call["key_exposed_to_browser"] == true);  // the secret went out with an Origin
  CHECK(token_call["request_id"] == exchanged->get_header_value("X-Request-ID"));
  CHECK(token_call["headers"].count("REMOTE_ADDR") == 0);
  CHECK(data[4]["path"] == "/passwordless/[token]/confirm");
  CHECK(data[4]["status"] == 302);
  CHECK(data[5]["path"] == "/passwordless/sessions");
  CHECK(data[5]["status"] == 201);
  CHECK(data[5]["key_exposed_to_browser"] == false);
  CHECK(data[5]["body"]["email"] == "j@example.com");
  CHECK(data[5]["id"].get<std::string>().rfind("req_", 0) == 0);

  // Other environments' requests are not in it; DELETE clears it.
  Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"o@example.com"})",
       "sk_test_workos_mock");
  CHECK(Get(s, "/_mock/requests", env.api_key).json["data"].size() == 6);
  CHECK(Delete(s, "/_mock/requests", env.api_key).status < 300);
  CHECK(Get(s, "/_mock/requests", env.api_key).json["data"].empty());
}

TEST_CASE("the journal is bounded by bytes: large headers are cut, the oldest entries go",
          "[journal][caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"journal_max_bytes", 65536}});
  // Unauthenticated requests with 90 headers of 8,000 bytes each (the flood of the review).
  httplib::Headers big;
  for (int i = 0; i < 90; ++i) big.emplace("X-Big-" + std::to_string(i), std::string(8000, 'h'));
  big.emplace("User-Agent", std::string(8000, 'u'));
  auto c = s.Client();
  for (int i = 0; i < 50; ++i) {
    auto r = c->Get(("/sso/jwks/" + env.client_id).c_str(), big);
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  REQUIRE(Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"last@example.com"})",
               env.api_key)
              .status == 201);

  Reply journal = Get(s, "/_mock/requests", env.api_key);
  REQUIRE(journal.status == 200);
  const json& data = journal.json["data"];
  CHECK(data[0]["path"] == "/passwordless/sessions");  // the newest is always kept
  CHECK(data[0]["headers_omitted"] == 0);
  REQUIRE(data.size() >= 2);
  CHECK(data.size() < 10);  // 65,536 bytes hold only a few of the large entries
  const json& flood = data[1];
  CHECK(flood["path"] == "/sso/jwks/" + env.client_id);
  CHECK(flood["headers_omitted"].get<int>() > 70);  // 16 KiB of header values per entry
  size_t kept = 0;
  for (const auto& [k, v] : flood["headers"].items()) {
    CHECK(v.get<std::string>().size() <= 1024 + 20);
    kept += k.size() + v.get<std::string>().size();
  }
  CHECK(kept <= 16384);
  CHECK(flood["user_agent"].get<std::string>().find("...[8000 bytes]") != std::string::npos);
  CHECK(journal.body.size() < 2 * 65536);

  // The budget is a config key with a documented range.
  Reply bad = Post(s, "/_mock/environments", R"({"journal_max_bytes": 1000})");
  CHECK(bad.status == 422);
  CHECK(bad.json["errors"][0]["field"] == "journal_max_bytes");
}

namespace {

// A fresh authorization code of `env` (a session whose link was visited).
std::string FreshCode(const TestServer& s, const TestEnv& env) {
  Reply created = Post(s, "/passwordless/sessions",
                       R"({"type":"MagicLink","email":"ct@example.com"})", env.api_key);
  REQUIRE(created.status == 201);
  auto visit = s.Client()->Get(PathOf(created.json["link"]).c_str());
  REQUIRE(visit);
  REQUIRE(visit->status == 302);
  return QueryParam(visit->get_header_value("Location"), "code");
}

// POST over a plain socket, so that no Content-Type header is sent when `content_type` is null
// (httplib's client always sends one). Returns the status, -1 on a socket error.
int RawPost(int port, const std::string& path, const std::string& body, const char* content_type) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                        "Content-Length: " + std::to_string(body.size()) + "\r\n";
  if (content_type) request += std::string("Content-Type: ") + content_type + "\r\n";
  request += "\r\n" + body;
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return -1;
  }
  std::string reply;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, n);
  ::close(fd);
  return reply.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(reply.substr(9, 3)) : -1;
}

}  // namespace

TEST_CASE("the journal redacts /sso/token bodies of every content type", "[journal]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  struct Case {
    const char* content_type;  // nullptr: no Content-Type header at all
    bool json_body;
    int status;  // what /sso/token answers
  };
  const std::vector<Case> cases = {
      {"application/x-www-form-urlencoded", false, 200},
      {"application/x-www-form-urlencoded; charset=UTF-8", false, 200},
      {"text/plain", false, 200},  // what fetch() sends for a string body
      {"text/plain;charset=UTF-8", false, 200},
      {nullptr, false, 200},
      {"application/octet-stream", false, 200},
      {"application/json", false, 400},  // a form body that claims to be JSON: not read
      {"application/json", true, 200},
      {nullptr, true, 200},
      {"text/plain", true, 400},  // read as a form (of one odd key): no client
      {"multipart/form-data; boundary=XyZ", false, 400},
  };
  std::vector<std::string> secrets = {env.api_key};
  for (const auto& c : cases) {
    const std::string code = FreshCode(s, env);
    secrets.push_back(code);
    const std::string body =
        c.json_body ? json({{"client_id", env.client_id},
                            {"client_secret", env.api_key},
                            {"grant_type", "authorization_code"},
                            {"code", code}})
                          .dump()
        : std::string(c.content_type ? c.content_type : "").rfind("multipart", 0) == 0
            ? "--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n" +
                  env.api_key +
                  "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n" + code +
                  "\r\n--XyZ--\r\n"
            : "client_id=" + env.client_id + "&client_secret=" + env.api_key +
                  "&grant_type=authorization_code&code=" + code;
    INFO((c.content_type ? c.content_type : "(none)") << (c.json_body ? " JSON" : " form"));
    CHECK(RawPost(s.port(), "/sso/token", body, c.content_type) == c.status);
  }
  Reply journal = Get(s, "/_mock/requests", env.api_key);
  REQUIRE(journal.status == 200);
  for (const auto& secret : secrets) {
    INFO("secret: " << secret);
    CHECK(journal.body.find(secret) == std::string::npos);
  }
  // Newest first: the token calls are every other entry (each after its session's link visit).
  const json& data = journal.json["data"];
  size_t checked = 0, no_type = 0;
  for (const auto& entry : data) {
    if (entry["path"] != "/sso/token") continue;
    const json& b = entry["body"];
    INFO(entry.dump());
    if (!entry["headers"].contains("Content-Type")) ++no_type;
    if (b.is_object() && b.contains("client_secret")) {
      CHECK(b["client_secret"] == "sk_test_[redacted]");
      CHECK(b["code"] == "[redacted]");
      ++checked;
    }
  }
  CHECK(no_type == 2);
  CHECK(checked >= 8);  // every form or JSON body the server read shows its fields, redacted
}
