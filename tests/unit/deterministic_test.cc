// Deterministic mode (--seed, --start-time): seeded id streams, the frozen clock, the seeded
// RSA key, and the config keys. The same seed and requests must give the same bytes; a different
// seed, environment or stream must not; single use and expiry still hold.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "config/config.h"
#include "config/state.h"
#include "domain/environment.h"
#include "domain/ids.h"
#include "domain/token_signer.h"
#include "jwt_verify.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::VerifyRs256;

namespace {

constexpr int64_t kStart = 1767225600000;  // 2026-01-01T00:00:00Z

std::vector<std::string> Draw(IdGenerator& g) {
  return {g.NewId("conn", kStart), g.Alphanumeric(25), g.Crockford(26), g.Uuid(),
          g.Ulid(kStart + 5)};
}

EnvironmentConfig Seed(std::optional<uint64_t> seed, const std::string& name = "det") {
  EnvironmentConfig c;
  c.name = name;
  c.api_keys = {"sk_test_" + name};
  c.client_id = "client_" + name;
  c.redirect_uris = {{"http://localhost:3000/callback", true}};
  c.random_seed = seed;
  c.start_time_ms = kStart;
  Connection okta;
  okta.id = "conn_okta";
  okta.type = "OktaSAML";
  okta.name = "Okta";
  IdpUser ann;
  ann.email = "ann@example.com";
  ann.first_name = "Ann";
  okta.users = {ann};
  c.connections = {okta};
  return c;
}

CreateSessionRequest Session(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  r.state = "xyz";
  return r;
}

AuthorizeRequest Sso(const std::string& client) {
  AuthorizeRequest r;
  r.client_id = client;
  r.redirect_uri = "http://localhost:3000/callback";
  r.response_type = "code";
  r.connection = "conn_okta";
  r.state = "st";
  return r;
}

std::string CodeOf(const std::string& location) {
  std::smatch m;
  REQUIRE(std::regex_search(location, m, std::regex("[?&]code=([^&]+)")));
  return m[1];
}

// Everything a magic-link and an SSO sign-in hand out, in order.
std::vector<std::string> Flow(Environment& env) {
  std::vector<std::string> out;
  auto s = env.CreateSession(Session("bob@example.com"));
  REQUIRE(s.ok());
  out.push_back(s.value().id);
  out.push_back(s.value().token);
  out.push_back(std::to_string(s.value().expires_ms));
  auto mail = env.SendSession(s.value().id);
  REQUIRE(mail.ok());
  out.push_back(mail.value().id);
  auto visit = env.VisitLink(s.value().token, "GET", "browser");
  REQUIRE(visit);
  out.push_back(visit->location);
  auto grant = env.ExchangeCode(
      {env.client_id(), env.api_keys().front(), "authorization_code", CodeOf(visit->location), ""});
  REQUIRE(grant.ok());
  out.push_back(grant.value().access_token);
  out.push_back(grant.value().profile.id);
  AuthorizeOutcome sso = env.Authorize(Sso(env.client_id()));
  out.push_back(sso.location);
  auto sso_grant = env.ExchangeCode(
      {env.client_id(), env.api_keys().front(), "authorization_code", CodeOf(sso.location), ""});
  REQUIRE(sso_grant.ok());
  out.push_back(sso_grant.value().access_token);
  out.push_back(env.NewRequestId());
  out.push_back(env.NewJournalId(env.NowMs()));
  out.push_back(env.NewControlId("fault"));
  return out;
}

}  // namespace

TEST_CASE("IdGenerator: the same seed, scope and stream give the same sequence",
          "[deterministic]") {
  IdGenerator a(42, "env", "objects"), b(42, "env", "objects");
  const auto first = Draw(a);
  CHECK(first == Draw(b));
  CHECK(a.seeded());
  // Any other input gives another sequence.
  IdGenerator other_seed(43, "env", "objects"), other_scope(42, "env2", "objects"),
      other_stream(42, "env", "requests");
  for (IdGenerator* g : {&other_seed, &other_scope, &other_stream}) {
    const auto v = Draw(*g);
    for (size_t i = 0; i < v.size(); ++i) CHECK(v[i] != first[i]);
  }
  // The shapes the CSPRNG path has.
  CHECK(std::regex_match(first[0], std::regex("conn_[0-9A-HJKMNP-TV-Z]{26}")));
  CHECK(std::regex_match(first[1], std::regex("[A-Za-z0-9]{25}")));
  CHECK(std::regex_match(first[2], std::regex("[0-9A-HJKMNP-TV-Z]{26}")));
  CHECK(
      std::regex_match(first[3], std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}"
                                            "-[0-9a-f]{12}")));
  CHECK(first[0].substr(5, 10) == Ulid(kStart).substr(0, 10));  // the time part is the time
  // The unseeded generator is the CSPRNG: never the same twice.
  IdGenerator csprng;
  CHECK_FALSE(csprng.seeded());
  CHECK(csprng.Alphanumeric(25) != csprng.Alphanumeric(25));
}

