// Domain rules, with a manual clock: single use, TTLs, validation, ownership.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "domain/environment.h"
#include "domain/ids.h"
#include "domain/registry.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::ErrorOf;

namespace {

EnvironmentConfig Seed(const std::string& name = "test") {
  EnvironmentConfig c;
  c.name = name;
  c.api_keys = {"sk_test_" + name};
  c.client_id = "client_" + name;
  c.redirect_uris = {{"http://localhost:3000/callback", true},
                     {"https://app.example.com/cb", false}};
  return c;
}

CreateSessionRequest Req(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  return r;
}

std::string CodeOf(const LinkVisitOutcome& o) {
  auto pos = o.location.find("code=");
  return o.location.substr(pos + 5, 26);
}

struct Fixture {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};
  PasswordlessSession Create(const std::string& email = "ann@example.com") {
    auto s = env.CreateSession(Req(email));
    REQUIRE(s.ok());
    return s.value();
  }
};

}  // namespace

TEST_CASE("ids: prefix + 26-char ULID, time-ordered; secrets have the live shape", "[ids]") {
  std::string a = NewId("conn", 1000), b = NewId("conn", 2000);
  CHECK(std::regex_match(a, std::regex("conn_[0-9A-HJKMNP-TV-Z]{26}")));
  CHECK(a.substr(0, 15) < b.substr(0, 15));
  CHECK(Ulid(0).substr(0, 10) == "0000000000");
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) tokens.insert(RandomAlphanumeric(25));
  CHECK(tokens.size() == 1000);
  CHECK(std::regex_match(*tokens.begin(), std::regex("[A-Za-z0-9]{25}")));
  CHECK(FormatIso8601(1597297800000) == "2020-08-13T05:50:00.000Z");
  CHECK(FormatIso8601(1597297800123) == "2020-08-13T05:50:00.123Z");
  CHECK(std::regex_match(
      UuidV4(), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
}

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

TEST_CASE_METHOD(Fixture, "codes: 10-minute TTL, single use, failures do not burn them",
                 "[codes]") {
  auto code_for = [&](const std::string& email) {
    return CodeOf(*env.VisitLink(Create(email).token, "GET", "x"));
  };
  std::string code = code_for("a@example.com");
  TokenRequest r{"client_test", "sk_test_test", "authorization_code", code, ""};
  TokenRequest wrong = r;
  wrong.client_secret = "sk_test_other";
  CHECK(ErrorOf(env.ExchangeCode(wrong)).kind == ErrorKind::kInvalidClient);
  TokenRequest no_secret = r;
  no_secret.client_secret = "";
  CHECK(ErrorOf(env.ExchangeCode(no_secret)).kind == ErrorKind::kInvalidClient);
  TokenRequest grant = r;
  grant.grant_type = "refresh_token";
  CHECK(ErrorOf(env.ExchangeCode(grant)).kind == ErrorKind::kUnsupportedGrant);
  // No client_id in the body (e.g. sent as HTTP Basic, which is not read): named as missing.
  TokenRequest no_client = r;
  no_client.client_id = "";
  auto missing = env.ExchangeCode(no_client);
  REQUIRE_FALSE(missing.ok());
  CHECK(ErrorOf(missing).kind == ErrorKind::kOAuthInvalidRequest);
  CHECK(ErrorOf(missing).message == "Missing required parameter: client_id");
  auto ok = env.ExchangeCode(r);
  REQUIRE(ok.ok());
  CHECK(ok.value().profile.email == "a@example.com");
  CHECK(ok.value().profile.connection_type == "MagicLink");
  CHECK_FALSE(ok.value().oauth_tokens);  // only OAuth connections carry the IdP's tokens
  CHECK(env.ProfileForAccessToken(ok.value().access_token)->id == ok.value().profile.id);
  auto again = env.ExchangeCode(r);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::kInvalidGrant);
  CHECK(again.error().message == "The code '" + code + "' has expired or is invalid.");

  std::string slow = code_for("b@example.com");
  clock.AdvanceMs(600 * 1000);
  TokenRequest late = r;
  late.code = slow;
  CHECK(ErrorOf(env.ExchangeCode(late)).kind == ErrorKind::kInvalidGrant);
  // Access tokens expire too.
  clock.AdvanceMs(600 * 1000);
  CHECK_FALSE(env.ProfileForAccessToken(ok.value().access_token));
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

TEST_CASE_METHOD(Fixture, "deleting a connection kills its sessions' links and codes",
                 "[connections]") {
  PasswordlessSession pending = Create();
  PasswordlessSession clicked = Create();
  std::string code = CodeOf(*env.VisitLink(clicked.token, "GET", "x"));
  REQUIRE(env.DeleteConnection(pending.connection_id));
  CHECK(env.VisitLink(pending.token, "GET", "x")->kind == LinkVisitOutcome::Kind::kExpired);
  TokenRequest r{"client_test", "sk_test_test", "authorization_code", code, ""};
  CHECK(ErrorOf(env.ExchangeCode(r)).kind == ErrorKind::kInvalidGrant);
}

TEST_CASE_METHOD(Fixture, "the environment clock only moves forward; reset restores the seed",
                 "[clock]") {
  int64_t before = env.NowMs();
  CHECK(env.AdvanceClock(60).value() >= before + 60000);
  CHECK_FALSE(env.AdvanceClock(-1).ok());
  Create();
  env.Reset();
  CHECK(env.ClockOffsetSeconds() == 0);
  CHECK(env.Connections().empty());
}

TEST_CASE("registry: keys match the kind, and credentials route to one environment", "[registry]") {
  ManualClock clock;
  Registry registry(clock, "http://mock");
  REQUIRE(registry.Add(Seed("a")).ok());
  REQUIRE(registry.Add(Seed("b")).ok());
  CHECK(registry.ByApiKey("sk_test_a")->name() == "a");
  CHECK(registry.ByClientId("client_b")->name() == "b");
  CHECK(registry.ByApiKey("sk_test_c") == nullptr);
  CHECK(ErrorOf(registry.Add(Seed("a"))).kind == ErrorKind::kConflict);

  auto prod = Seed("p");
  prod.kind = EnvironmentKind::kProduction;
  auto refused = registry.Add(prod);  // sk_test_ key and http redirect URIs in production
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().errors.size() >= 2);
  prod.api_keys = {"sk_live_p"};
  prod.redirect_uris = {{"https://app.example.com/cb", true}};
  CHECK(registry.Add(prod).ok());

  auto generated = registry.Generate(EnvironmentKind::kProduction);
  CHECK(generated.api_keys.at(0).rfind("sk_live_", 0) == 0);
  CHECK(generated.client_id.rfind("client_", 0) == 0);

  // A link token belongs to exactly one environment.
  auto session = registry.ByName("a")->CreateSession(Req("x@example.com"));
  CHECK(registry.ByLinkToken(session.value().token)->name() == "a");
  CHECK(registry.ByName("b")->HasLinkToken(session.value().token) == false);
  CHECK(registry.Remove("a"));
  CHECK(registry.ByApiKey("sk_test_a") == nullptr);
}

