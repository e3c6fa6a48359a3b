// golive's redirect-URI checks and workos-mock's redirect-URI rules (rules/redirect_uri.h) agree:
// a URI fails a golive check exactly when the mock refuses to register it, both as the rules
// library answers and as a running workos-mock answers PUT /_mock/redirect_uris. What golive
// says beyond the rules (a private host in production) is a WARN, never a FAIL. At the end: each
// rule's verdict, and a reason that says how to fix it.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "golive/golive.h"
#include "golive_test_support.h"
#include "mock_server.h"
#include "rules/redirect_uri.h"

namespace g = workos::golive;
using golive_testing::Find;
using golive_testing::StatusOf;

namespace {

struct Verdicts {
  bool rules_accept = false;        // rules/redirect_uri.h, the environment's default policy
  bool server_accepts = false;      // a running workos-mock
  bool golive_fails = false;        // some redirect_uri.* check is FAIL
  std::vector<std::string> warned;  // the checks that are WARN
};

// The URIs span every rule: shape, characters, credentials, host, port, query, fragment, https,
// localhost, wildcards, and the hosts golive only advises about.
const std::vector<std::string> kUris = {
    "https://app.example.com/callback",
    "https://app.example.com:8443/auth/cb/",
    "HTTPS://App.Example.com/cb",
    "https://app.example.com/*/cb",
    "https://xn--bcher-kva.example/cb",
    "https://b\xc3\xbc"
    "cher.example/cb",
    "http://127.0.0.1:8080/callback",
    "http://127.0.0.1/callback",
    "http://127.0.0.2/callback",
    "https://127.0.0.1/callback",
    "https://10.1.2.3/cb",
    "https://192.168.1.10:8443/cb",
    "https://[fd12::1]/cb",
    "https://printer.local/cb",
    "http://localhost:3000/callback",
    "https://localhost/callback",
    "https://app.localhost/cb",
    "https://[::1]/cb",
    "http://[::1]:3000/cb",
    "http://app.example.com/callback",
    "http://192.168.1.10/cb",
    "https://*.example.com/callback",
    "https://app.*.example.com/cb",
    "https://app.example.com/callback?next=/home",
    "https://app.example.com/callback?",
    "https://app.example.com/callback#done",
    "app.example.com/callback",
    "/callback",
    "ftp://example.com/cb",
    "https://user:pw@example.com/cb",
    "https:///cb",
    "https://example.com:99999/cb",
    "https://example.com:0/cb",
    "https://example.com:/cb",
    "https://exa mple.com/cb",
    "https://exa_mple.com/cb",
    "https://-bad-.example.com/cb",
    "https://[::1/cb",
    "https://[zz::1]/cb",
};

Verdicts Judge(const std::string& uri, g::Kind kind, workos::MockControl& server) {
  Verdicts v;
  workos_mock::RedirectUriPolicy policy;
  policy.kind = kind == g::Kind::kProduction ? workos_mock::EnvironmentKind::kProduction
                                             : workos_mock::EnvironmentKind::kStaging;
  v.rules_accept = workos_mock::ValidateRegisteredRedirectUri(uri, policy, false).ok;
  try {
    // The anchor (valid everywhere, and not in kUris) becomes the default, so `uri` is judged as
    // a non-default entry, as above.
    server.SetRedirectUris({"https://anchor.example.com/callback", uri});
    v.server_accepts = true;
  } catch (const workos::ApiError& e) {
    INFO(e.what());
    CHECK(e.status() == 422);
    v.server_accepts = false;
  }
  for (const g::CheckResult& r : g::CheckRedirectUris({uri}, kind)) {
    if (r.status == g::Status::kFail) v.golive_fails = true;
    if (r.status == g::Status::kWarn) v.warned.push_back(r.id);
  }
  return v;
}

void CheckAgreement(g::Kind kind) {
  workos::CreateEnvironmentOptions o;
  o.kind = g::KindName(kind);
  o.redirect_uris = {"https://app.example.com/callback"};
  testsupport::TestEnv t(o);
  int accepted = 0;
  int refused = 0;
  for (const std::string& uri : kUris) {
    INFO(g::KindName(kind) << " " << uri);
    const Verdicts v = Judge(uri, kind, t.mock());
    CHECK(v.server_accepts == v.rules_accept);
    CHECK(v.golive_fails == !v.rules_accept);
    for (const std::string& id : v.warned) CHECK(id == "redirect_uri.public");
    (v.rules_accept ? accepted : refused) += 1;
  }
  // The table has both verdicts (it would agree trivially otherwise).
  CHECK(accepted >= 5);
  CHECK(refused >= 5);
}

}  // namespace