TEST_CASE("IdGenerator: ULIDs of one millisecond still sort in creation order", "[deterministic]") {
  IdGenerator g(1, "env", "objects");
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(g.Ulid(kStart));
  ids.push_back(g.Ulid(kStart - 1000));  // an earlier time (a clock step back) sorts last too
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  CHECK(g.Ulid(kStart + 1) > ids.back());
}

TEST_CASE("IdGenerator: a saved position continues the stream exactly; Rewind restarts it",
          "[deterministic]") {
  IdGenerator a(9, "env", "objects");
  const auto start = Draw(a);
  a.Bytes(7);  // stand mid-block
  const IdGenerator::Position at = a.position();
  const auto next = Draw(a);
  IdGenerator b(9, "env", "objects");
  REQUIRE(b.Seek(at));
  CHECK(Draw(b) == next);
  CHECK(b.position() == a.position());
  b.Rewind();
  CHECK(Draw(b) == start);
  CHECK_FALSE(b.Seek({3, "not-a-ulid"}));
  CHECK_FALSE(b.Seek({3, "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"}));  // over 48 bits of time
}

TEST_CASE("RFC 3339 times: what --start-time and start_time accept", "[deterministic]") {
  CHECK(ParseRfc3339("2026-01-01T00:00:00Z") == kStart);
  CHECK(ParseRfc3339("2026-01-01t00:00:00z") == kStart);
  CHECK(ParseRfc3339("2026-01-01 00:00:00Z") == kStart);
  CHECK(ParseRfc3339("2026-01-01T02:30:00+02:30") == kStart);
  CHECK(ParseRfc3339("2025-12-31T23:00:00-01:00") == kStart);
  CHECK(ParseRfc3339("2026-01-01T00:00:00.25Z") == kStart + 250);
  CHECK(ParseRfc3339("2026-01-01T00:00:00.123456789Z") == kStart + 123);
  CHECK(ParseRfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseRfc3339("2024-02-29T00:00:00Z") == 1709164800000);
  for (const char* bad :
       {"", "2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00.Z",
        "2026-01-01T00:00:00+0100", "2026-01-01T00:00:00Zjunk", "26-01-01T00:00:00Z",
        "2026-01-01T00:00:00.1234567890Z", "now"})
    CHECK_FALSE(ParseRfc3339(bad));
}

TEST_CASE("deterministic environments: same seed and name, same bytes; not otherwise",
          "[deterministic]") {
  ManualClock clock_a(1), clock_b(1700000000000);  // the base clocks do not matter
  Environment a(Seed(42), clock_a, "http://mock.test"), b(Seed(42), clock_b, "http://mock.test");
  const auto run = Flow(a);
  CHECK(run == Flow(b));
  // Timestamps come from start_time, frozen.
  clock_a.AdvanceMs(3600 * 1000);
  CHECK(a.NowMs() == kStart);
  CHECK(FormatIso8601(a.NowMs()) == "2026-01-01T00:00:00.000Z");

  Environment other_seed(Seed(43), clock_a, "http://mock.test");
  Environment other_name(Seed(42, "det2"), clock_a, "http://mock.test");
  for (Environment* e : {&other_seed, &other_name}) {
    const auto v = Flow(*e);
    for (size_t i = 0; i < v.size(); ++i)
      if (i != 2) CHECK(v[i] != run[i]);  // [2] is the expiry, the same instant
  }
  // Without a seed: the CSPRNG, as before.
  Environment random_a(Seed(std::nullopt), clock_a, "http://mock.test");
  Environment random_b(Seed(std::nullopt, "det"), clock_a, "http://mock.test");
  CHECK(Flow(random_a)[1] != Flow(random_b)[1]);
}

