// The passwordless flow's rules (domain/passwordless.cc), with a manual clock: a session's
// lifetime and validation, its MagicLink connection, the email, the link's single use, expiry,
// HEAD and visits.
#include <catch2/catch.hpp>

#include "domain/environment.h"
#include "environment_fixture.h"
#include "result_checks.h"

using namespace workos_mock;
using namespace workos_mock::testing::env_fixture;
using workos_mock::testing::ErrorOf;

TEST_CASE_METHOD(Fixture, "a session's link lives 15 minutes by default, or expires_in",
                 "[passwordless][expiry]") {
  PasswordlessSession s = Create();
  CHECK(s.expires_ms - s.created_ms == 900 * 1000);
  auto custom = Req("b@example.com");
  custom.expires_in = 3600;
  auto longer = env.CreateSession(custom);
  REQUIRE(longer.ok());
  CHECK(longer.value().expires_ms - longer.value().created_ms == 3600 * 1000);

  clock.AdvanceMs((14 * 60 + 59) * 1000);
  auto on_time = env.VisitLink(s.token, "GET", "test");
  REQUIRE(on_time);
  CHECK(on_time->kind == LinkVisitOutcome::Kind::kRedirect);
  PasswordlessSession late = Create("c@example.com");
  clock.AdvanceMs(900 * 1000);  // exactly at expires_at: expired
  CHECK(env.VisitLink(late.token, "GET", "test")->kind == LinkVisitOutcome::Kind::kExpired);
  CHECK(env.SessionState(*env.FindSession(late.id)) == "expired");
}

TEST_CASE_METHOD(Fixture, "expires_in must be within 900..86400 seconds",
                 "[passwordless][validation]") {
  for (int64_t bad : {1, 899, 86401}) {
    auto r = Req("a@example.com");
    r.expires_in = bad;
    auto s = env.CreateSession(r);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().errors.at(0).field == "expires_in");
  }
  for (int64_t good : {900, 86400}) {
    auto r = Req("a@example.com");
    r.expires_in = good;
    CHECK(env.CreateSession(r).ok());
  }
}

TEST_CASE_METHOD(Fixture, "a link is single use: a second visit redirects with access_denied",
                 "[passwordless][single-use]") {
  auto r = Req("ann@example.com");
  r.state = "st 1";
  auto created = env.CreateSession(r);
  REQUIRE(created.ok());
  const PasswordlessSession s = created.value();
  auto first = env.VisitLink(s.token, "GET", "browser");
  REQUIRE(first->kind == LinkVisitOutcome::Kind::kRedirect);
  CHECK(first->location.rfind("http://localhost:3000/callback?code=", 0) == 0);
  auto second = env.VisitLink(s.token, "GET", "browser");
  CHECK(second->kind == LinkVisitOutcome::Kind::kUsed);
  CHECK(second->location ==
        "http://localhost:3000/callback?error=access_denied&error_description=The%20Magic%20Link"
        "%20has%20already%20been%20used.%20Request%20a%20new%20one%20to%20sign%20in.&state=st%201");
  CHECK(second->location.find("code=") == std::string::npos);
  CHECK(env.SessionState(*env.FindSession(s.id)) == "confirmed");
  REQUIRE(env.FindSession(s.id)->visits.size() == 2);
  CHECK(env.FindSession(s.id)->visits[1].outcome == "used");
  CHECK_FALSE(env.VisitLink("unknown-token", "GET", "x"));
}

TEST_CASE_METHOD(Fixture,
                 "an expired link redirects to the session's redirect URI with "
                 "access_denied, without state when it had none",
                 "[passwordless][expiry]") {
  auto r = Req("ann@example.com");
  r.redirect_uri = "https://app.example.com/cb";
  auto s = env.CreateSession(r);
  REQUIRE(s.ok());
  clock.AdvanceMs(900 * 1000);
  auto late = env.VisitLink(s.value().token, "GET", "browser");
  REQUIRE(late->kind == LinkVisitOutcome::Kind::kExpired);
  CHECK(late->location ==
        "https://app.example.com/cb?error=access_denied&error_description=The%20Magic%20Link%20"
        "has%20expired.%20Request%20a%20new%20one%20to%20sign%20in.");
  CHECK(env.FindSession(s.value().id)->visits.back().outcome == "expired");
}

