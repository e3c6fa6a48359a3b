// HTTP/1.1 hygiene at the connection level: bodies that were never read cannot smuggle a second
// request, requests without a body are fine, and nothing a client sends can forge a log line.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>

#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

const std::string kKey = "sk_test_workos_mock";

// A request that, if ever executed, moves the default environment's clock by an hour.
std::string HiddenAdvance(const std::string& extra_header = "") {
  const std::string body = R"({"seconds":3600})";
  return "POST /_mock/clock/advance HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer " + kKey +
         "\r\n" + extra_header +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

int64_t OffsetSeconds(int port, const std::string& admin_token = "") {
  httplib::Client c("127.0.0.1", port);
  httplib::Headers h{{"Authorization", "Bearer " + kKey}};
  if (!admin_token.empty()) h.emplace("X-Mock-Admin-Token", admin_token);
  auto res = c.Get("/_mock/clock", h);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body).value("offset_seconds", int64_t{-1});
}

}  // namespace

TEST_CASE("a 413 answered before the body is read closes the connection: no smuggled request",
          "[http][connection]") {
  signal(SIGPIPE, SIG_IGN);
  TestServer s;
  int fd = ConnectTo(s.port());
  const std::string hidden = HiddenAdvance();
  REQUIRE(SendAll(fd,
                  "POST /passwordless/sessions HTTP/1.1\r\nHost: mock\r\nAuthorization: "
                  "Bearer " +
                      kKey +
                      "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"));
  RawReply r = ReadReply(fd, milliseconds(5000));
  CHECK(r.status == 413);
  CHECK(r.connection_close);
  // What the client sends next is the declared body, never a request of its own.
  (void)SendAll(fd, hidden);
  CHECK(WaitClosed(fd, milliseconds(5000)));
  close(fd);
  CHECK(OffsetSeconds(s.port()) == 0);
}

TEST_CASE("a GET with a body (never read) is answered and the connection closed",
          "[http][connection]") {
  TestServer s;
  int fd = ConnectTo(s.port());
  const std::string hidden = HiddenAdvance();
  REQUIRE(SendAll(fd, "GET /health HTTP/1.1\r\nHost: mock\r\nContent-Length: " +
                          std::to_string(hidden.size()) + "\r\n\r\n"));
  RawReply r = ReadReply(fd, milliseconds(5000));
  CHECK(r.status == 200);
  CHECK(r.connection_close);
  // What the client sends next is the declared body, never a request of its own.
  (void)SendAll(fd, hidden);
  CHECK(WaitClosed(fd, milliseconds(5000)));
  close(fd);
  CHECK(OffsetSeconds(s.port()) == 0);
}

TEST_CASE("a control-plane 403 answered before the body is read closes the connection",
          "[http][connection][binary]") {
  MockProcess mock({"--log", "off", "--admin-token", "sesame"});
  int fd = ConnectTo(mock.port());
  // The outer request lacks the admin token (403 before its body is read); its body is a
  // complete request that has it.
  const std::string hidden = HiddenAdvance("X-Mock-Admin-Token: sesame\r\n");
  REQUIRE(SendAll(fd, "POST /_mock/reset HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer " + kKey +
                          "\r\nContent-Length: " + std::to_string(hidden.size()) + "\r\n\r\n"));
  RawReply r = ReadReply(fd, milliseconds(5000));
  CHECK(r.status == 403);
  CHECK(r.connection_close);
  // What the client sends next is the declared body, never a request of its own.
  (void)SendAll(fd, hidden);
  CHECK(WaitClosed(fd, milliseconds(5000)));
  close(fd);
  CHECK(OffsetSeconds(mock.port(), "sesame") == 0);
  CHECK(mock.Stop() == 0);
}

TEST_CASE("a POST with neither Content-Length nor Transfer-Encoding has an empty body",
          "[http][connection]") {
  // RFC 9112 section 6.3; what `curl -X POST URL` sends.
  TestServer s;
  Reply created = Post(s, "/passwordless/sessions",
                       R"({"type":"MagicLink","email":"nobody@example.com"})", kKey);
  REQUIRE(created.status == 201);
  const std::string id = created.json["id"];
  auto raw = [&](const std::string& request_line, const std::string& auth) {
    int fd = ConnectTo(s.port());
    REQUIRE(SendAll(fd, request_line + "\r\nHost: mock\r\n" + auth + "\r\n"));
    RawReply r = ReadReply(fd, milliseconds(2000));  // before: 400 after the read timeout
    close(fd);
    return r;
  };
  const std::string auth = "Authorization: Bearer " + kKey + "\r\n";
  RawReply sent = raw("POST /passwordless/sessions/" + id + "/send HTTP/1.1", auth);
  CHECK(sent.status == 201);
  CHECK(json::parse(sent.body, nullptr, false)["success"] == true);
  CHECK(raw("POST /_mock/reset HTTP/1.1", auth).status == 200);
  RawReply env = raw("POST /_mock/environments HTTP/1.1", "");
  CHECK(env.status == 201);
  CHECK(json::parse(env.body, nullptr, false)["api_key"].is_string());
}

TEST_CASE("text logs escape control characters: a request cannot forge a log line",
          "[http][connection][binary]") {
  MockProcess mock({"--log", "text"});
  const std::string forged = "/nope%0APOST%20/sso/token%20200%20forged%1B[31m";
  httplib::Client c("127.0.0.1", mock.port());
  auto res = c.Get(forged.c_str());
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(mock.Stop() == 0);
  std::string err;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, mock.err())) > 0) err.append(buf, n);
  CHECK(err.find('\x1b') == std::string::npos);
  CHECK(err.find("\nPOST /sso/token") == std::string::npos);
  CHECK(err.find("GET /nope\\x0aPOST /sso/token 200 forged\\x1b[31m 404 ") != std::string::npos);
}

TEST_CASE("JSON logs stay one valid JSON object per line whatever the path holds",
          "[http][connection][binary]") {
  MockProcess mock({"--log", "json"});
  httplib::Client c("127.0.0.1", mock.port());
  for (const char* path : {"/nope%0A%7B%22x%22%3A1%7D", "/bad%FF%FEutf8", "/quote%22%5C"}) {
    auto res = c.Get(path);
    REQUIRE(res);
  }
  CHECK(mock.Stop() == 0);
  std::string err;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, mock.err())) > 0) err.append(buf, n);
  int lines = 0;
  size_t start = 0;
  for (size_t end; (end = err.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = err.substr(start, end - start);
    INFO(line);
    json j = json::parse(line, nullptr, false);
    CHECK(j.is_object());
    lines += j.is_object() && j.contains("path");
  }
  CHECK(lines == 3);
}
