// Every expiry rule pinned over HTTP at its boundary: one second before (still valid), exactly at
// it and one second after (expired). The server's base clock is frozen (BaseClock::kFrozen), so
// the environment's clock moves only with POST /_mock/clock/advance and "exactly at" is exact.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

std::string Enc(const std::string& s) { return httplib::detail::encode_query_param(s); }

void Advance(const TestServer& s, const std::string& key, int64_t seconds) {
  Reply r = Post(s, "/_mock/clock/advance", json{{"seconds", seconds}}.dump(), key);
  REQUIRE(r.status == 200);
}

json CreateSession(const TestServer& s, const std::string& key, const std::string& email) {
  Reply r =
      Post(s, "/passwordless/sessions", json{{"type", "MagicLink"}, {"email", email}}.dump(), key);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json;
}

// The code a link visit redirected with; "" when it gave none (whatever it answered instead).
std::string CodeOfVisit(const Reply& visit) {
  if (visit.status != 302) return "";
  return QueryParam(visit.header("Location"), "code");
}

// The outcomes the control plane recorded for a session's link visits.
std::vector<std::string> VisitOutcomes(const TestServer& s, const std::string& key,
                                       const std::string& session_id) {
  Reply r = Get(s, "/_mock/passwordless/sessions/" + session_id, key);
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  for (const auto& v : r.json["visits"]) out.push_back(v["outcome"]);
  return out;
}

Reply Exchange(const TestServer& s, const TestEnv& env, const std::string& code) {
  return Post(s, "/sso/token",
              "client_id=" + Enc(env.client_id) + "&client_secret=" + Enc(env.api_key) +
                  "&grant_type=authorization_code&code=" + Enc(code),
              "", "application/x-www-form-urlencoded");
}

// A fresh code: a session's link, clicked now.
std::string FreshCode(const TestServer& s, const TestEnv& env, const std::string& email) {
  json session = CreateSession(s, env.api_key, email);
  const std::string code = CodeOfVisit(Get(s, PathOf(session["link"])));
  REQUIRE(code.size() == 26);
  return code;
}

}  // namespace

TEST_CASE("boundary: a link works at 14:59 and is expired at 15:00 and 15:01",
          "[http][expiry][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s);
  json before = CreateSession(s, env.api_key, "before@example.com");
  json at = CreateSession(s, env.api_key, "at@example.com");
  json after = CreateSession(s, env.api_key, "after@example.com");

  Advance(s, env.api_key, 15 * 60 - 1);
  CHECK(CodeOfVisit(Get(s, PathOf(before["link"]))).size() == 26);
  CHECK(VisitOutcomes(s, env.api_key, before["id"]) == std::vector<std::string>{"redirected"});

  Advance(s, env.api_key, 1);  // exactly expires_at
  CHECK(CodeOfVisit(Get(s, PathOf(at["link"]))).empty());
  CHECK(VisitOutcomes(s, env.api_key, at["id"]) == std::vector<std::string>{"expired"});

  Advance(s, env.api_key, 1);
  CHECK(CodeOfVisit(Get(s, PathOf(after["link"]))).empty());
  CHECK(VisitOutcomes(s, env.api_key, after["id"]) == std::vector<std::string>{"expired"});
}

TEST_CASE("boundary: expires_in moves the link's boundary to exactly that many seconds",
          "[http][expiry][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s);
  auto create = [&](const std::string& email) {
    Reply r = Post(s, "/passwordless/sessions",
                   json{{"type", "MagicLink"}, {"email", email}, {"expires_in", 3600}}.dump(),
                   env.api_key);
    REQUIRE(r.status == 201);
    return r.json;
  };
  json before = create("before@example.com");
  json at = create("at@example.com");
  Advance(s, env.api_key, 3600 - 1);
  CHECK(CodeOfVisit(Get(s, PathOf(before["link"]))).size() == 26);
  Advance(s, env.api_key, 1);
  CHECK(CodeOfVisit(Get(s, PathOf(at["link"]))).empty());
}