TEST_CASE("deterministic environments: single use and expiry still hold; reset replays",
          "[deterministic]") {
  ManualClock clock;
  Environment env(Seed(5), clock, "http://mock.test");
  auto s = env.CreateSession(Session("ann@example.com"));
  REQUIRE(s.ok());
  auto first = env.VisitLink(s.value().token, "GET", "browser");
  REQUIRE(first->kind == LinkVisitOutcome::Kind::kRedirect);
  const std::string code = CodeOf(first->location);
  CHECK(env.VisitLink(s.value().token, "GET", "browser")->kind == LinkVisitOutcome::Kind::kUsed);
  REQUIRE(env.ExchangeCode({"client_det", "sk_test_det", "authorization_code", code, ""}).ok());
  CHECK(ErrorOf(env.ExchangeCode({"client_det", "sk_test_det", "authorization_code", code, ""}))
            .kind == ErrorKind::kInvalidGrant);

  // Expiry: only the control plane's advance moves the frozen clock.
  auto late = env.CreateSession(Session("late@example.com"));
  REQUIRE(late.ok());
  clock.AdvanceMs(3600 * 1000);  // the base clock: no effect
  REQUIRE(env.AdvanceClock(899).ok());
  CHECK(env.SessionState(*env.FindSession(late.value().id)) == "issued");
  REQUIRE(env.AdvanceClock(1).ok());
  CHECK(env.VisitLink(late.value().token, "GET", "browser")->kind ==
        LinkVisitOutcome::Kind::kExpired);
  const std::string code2 = CodeOf(env.Authorize(Sso("client_det")).location);
  REQUIRE(env.AdvanceClock(600).ok());
  CHECK(ErrorOf(env.ExchangeCode({"client_det", "sk_test_det", "authorization_code", code2, ""}))
            .kind == ErrorKind::kInvalidGrant);

  // Reset: back to start_time and the start of every stream.
  env.Reset();
  Environment fresh(Seed(5), clock, "http://mock.test");
  CHECK(env.NowMs() == kStart);
  CHECK(Flow(env) == Flow(fresh));
}

TEST_CASE("deterministic environments: a restored snapshot goes on where the streams stood",
          "[deterministic]") {
  ManualClock clock;
  Environment a(Seed(11), clock, "http://mock.test");
  Flow(a);
  const EnvironmentSnapshot saved = a.Snapshot();
  CHECK(saved.id_streams.size() == 3);
  const auto next = Flow(a);
  Environment b(Seed(11), clock, "http://mock.test");
  REQUIRE(b.Restore(saved).ok());
  CHECK(Flow(b) == next);  // no id handed out twice

  EnvironmentSnapshot bad = saved;
  bad.id_streams["objects"].last_ulid = "nope";
  bad.id_streams["mystery"] = {};
  auto error = b.Restore(bad);
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().errors.size() == 2);
  // Without a seed nothing is saved.
  Environment random(Seed(std::nullopt), clock, "http://mock.test");
  CHECK(random.Snapshot().id_streams.empty());
}

TEST_CASE("the seeded signing key: the same seed makes the same key and JWTs",
          "[deterministic][jwt]") {
  RsaTokenSigner a(3), b(3), c(4);
  const nlohmann::json claims = {{"sub", "prof_1"}, {"iat", 1}};
  // The key's date does not follow the clock.
  const std::string jwt = a.SignPayload(claims.dump(), 123);
  CHECK(jwt == b.SignPayload(claims.dump(), 999999999999));
  const JsonWebKey ka = a.Keys(0).at(0), kb = b.Keys(0).at(0), kc = c.Keys(0).at(0);
  CHECK(ka.n == kb.n);
  CHECK(ka.kid == kb.kid);
  CHECK(ka.x5c == kb.x5c);
  CHECK(ka.x5t_s256 == kb.x5t_s256);
  CHECK(ka.n != kc.n);
  CHECK(ka.kid != kc.kid);
  CHECK(ka.kid.substr(4, 10) == Ulid(kSeededKeyTimeMs).substr(0, 10));
  CHECK(workos_mock::testing::Base64UrlDecode(ka.n).size() == 256);  // RSA-2048
  CHECK(VerifyRs256(jwt, ka.n, ka.e) == claims);
  CHECK(VerifyRs256(c.SignPayload(claims.dump(), 0), ka.n, ka.e).is_null());
  CHECK(&SeededTokenSigner(3) == &SeededTokenSigner(3));
}

