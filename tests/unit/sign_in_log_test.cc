// The sign-in records of the mock IdP (domain/sign_in_log.h): newest first, one record per
// pending login, at most 1000, and a waiting one past its expiry reads as expired.
#include <catch2/catch.hpp>

#include <algorithm>

#include "domain/sign_in_log.h"

using namespace workos_mock;

namespace {

Connection Conn() {
  Connection c;
  c.id = "conn_1";
  c.type = "OktaSAML";
  c.organization_id = "org_1";
  return c;
}

PendingLogin Login(const std::string& id, int64_t expires_ms) {
  PendingLogin p;
  p.id = id;
  p.redirect_uri = "https://app.example.com/cb";
  p.state = "st";
  p.expires_ms = expires_ms;
  return p;
}

}  // namespace

TEST_CASE("sign-in log: a record starts at the IdP and is found again by its login",
          "[sso][sign-ins]") {
  SignInLog log;
  SsoSignIn& waiting = log.RecordOf(Conn(), Login("login_1", 5000), 1000);
  CHECK(waiting.status == "at_idp");
  CHECK(waiting.started_ms == 1000);
  CHECK(waiting.expires_ms == 5000);
  CHECK(waiting.connection_id == "conn_1");
  CHECK(waiting.connection_type == "OktaSAML");
  CHECK(waiting.organization_id == std::optional<std::string>("org_1"));
  CHECK(waiting.redirect_uri == "https://app.example.com/cb");
  CHECK(waiting.state == "st");
  waiting.status = "signed_in";

  CHECK(&log.RecordOf(Conn(), Login("login_1", 5000), 2000) == &waiting);
  // Direct sign-ins have no login id: each is a new record, newest first.
  log.RecordOf(Conn(), Login("", 0), 3000).email = "first@example.com";
  log.RecordOf(Conn(), Login("", 0), 4000).email = "second@example.com";
  auto all = log.List(4000);
  REQUIRE(all.size() == 3);
  CHECK(all[0].email == "second@example.com");
  CHECK(all[1].email == "first@example.com");
  CHECK(all[2].login_id == "login_1");
  CHECK(all[2].status == "signed_in");
}

TEST_CASE("sign-in log: a waiting record past its expiry reads as expired", "[sso][sign-ins]") {
  SignInLog log;
  log.RecordOf(Conn(), Login("login_1", 5000), 1000);
  CHECK(log.List(4999).at(0).status == "at_idp");
  CHECK(log.List(5000).at(0).status == "expired");
  log.RecordOf(Conn(), Login("login_1", 5000), 1000).status = "failed";
  CHECK(log.List(9000).at(0).status == "failed");  // only waiting ones expire
}

TEST_CASE("sign-in log: the newest 1000 are kept", "[sso][sign-ins][caps]") {
  SignInLog log;
  log.RecordOf(Conn(), Login("oldest", 5000), 0);
  for (int i = 0; i < 1000; ++i) log.RecordOf(Conn(), Login("", 0), i);
  CHECK(log.size() == 1000);
  const auto all = log.List(0);
  CHECK(std::none_of(all.begin(), all.end(),
                     [](const SsoSignIn& r) { return r.login_id == "oldest"; }));
  // Its login is no longer found: a new record starts.
  CHECK(log.RecordOf(Conn(), Login("oldest", 5000), 2000).started_ms == 2000);
  CHECK(log.size() == 1000);
  log.Clear();
  CHECK(log.List(0).empty());
}