TEST_CASE("boundary: a session can be sent at 14:59, not at 15:00 or 15:01",
          "[http][expiry][send][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s);
  json session = CreateSession(s, env.api_key, "send@example.com");
  const std::string id = session["id"];
  auto send = [&] { return Post(s, "/passwordless/sessions/" + id + "/send", "{}", env.api_key); };
  const json refused = {
      {"message", "The passwordless session '" + id + "' has expired or is invalid."}};

  Advance(s, env.api_key, 15 * 60 - 1);
  CHECK(send().status == 201);
  Advance(s, env.api_key, 1);
  Reply at = send();
  CHECK(at.status == 422);
  CHECK(at.json == refused);
  Advance(s, env.api_key, 1);
  Reply after = send();
  CHECK(after.status == 422);
  CHECK(after.json == refused);
  CHECK(Get(s, "/_mock/outbox?email=send@example.com", env.api_key).json["data"].size() == 1);
}

TEST_CASE("boundary: a code exchanges at 9:59, not at 10:00 or 10:01",
          "[http][expiry][codes][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s);
  const std::string before = FreshCode(s, env, "before@example.com");
  const std::string at = FreshCode(s, env, "at@example.com");
  const std::string after = FreshCode(s, env, "after@example.com");

  Advance(s, env.api_key, 10 * 60 - 1);
  CHECK(Exchange(s, env, before).status == 200);
  Advance(s, env.api_key, 1);
  Reply at_reply = Exchange(s, env, at);
  CHECK(at_reply.status == 400);
  CHECK(at_reply.json["error"] == "invalid_grant");
  Advance(s, env.api_key, 1);
  CHECK(Exchange(s, env, after).json["error"] == "invalid_grant");
}

TEST_CASE("boundary: an access token works at 9:59 and is refused at 10:00 and 10:01",
          "[http][expiry][sso][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s);
  Reply grant = Exchange(s, env, FreshCode(s, env, "token@example.com"));
  REQUIRE(grant.status == 200);
  REQUIRE(grant.json["expires_in"] == 600);
  const std::string token = grant.json["access_token"];

  Advance(s, env.api_key, 10 * 60 - 1);
  Reply before = Get(s, "/sso/profile", token);
  CHECK(before.status == 200);
  CHECK(before.json["email"] == "token@example.com");
  Advance(s, env.api_key, 1);
  Reply at = Get(s, "/sso/profile", token);
  CHECK(at.status == 401);
  CHECK(at.json == json{{"error", "Unauthorized"}});  // CONTRACT.md, GET /sso/profile
  Advance(s, env.api_key, 1);
  CHECK(Get(s, "/sso/profile", token).status == 401);
}

TEST_CASE("boundary: the mock IdP's sign-in page completes at 9:59, not at 10:00 or 10:01",
          "[http][expiry][sso][idp][boundary]") {
  TestServer s(workos_mock::DefaultConfig(), BaseClock::kFrozen);
  TestEnv env = NewEnvironment(s, {{"interactive_idp", true}});
  // Three sign-in pages, opened at the same instant.
  auto open_page = [&] {
    Reply page = Get(s, "/sso/authorize?response_type=code&provider=GoogleOAuth&client_id=" +
                            Enc(env.client_id) +
                            "&redirect_uri=" + Enc("http://localhost:3000/callback") + "&state=st");
    INFO(page.body);
    REQUIRE(page.status == 200);
    std::smatch m;
    REQUIRE(std::regex_search(page.body, m, std::regex("action=\"(/sso/idp/[A-Za-z0-9]+)\"")));
    return std::string(m[1]);
  };
  auto sign_in = [&](const std::string& action) {
    return Post(s, action, "email=ann%40example.com", "", "application/x-www-form-urlencoded");
  };
  const std::string before = open_page(), at = open_page(), after = open_page();

  Advance(s, env.api_key, 10 * 60 - 1);
  Reply done = sign_in(before);
  REQUIRE(done.status == 302);
  CHECK(QueryParam(done.header("Location"), "code").size() == 26);
  Advance(s, env.api_key, 1);
  Reply late = sign_in(at);
  CHECK(late.status == 400);
  CHECK(late.body.find("expired") != std::string::npos);
  CHECK(late.header("Location").empty());
  Advance(s, env.api_key, 1);
  CHECK(sign_in(after).status == 400);
}