TEST_CASE_METHOD(Fixture,
                 "a restored session whose redirect URI has a query: the link adds its "
                 "parameters after '&'",
                 "[passwordless][snapshot]") {
  // Registered redirect URIs never have a query (rules/redirect_uri.cc), but a session in an
  // imported state (PUT /_mock/state, --state-file) keeps the redirect_uri written there.
  auto r = Req("ann@example.com");
  r.state = "st 1";
  const PasswordlessSession s = env.CreateSession(r).value();
  EnvironmentSnapshot snap = env.Snapshot();
  REQUIRE(snap.sessions.size() == 1);
  snap.sessions[0].redirect_uri = "https://app.example.com/cb?tenant=a";
  REQUIRE(env.Restore(snap).ok());
  auto first = env.VisitLink(s.token, "GET", "browser");
  REQUIRE(first->kind == LinkVisitOutcome::Kind::kRedirect);
  CHECK(first->location ==
        "https://app.example.com/cb?tenant=a&code=" + CodeOf(*first) + "&state=st%201");
  auto second = env.VisitLink(s.token, "GET", "browser");
  REQUIRE(second->kind == LinkVisitOutcome::Kind::kUsed);
  CHECK(second->location ==
        "https://app.example.com/cb?tenant=a&error=access_denied&error_description=The%20Magic"
        "%20Link%20has%20already%20been%20used.%20Request%20a%20new%20one%20to%20sign%20in.&state="
        "st%201");
}

TEST_CASE("HEAD consumes a link by default; a HEAD-safe environment leaves it usable",
          "[passwordless][single-use][settings]") {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};
  CHECK(env.settings().head_consumes_links);
  auto consumed = env.CreateSession(Req("a@example.com")).value();
  auto head = env.VisitLink(consumed.token, "HEAD", "checker");
  REQUIRE(head->kind == LinkVisitOutcome::Kind::kRedirect);
  CHECK(head->location.rfind("http://localhost:3000/callback?code=", 0) == 0);
  CHECK(env.VisitLink(consumed.token, "GET", "browser")->kind == LinkVisitOutcome::Kind::kUsed);
  CHECK(env.FindSession(consumed.id)->visits[0].method == "HEAD");
  CHECK(env.FindSession(consumed.id)->visits[0].outcome == "redirected");

  EnvironmentSettings safe;
  safe.head_consumes_links = false;
  env.SetSettings(safe);
  auto kept = env.CreateSession(Req("b@example.com")).value();
  auto checked = env.VisitLink(kept.token, "HEAD", "checker");
  CHECK(checked->kind == LinkVisitOutcome::Kind::kValid);
  CHECK(checked->location.empty());
  CHECK(env.FindSession(kept.id)->visits[0].outcome == "head");
  CHECK(env.VisitLink(kept.token, "GET", "browser")->kind == LinkVisitOutcome::Kind::kRedirect);
  // A HEAD on a used link reports it used either way.
  CHECK(env.VisitLink(kept.token, "HEAD", "checker")->kind == LinkVisitOutcome::Kind::kUsed);

  // Reset restores the seed's settings; a seed may start HEAD-safe.
  env.Reset();
  CHECK(env.settings().head_consumes_links);
  EnvironmentConfig seed = Seed("safe");
  seed.settings.head_consumes_links = false;
  Environment from_config{seed, clock, "http://mock"};
  auto t = from_config.CreateSession(Req("c@example.com")).value();
  CHECK(from_config.VisitLink(t.token, "HEAD", "x")->kind == LinkVisitOutcome::Kind::kValid);
}

TEST_CASE_METHOD(Fixture, "state is echoed, percent-encoded, on the redirect", "[passwordless]") {
  auto r = Req("a@example.com");
  r.state = "a b&c=d";
  auto s = env.CreateSession(r);
  auto visit = env.VisitLink(s.value().token, "GET", "x");
  CHECK(visit->location.find("&state=a%20b%26c%3Dd") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "email, type and redirect_uri validation", "[passwordless][validation]") {
  auto errors_for = [&](CreateSessionRequest r) {
    auto s = env.CreateSession(r);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::kValidation);
    return s.error().errors;
  };
  for (std::string bad : {"", "plain", "@example.com", "a@", "a@b", "a b@example.com",
                          "a@@example.com", "a@example..com"}) {
    INFO(bad);
    CHECK(errors_for(Req(bad)).at(0).field == "email");
  }
  auto no_type = Req("a@example.com");
  no_type.type.reset();
  CHECK(errors_for(no_type).at(0).field == "type");
  auto other = Req("a@example.com");
  other.redirect_uri = "https://app.example.com/cb/";
  CHECK(errors_for(other).at(0).field == "redirect_uri");
  auto listed = Req("a@example.com");
  listed.redirect_uri = "https://app.example.com/cb";
  auto ok = env.CreateSession(listed);
  REQUIRE(ok.ok());
  CHECK(ok.value().redirect_uri == "https://app.example.com/cb");
  // Everything wrong is reported at once.
  CreateSessionRequest empty;
  CHECK(errors_for(empty).size() == 2);
}