TEST_CASE("golive: a redirect URI fails a check exactly when workos-mock refuses it (production)",
          "[golive]") {
  CheckAgreement(g::Kind::kProduction);
}

TEST_CASE("golive: a redirect URI fails a check exactly when workos-mock refuses it (staging)",
          "[golive]") {
  CheckAgreement(g::Kind::kStaging);
}

TEST_CASE("golive: production http://127.0.0.1 is accepted, with advice, not failed", "[golive]") {
  const std::string u = "http://127.0.0.1:8080/callback";
  workos_mock::RedirectUriPolicy production;
  production.kind = workos_mock::EnvironmentKind::kProduction;
  REQUIRE(workos_mock::ValidateRegisteredRedirectUri(u, production, false).ok);

  g::Report report;
  report.checks = g::CheckRedirectUris({u}, g::Kind::kProduction);
  CHECK(report.ok());
  CHECK(report.count(g::Status::kFail) == 0);
  CHECK(report.count(g::Status::kWarn) == 1);
  for (const g::CheckResult& r : report.checks) {
    INFO(r.id << ": " << r.reason);
    if (r.id == "redirect_uri.public") {
      CHECK(r.status == g::Status::kWarn);
      CHECK_THAT(r.reason, Catch::Contains("127.0.0.1") && Catch::Contains("native app"));
    } else {
      CHECK(r.status == g::Status::kPass);
    }
  }

  // The table shows the warning and counts it; JUnit keeps it a passing test case.
  const std::string table = g::RenderTable(report);
  CHECK_THAT(table, Catch::Contains("WARN   redirect_uri.public"));
  CHECK_THAT(table, Catch::Contains("0 failed, 0 skipped, 1 warning\n"));
  const std::string junit = g::RenderJUnit(report);
  CHECK_THAT(junit, Catch::Contains("failures=\"0\"") && Catch::Contains("skipped=\"0\""));
  CHECK_THAT(junit, Catch::Contains("<system-out>WARN: host 127.0.0.1 is a loopback address"));
  CHECK_THAT(junit, !Catch::Contains("<failure"));
}

TEST_CASE("golive: a refused redirect URI fails with the mock's own message", "[golive]") {
  workos_mock::RedirectUriPolicy production;
  production.kind = workos_mock::EnvironmentKind::kProduction;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://app.example.com/callback", "redirect_uri.https"},
      {"https://localhost/callback", "redirect_uri.public"},
      {"https://*.example.com/callback", "redirect_uri.no_wildcard"},
      {"https://app.example.com/cb?x=1", "redirect_uri.no_query"},
      {"https://app.example.com/cb#x", "redirect_uri.no_fragment"},
      {"https://example.com:99999/cb", "redirect_uri.absolute"},
      {"https://user:pw@example.com/cb", "redirect_uri.absolute"},
  };
  for (const auto& [uri, id] : cases) {
    INFO(uri);
    const workos_mock::RedirectUriCheck rule =
        workos_mock::ValidateRegisteredRedirectUri(uri, production, false);
    REQUIRE_FALSE(rule.ok);
    const std::vector<g::CheckResult> rs = g::CheckRedirectUris({uri}, g::Kind::kProduction);
    bool found = false;
    for (const g::CheckResult& r : rs) {
      if (r.id != id) continue;
      found = true;
      CHECK(r.status == g::Status::kFail);
      CHECK(r.reason == rule.message);
    }
    CHECK(found);
  }
}

// ================================================================== each rule, its verdict and
// reason

TEST_CASE("golive: a good production redirect URI passes every rule", "[golive]") {
  const std::string u = "https://app.example.com/callback";
  auto rs = g::CheckRedirectUris({u}, g::Kind::kProduction);
  for (const auto& r : rs) {
    INFO(r.id << ": " << r.reason);
    CHECK(r.status == g::Status::kPass);
  }
  for (const char* id :
       {"redirect_uri.absolute", "redirect_uri.https", "redirect_uri.no_wildcard",
        "redirect_uri.no_query", "redirect_uri.no_fragment", "redirect_uri.public"}) {
    CHECK(Find(rs, id, u));
  }
  CHECK(StatusOf(
            g::CheckRedirectUris({"https://app.example.com:8443/auth/cb/"}, g::Kind::kProduction),
            "redirect_uri.public") == g::Status::kPass);
}