TEST_CASE("expired state is swept sweep_after_seconds after it expires", "[sweep]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  seed.sweep_after_seconds = 60;
  Environment env(seed, clock, "http://mock");
  auto kept = env.CreateSession(Req("a@example.com")).value();
  REQUIRE(env.SendSession(kept.id).ok());
  clock.AdvanceMs(120 * 1000);
  auto later = env.CreateSession(Req("b@example.com")).value();
  REQUIRE(env.SendSession(later.id).ok());
  clock.AdvanceMs((900 - 120 + 30) * 1000);  // expired 30 s ago: still inside the grace period
  env.Sweep();
  CHECK(env.FindSession(kept.id));
  CHECK(env.Outbox("").size() == 2);
  clock.AdvanceMs(31 * 1000);  // expired 61 s ago: gone, and so are its link and its email
  env.Sweep();
  CHECK_FALSE(env.FindSession(kept.id));
  CHECK_FALSE(env.HasLinkToken(kept.token));
  auto outbox = env.Outbox("");
  REQUIRE(outbox.size() == 1);
  CHECK(outbox[0].session_id == later.id);
}

TEST_CASE("max_stored caps each kind of entry; a sweep makes room again", "[sweep][caps]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  seed.max_stored = 3;
  seed.sweep_after_seconds = 60;
  Environment env(seed, clock, "http://mock");
  // The first lives a day; the sweep must still notice the later, shorter-lived ones.
  CreateSessionRequest day = Req("a@example.com");
  day.expires_in = 86400;
  REQUIRE(env.CreateSession(day).ok());
  for (int i = 0; i < 2; ++i) REQUIRE(env.CreateSession(Req("a@example.com")).ok());
  auto refused = env.CreateSession(Req("a@example.com"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::kLimitExceeded);
  CHECK(refused.error().message.find("maximum of 3 (config max_stored)") != std::string::npos);
  clock.AdvanceMs((900 + 30) * 1000);  // expired, but inside the grace period: still stored
  CHECK_FALSE(env.CreateSession(Req("a@example.com")).ok());
  clock.AdvanceMs(31 * 1000);  // past it: the create sweeps and then fits
  CHECK(env.CreateSession(Req("a@example.com")).ok());
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
  REQUIRE_FALSE(env.Restore(snap));
  after = *env.FindSession(s.id);
  CHECK(after.visits.size() == 20);
  CHECK(after.visits_omitted == 7 + 30);
  CHECK(after.visits[0].user_agent.size() <= 512 + 20);
}
