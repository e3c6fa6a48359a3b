// The registry finds the environment of a link token, access token or pending sign-in with one
// index probe; the index follows every way an entry comes and goes.
#include <catch2/catch.hpp>

#include "domain/environment.h"
#include "domain/registry.h"
#include "domain/token_index.h"

using namespace workos_mock;

namespace {

EnvironmentConfig Seed(const std::string& name) {
  EnvironmentConfig c;
  c.name = name;
  c.api_keys = {"sk_test_" + name};
  c.client_id = "client_" + name;
  c.redirect_uris = {{"http://localhost:3000/callback", true}};
  c.sweep_after_seconds = 60;
  return c;
}

CreateSessionRequest Req(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  return r;
}

std::string CodeIn(const std::string& location) {
  return location.substr(location.find("code=") + 5, 26);
}

}  // namespace

TEST_CASE("token index: add, remove only by the owner, kinds kept apart", "[index]") {
  TokenIndex index;
  index.Add(TokenIndex::Kind::kLinkToken, "tok", "a");
  CHECK(index.Find(TokenIndex::Kind::kLinkToken, "tok") == "a");
  CHECK(index.Find(TokenIndex::Kind::kAccessToken, "tok").empty());
  index.Remove(TokenIndex::Kind::kLinkToken, "tok", "b");  // not b's
  CHECK(index.Find(TokenIndex::Kind::kLinkToken, "tok") == "a");
  index.Remove(TokenIndex::Kind::kLinkToken, "tok", "a");
  CHECK(index.Find(TokenIndex::Kind::kLinkToken, "tok").empty());
  CHECK(index.size() == 0);
}

TEST_CASE("registry: secrets are routed by the index through create, sweep, reset, restore",
          "[index]") {
  ManualClock clock;
  Registry registry(clock, "http://mock");
  std::vector<std::shared_ptr<Environment>> envs;
  for (int i = 0; i < 50; ++i) {
    auto added = registry.Add(Seed("e" + std::to_string(i)));
    REQUIRE(added.ok());
    envs.push_back(added.value());
  }
  auto& env = envs[37];
  auto session = env->CreateSession(Req("ann@example.com"));
  REQUIRE(session.ok());
  const std::string token = session.value().token;
  CHECK(registry.ByLinkToken(token) == env);
  CHECK(registry.ByLinkToken("not-a-token") == nullptr);

  auto visit = env->VisitLink(token, "GET", "test");
  REQUIRE(visit);
  REQUIRE(visit->kind == LinkVisitOutcome::Kind::kRedirect);
  TokenRequest tr;
  tr.client_id = "client_e37";
  tr.client_secret = "sk_test_e37";
  tr.grant_type = "authorization_code";
  tr.code = CodeIn(visit->location);
  auto grant = env->ExchangeCode(tr);
  REQUIRE(grant.ok());
  const std::string access = grant.value().access_token;
  CHECK(registry.ByAccessToken(access) == env);
  CHECK(registry.ByAccessToken(access + "x") == nullptr);

  SECTION("a snapshot restored elsewhere moves the routing with it") {
    EnvironmentSnapshot snapshot = env->Snapshot();
    env->Reset();
    CHECK(registry.ByLinkToken(token) == nullptr);
    CHECK(registry.ByAccessToken(access) == nullptr);
    REQUIRE(envs[3]->Restore(snapshot).ok());
    CHECK(registry.ByLinkToken(token) == envs[3]);
    CHECK(registry.ByAccessToken(access) == envs[3]);
  }
  SECTION("swept entries leave the index") {
    clock.AdvanceMs(24LL * 3600 * 1000);
    env->Sweep();
    CHECK(registry.ByLinkToken(token) == nullptr);
    CHECK(registry.ByAccessToken(access) == nullptr);
  }
  SECTION("a removed environment's secrets route nowhere, even under a reused name") {
    REQUIRE(registry.Remove("e37"));
    CHECK(registry.ByLinkToken(token) == nullptr);
    REQUIRE(registry.Add(Seed("e37")).ok());
    CHECK(registry.ByLinkToken(token) == nullptr);
  }
}

TEST_CASE("registry: a pending interactive sign-in is found by its id and gone once used",
          "[index]") {
  ManualClock clock;
  Registry registry(clock, "http://mock");
  EnvironmentConfig seed = Seed("sso");
  auto env = registry.Add(seed);
  REQUIRE(env.ok());
  REQUIRE(registry.Add(Seed("other")).ok());
  AuthorizeRequest ar;
  ar.client_id = "client_sso";
  ar.redirect_uri = "http://localhost:3000/callback";
  ar.response_type = "code";
  ar.provider = "GoogleOAuth";
  ar.interactive = true;
  AuthorizeOutcome out = env.value()->Authorize(ar);
  REQUIRE(out.kind == AuthorizeOutcome::Kind::kIdpPage);
  CHECK(registry.ByPendingLogin(out.login_id) == env.value());
  auto done = env.value()->CompleteLogin(out.login_id, "ann@example.com");
  REQUIRE(done.ok());
  CHECK(registry.ByPendingLogin(out.login_id) == nullptr);
}