TEST_CASE_METHOD(Fixture,
                 "send: unknown, used and expired sessions are refused with the live message",
                 "[passwordless][send]") {
  auto unknown = env.SendSession("passwordless_session_nope");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::kUnprocessable);
  CHECK(unknown.error().message ==
        "The passwordless session 'passwordless_session_nope' has expired or is invalid.");
  PasswordlessSession s = Create();
  auto sent = env.SendSession(s.id);
  REQUIRE(sent.ok());
  CHECK(sent.value().link == "http://mock/passwordless/" + s.token + "/confirm");
  CHECK(env.Outbox("ANN@example.com").size() == 1);
  env.VisitLink(s.token, "GET", "x");
  CHECK_FALSE(env.SendSession(s.id).ok());
  PasswordlessSession old = Create("o@example.com");
  clock.AdvanceMs(901 * 1000);
  CHECK_FALSE(env.SendSession(old.id).ok());
}

TEST_CASE_METHOD(Fixture, "a MagicLink connection is created per email domain, once",
                 "[connections]") {
  Create("a@example.com");
  Create("b@EXAMPLE.com");
  Create("c@other.org");
  auto conns = env.Connections();
  REQUIRE(conns.size() == 2);
  for (const auto& c : conns) {
    CHECK(c.type == "MagicLink");
    CHECK(c.name == "MagicLink");
    CHECK(c.domains.size() == 1);
    CHECK(c.domains[0].id.rfind("org_domain_", 0) == 0);
  }
  // The same user signing in twice keeps one profile id.
  auto first = env.VisitLink(Create("a@example.com").token, "GET", "x");
  auto second = env.VisitLink(Create("a@example.com").token, "GET", "x");
  TokenRequest r{"client_test", "sk_test_test", "authorization_code", CodeOf(*first), ""};
  auto p1 = env.ExchangeCode(r).value().profile;
  r.code = CodeOf(*second);
  CHECK(env.ExchangeCode(r).value().profile.id == p1.id);
}

TEST_CASE("a session for a connection that is not active is refused",
          "[passwordless][validation]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  for (const std::string state : {"active", "inactive", "draft"}) {
    Connection c;
    c.id = "conn_ml_" + state;
    c.type = "MagicLink";
    c.name = "MagicLink";
    c.state = state;
    seed.connections.push_back(c);
  }
  Environment env(seed, clock, "http://mock");
  auto with_connection = [&](const std::string& id) {
    CreateSessionRequest r = Req("a@example.com");
    r.connection = id;
    return env.CreateSession(r);
  };
  auto active = with_connection("conn_ml_active");
  REQUIRE(active.ok());
  CHECK(active.value().connection_id == "conn_ml_active");
  for (const std::string id : {"conn_ml_inactive", "conn_ml_draft"}) {
    INFO(id);
    const Error e = ErrorOf(with_connection(id));
    CHECK(e.kind == ErrorKind::kValidation);
    REQUIRE(e.errors.size() == 1);
    CHECK(e.errors[0].field == "connection");
    CHECK(e.errors[0].code == "connection '" + id + "' is not active");
  }
  CHECK(env.Snapshot().sessions.size() == 1);  // nothing was stored for the refused ones
}

TEST_CASE_METHOD(Fixture, "visits: the first 20 and the consuming one are kept, the rest counted",
                 "[visits][caps]") {
  const std::string huge(8192, 'u');
  // A HEAD-safe server, so link checkers' HEADs leave the link usable (HEAD consumes by default).
  EnvironmentSettings head_safe = env.settings();
  head_safe.head_consumes_links = false;
  env.SetSettings(head_safe);
  // Before it is used: HEADs (link checkers) fill the kept visits ...
  PasswordlessSession s = Create();
  for (int i = 0; i < 30; ++i) env.VisitLink(s.token, "HEAD", huge);
  // ... the consuming visit is still kept, so the state is still attributed by its User-Agent.
  REQUIRE(env.VisitLink(s.token, "GET", kScannerUserAgent)->kind ==
          LinkVisitOutcome::Kind::kRedirect);
  for (int i = 0; i < 1000; ++i) env.VisitLink(s.token, "GET", huge);  // repeat visits
  PasswordlessSession after = *env.FindSession(s.id);
  REQUIRE(after.visits.size() == 21);
  CHECK(after.visits_omitted == 10 + 1000);
  CHECK(after.visits[20].outcome == "redirected");
  CHECK(env.SessionState(after) == "scanned");
  for (const auto& v : after.visits) CHECK(v.user_agent.size() <= 512 + 20);  // cut, marked
  CHECK(after.visits[0].user_agent.find("...[8192 bytes]") != std::string::npos);

  // A snapshot with more (a hand-written or older one) is bounded the same way on restore.
  EnvironmentSnapshot snap = env.Snapshot();
  for (auto& x : snap.sessions)
    if (x.id == s.id) {
      x.visits.assign(50, LinkVisit{x.created_ms, "GET", huge, "used"});
      x.visits_omitted = 7;
    }
  REQUIRE(env.Restore(snap).ok());
  after = *env.FindSession(s.id);
  CHECK(after.visits.size() == 20);
  CHECK(after.visits_omitted == 7 + 30);
  CHECK(after.visits[0].user_agent.size() <= 512 + 20);
}