TEST_CASE("config: seed and start_time keys, the server's defaults, production refused",
          "[deterministic][config]") {
  auto env = [](const std::string& extra, const std::string& kind = "staging") {
    return R"({"environments":[{"name":"e","kind":")" + kind + R"(","api_keys":["sk_)" +
           (kind == "staging" ? "test" : "live") +
           R"(_x"],"client_id":"client_x","redirect_uris":["https://app.example.com/cb"],
           "organizations":[{"name":"Org","domains":["x.com"]}])" +
           extra + "}]}";
  };
  const EnvironmentConfig c =
      ParseConfig(env(R"(,"seed":7,"start_time":"2026-01-01T01:00:00+01:00")"), "cfg")
          .environments[0];
  CHECK(c.random_seed == std::optional<uint64_t>(7));
  CHECK(c.start_time_ms == std::optional<int64_t>(kStart));
  // Ids the config leaves out come from the seed too (and its start time).
  const EnvironmentConfig again =
      ParseConfig(env(R"(,"seed":7,"start_time":"2026-01-01T00:00:00Z")"), "cfg").environments[0];
  CHECK(again.organizations[0].id == c.organizations[0].id);
  CHECK(again.organizations[0].domains[0].id == c.organizations[0].domains[0].id);
  CHECK(c.organizations[0].created_ms == kStart);
  CHECK(ParseConfig(env(R"(,"seed":8)"), "cfg").environments[0].organizations[0].id !=
        c.organizations[0].id);

  DeterministicDefaults defaults{99, kStart};
  const ServerConfig d = ParseConfig(env(""), "cfg", defaults);
  CHECK(d.environments[0].random_seed == std::optional<uint64_t>(99));
  CHECK(d.environments[0].start_time_ms == std::optional<int64_t>(kStart));
  CHECK(d.environment_ids);
  CHECK(ParseConfig(env(R"(,"seed":null,"start_time":null)"), "cfg", defaults)
            .environments[0]
            .random_seed == std::nullopt);
  CHECK(DeterministicWarning(d).find("PREDICTABLE") != std::string::npos);
  CHECK(DeterministicWarning(d).find("frozen") != std::string::npos);
  CHECK(DeterministicWarning(ParseConfig(env(""), "cfg")).empty());

  auto fails = [](const std::string& text, const DeterministicDefaults& dd, const char* path,
                  const char* words) {
    try {
      ParseConfig(text, "cfg", dd);
      FAIL("accepted: " << text);
    } catch (const ConfigError& e) {
      CHECK(e.path() == path);
      CHECK(e.problem().find(words) != std::string::npos);
    }
  };
  fails(env(R"(,"seed":-1)"), {}, "environments[0].seed", "from 0 to 9007199254740991");
  fails(env(R"(,"seed":9007199254740992)"), {}, "environments[0].seed", "from 0 to");
  fails(env(R"(,"seed":"1")"), {}, "environments[0].seed", "whole number");
  fails(env(R"(,"start_time":"yesterday")"), {}, "environments[0].start_time", "RFC 3339");
  fails(env(R"(,"start_time":"1969-12-31T23:59:59Z")"), {}, "environments[0].start_time",
        "from 1970");
  fails(env(R"(,"seed":1)", "production"), {}, "environments[0].seed",
        "a production environment cannot have a seed");
  fails(env("", "production"), defaults, "environments[0].kind",
        "--seed (WORKOS_MOCK_SEED) is refused for production environment 'e'");
  // A frozen clock alone is fine in production; so is opting out of the default seed.
  CHECK_NOTHROW(ParseConfig(env(R"(,"start_time":"2026-01-01T00:00:00Z")", "production"), "cfg"));
  CHECK_NOTHROW(ParseConfig(env(R"(,"seed":null)", "production"), "cfg", defaults));
}

TEST_CASE("state export keeps seed, start_time and where the streams stand", "[deterministic]") {
  ManualClock clock;
  Environment env(Seed(21), clock, "http://mock.test");
  Flow(env);
  const nlohmann::json doc = ExportEnvironment(env);
  CHECK(doc["environment"]["seed"] == 21);
  CHECK(doc["environment"]["start_time"] == "2026-01-01T00:00:00.000Z");
  CHECK(doc["state"]["id_streams"]["objects"]["drawn"].get<uint64_t>() > 0);
  const auto next = Flow(env);
  Environment copy(Seed(21), clock, "http://mock.test");
  REQUIRE(ImportEnvironment(copy, doc).ok());
  CHECK(Flow(copy) == next);
}