TEST_CASE("golive: each redirect-URI rule fails with a reason that says how to fix it",
          "[golive]") {
  auto prod = [](const std::string& u) { return g::CheckRedirectUris({u}, g::Kind::kProduction); };

  auto none = g::CheckRedirectUris({}, g::Kind::kProduction);
  CHECK(StatusOf(none, "redirect_uri.present") == g::Status::kFail);
  CHECK_THAT(Find(none, "redirect_uri.present")->reason, Catch::Contains("--redirect-uri"));

  auto http = prod("http://app.example.com/callback");
  CHECK(StatusOf(http, "redirect_uri.https") == g::Status::kFail);
  CHECK_THAT(Find(http, "redirect_uri.https")->reason, Catch::Contains("https://"));
  CHECK(StatusOf(http, "redirect_uri.public") == g::Status::kPass);

  auto wild = prod("https://*.example.com/callback");
  CHECK(StatusOf(wild, "redirect_uri.no_wildcard") == g::Status::kFail);
  CHECK_THAT(Find(wild, "redirect_uri.no_wildcard")->reason, Catch::Contains("wildcard"));
  // A '*' in the path is a literal character, not a wildcard subdomain.
  CHECK(StatusOf(prod("https://app.example.com/*/cb"), "redirect_uri.no_wildcard") ==
        g::Status::kPass);

  auto query = prod("https://app.example.com/callback?next=/home");
  CHECK(StatusOf(query, "redirect_uri.no_query") == g::Status::kFail);
  CHECK_THAT(Find(query, "redirect_uri.no_query")->reason, Catch::Contains("state"));
  CHECK(StatusOf(prod("https://app.example.com/callback?"), "redirect_uri.no_query") ==
        g::Status::kFail);

  auto frag = prod("https://app.example.com/callback#done");
  CHECK(StatusOf(frag, "redirect_uri.no_fragment") == g::Status::kFail);
  CHECK(StatusOf(frag, "redirect_uri.no_query") == g::Status::kPass);

  // Production refuses localhost (the mock's rule, and WorkOS's): a failure.
  for (const char* u :
       {"https://localhost/callback", "https://app.localhost/cb", "https://[::1]/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.public") == g::Status::kFail);
    CHECK_THAT(Find(r, "redirect_uri.public")->reason, Catch::Contains("public"));
  }
  // Other hosts production users cannot reach are accepted by WorkOS (and the mock): advice only.
  for (const char* u :
       {"https://10.1.2.3/cb", "https://172.20.0.5/cb", "https://192.168.1.10:8443/cb",
        "https://[fd12::1]/cb", "https://169.254.1.1/cb", "https://printer.local/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.public") == g::Status::kWarn);
    CHECK_THAT(Find(r, "redirect_uri.public")->reason, Catch::Contains("public"));
  }
  CHECK(StatusOf(prod("https://172.32.0.1/cb"), "redirect_uri.public") == g::Status::kPass);

  // http://127.0.0.1 is WorkOS's native-app exception to HTTPS, but not a public host: a warning,
  // not a failure, since the mock and WorkOS accept it.
  auto loop = prod("http://127.0.0.1:3000/callback");
  CHECK(StatusOf(loop, "redirect_uri.https") == g::Status::kPass);
  CHECK(StatusOf(loop, "redirect_uri.public") == g::Status::kWarn);

  for (const char* u : {"app.example.com/callback", "/callback", "ftp://example.com/cb",
                        "https://user:pw@example.com/cb", "https:///cb",
                        "https://example.com:99999/cb", "https://exa mple.com/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.absolute") == g::Status::kFail);
    CHECK(StatusOf(r, "redirect_uri.https") == g::Status::kSkip);
  }
}

TEST_CASE("golive: staging allows http and local hosts; several URIs are each checked",
          "[golive]") {
  const std::string a = "http://localhost:3000/callback";
  const std::string b = "https://staging.example.com/callback?x=1";
  auto rs = g::CheckRedirectUris({a, b}, g::Kind::kStaging);
  CHECK(StatusOf(rs, "redirect_uri.https", a) == g::Status::kPass);
  CHECK(StatusOf(rs, "redirect_uri.public", a) == g::Status::kSkip);
  CHECK(StatusOf(rs, "redirect_uri.no_query", a) == g::Status::kPass);
  CHECK(StatusOf(rs, "redirect_uri.no_query", b) == g::Status::kFail);
  CHECK(g::SplitUriList(" https://a.example/cb,https://b.example/cb  https://c.example/cb ") ==
        std::vector<std::string>{"https://a.example/cb", "https://b.example/cb",
                                 "https://c.example/cb"});
}
