// How the mock IdP ends a sign-in besides signing the user in: a connection user's configured
// outcome, outcomes queued for the next sign-ins, the organization's domain policy, the
// interactive page's choices; and the sign-in lifecycle that shows each of them.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "config/state.h"
#include "domain/environment.h"
#include "query_param.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::Param;

namespace {

bool HasParam(const std::string& url, const std::string& name) {
  return url.find("?" + name + "=") != std::string::npos ||
         url.find("&" + name + "=") != std::string::npos;
}

const char* kConfig = R"({"environments":[{"name":"o","api_keys":["sk_test_o"],
  "client_id":"client_o","redirect_uris":["http://localhost:3000/callback"],
  "organizations":[
    {"id":"org_foo","name":"Foo","domains":["foo.com",{"domain":"pending.foo.com","state":"pending"}]},
    {"id":"org_open","name":"Open","domains":["open.com"],"allow_profiles_outside_organization":true},
    {"id":"org_none","name":"None"}],
  "connections":[
    {"id":"conn_okta","type":"OktaSAML","organization":"org_foo","users":[
      {"email":"ann@foo.com","first_name":"Ann"},
      {"email":"den@foo.com","outcome":"access_denied"},
      {"email":"con@foo.com","outcome":"signin_consent_denied"},
      {"email":"out@foo.com","outcome":"profile_not_allowed_outside_organization"},
      {"email":"oau@foo.com","outcome":"oauth_failed"},
      {"email":"srv@foo.com","outcome":"server_error"},
      {"email":"idp@foo.com","outcome":"idp_initiated_sso_disabled"},
      {"email":"eve@evil.com"},
      {"email":"Sub@Mail.FOO.com"},
      {"email":"pen@pending.foo.com"}]},
    {"id":"conn_google","type":"GoogleOAuth","organization":"org_foo","users":[{"email":"g@gmail.com"}]},
    {"id":"conn_ms","type":"MicrosoftOAuth","organization":"org_foo","users":[{"email":"m@outlook.com"}]},
    {"id":"conn_gh","type":"GitHubOAuth","organization":"org_foo","users":[{"email":"h@github.io"}]},
    {"id":"conn_open","type":"EntraIdOIDC","organization":"org_open","users":[{"email":"x@elsewhere.org"}]},
    {"id":"conn_none","type":"OktaSAML","organization":"org_none","users":[{"email":"n@none.com"}]},
    {"id":"conn_free","type":"GenericOIDC","users":[{"email":"f@free.net"}]},
    {"id":"conn_empty","type":"GenericSAML"}]}]})";

struct Fixture {
  ManualClock clock;
  Environment env{ParseConfig(kConfig, "test").environments[0], clock, "http://mock"};

  AuthorizeRequest Req(const std::string& connection, const std::string& hint = "",
                       bool interactive = false) {
    AuthorizeRequest r;
    r.client_id = "client_o";
    r.redirect_uri = "http://localhost:3000/callback";
    r.response_type = "code";
    r.state = "st 8";
    r.connection = connection;
    r.login_hint = hint;
    r.interactive = interactive;
    return r;
  }
  AuthorizeOutcome SignIn(const std::string& connection, const std::string& hint = "") {
    AuthorizeOutcome o = env.Authorize(Req(connection, hint));
    REQUIRE(o.kind == AuthorizeOutcome::Kind::kRedirect);
    return o;
  }
  // The location must be the failure `error`: error, error_description, error_uri, state, no code.
  void ExpectFailure(const AuthorizeOutcome& o, const std::string& error) {
    INFO(o.location);
    CHECK(o.error == error);
    CHECK(o.location.rfind("http://localhost:3000/callback?error=" + error + "&", 0) == 0);
    CHECK_FALSE(Param(o.location, "error_description").empty());
    CHECK(Param(o.location, "error_uri") ==
          "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
    CHECK(Param(o.location, "state") == "st 8");
    CHECK_FALSE(HasParam(o.location, "code"));
  }
  void ExpectCode(const AuthorizeOutcome& o) {
    INFO(o.location);
    CHECK(o.error.empty());
    CHECK(Param(o.location, "code").size() == 26);
  }
};

}  // namespace

TEST_CASE("outcomes: a connection user's configured outcome ends each of its sign-ins",
          "[sso][outcomes]") {
  Fixture f;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"den@foo.com", "access_denied"},
      {"con@foo.com", "signin_consent_denied"},
      {"out@foo.com", "profile_not_allowed_outside_organization"},
      {"oau@foo.com", "oauth_failed"},
      {"srv@foo.com", "server_error"},
      {"idp@foo.com", "idp_initiated_sso_disabled"}};
  for (const auto& [email, error] : cases) {
    DYNAMIC_SECTION(error) {
      for (int twice = 0; twice < 2; ++twice) f.ExpectFailure(f.SignIn("conn_okta", email), error);
      const auto signins = f.env.SignIns();
      REQUIRE(signins.size() == 2);
      CHECK(signins[0].status == "failed");
      CHECK(signins[0].error == error);
      CHECK(signins[0].source == "user");
      CHECK(signins[0].email == email);
      CHECK(signins[0].code.empty());
    }
  }
  // The documented example text, and the extra parameters of idp_initiated_sso_disabled.
  CHECK(Param(f.SignIn("conn_okta", "con@foo.com").location, "error_description") ==
        "User cancelled the authentication request");
  const std::string idp = f.SignIn("conn_okta", "idp@foo.com").location;
  CHECK(Param(idp, "connection_id") == "conn_okta");
  CHECK(Param(idp, "organization_id") == "org_foo");
  CHECK_FALSE(HasParam(f.SignIn("conn_okta", "srv@foo.com").location, "connection_id"));
  // Other users of the connection still sign in.
  const AuthorizeOutcome ann = f.SignIn("conn_okta", "ann@foo.com");
  f.ExpectCode(ann);
  CHECK(f.env.SignIns()[0].status == "signed_in");
  CHECK(f.env.SignIns()[0].code == Param(ann.location, "code"));
}

TEST_CASE("outcomes: queued for the next N sign-ins of the environment or of a connection",
          "[sso][outcomes]") {
  Fixture f;
  auto all = f.env.QueueOutcome("", "server_error", 2);
  REQUIRE(all.ok());
  CHECK(all.value().id.rfind("sso_outcome_", 0) == 0);
  CHECK(all.value().remaining == 2);
  REQUIRE(f.env.QueueOutcome("conn_free", "oauth_failed", 1).ok());
  CHECK(f.env.QueuedOutcomes().size() == 2);

  // The connection's own entry first, then the environment-wide one; a queued outcome beats
  // the user's configured one and the domain policy.
  f.ExpectFailure(f.SignIn("conn_free"), "oauth_failed");
  f.ExpectFailure(f.SignIn("conn_free"), "server_error");
  CHECK(f.env.SignIns()[0].source == "queued");
  f.ExpectFailure(f.SignIn("conn_okta", "eve@evil.com"), "server_error");
  CHECK(f.env.QueuedOutcomes().empty());  // used up
  f.ExpectCode(f.SignIn("conn_free"));
  f.ExpectFailure(f.SignIn("conn_okta", "eve@evil.com"),
                  "profile_not_allowed_outside_organization");

  REQUIRE(f.env.QueueOutcome("conn_okta", "access_denied", 1).ok());
  f.ExpectCode(f.SignIn("conn_free"));  // another connection's entry does not apply
  CHECK(f.env.QueuedOutcomes().size() == 1);
  f.ExpectFailure(f.SignIn("conn_okta", "ann@foo.com"), "access_denied");
  REQUIRE(f.env.QueueOutcome("", "access_denied", 5).ok());
  f.env.ClearQueuedOutcomes();
  f.ExpectCode(f.SignIn("conn_free"));

  // Validation names each bad field; the queue is bounded.
  const Error bad = ErrorOf(f.env.QueueOutcome("conn_nope", "teapot", 0));
  CHECK(bad.kind == ErrorKind::kValidation);
  REQUIRE(bad.errors.size() == 3);
  CHECK(bad.errors[0].field == "outcome");
  CHECK(bad.errors[0].code.find("access_denied, idp_initiated_sso_disabled") != std::string::npos);
  CHECK(bad.errors[1].field == "times");
  CHECK(bad.errors[2].field == "connection");
  CHECK(ErrorOf(f.env.QueueOutcome("", "server_error", 1000001)).errors[0].field == "times");
  for (int i = 0; i < 1000; ++i) REQUIRE(f.env.QueueOutcome("", "server_error", 1).ok());
  CHECK(ErrorOf(f.env.QueueOutcome("", "server_error", 1)).kind == ErrorKind::kLimitExceeded);
  // Reset clears the queue and the lifecycle.
  f.env.Reset();
  CHECK(f.env.QueuedOutcomes().empty());
  CHECK(f.env.SignIns().empty());
}

TEST_CASE("outcomes: the domain policy of the connection's organization", "[sso][outcomes]") {
  Fixture f;
  f.ExpectCode(f.SignIn("conn_okta", "ann@foo.com"));
  // Outside the verified domains: refused, with what to do about it.
  AuthorizeOutcome eve = f.SignIn("conn_okta", "eve@evil.com");
  f.ExpectFailure(eve, "profile_not_allowed_outside_organization");
  CHECK(Param(eve.location, "error_description") ==
        "The profile's email 'eve@evil.com' is outside the verified domains of organization "
        "'org_foo' (foo.com), and the organization does not allow profiles outside it. Add the "
        "domain to the organization's domains, or allow profiles outside the organization.");
  CHECK(f.env.SignIns()[0].source == "domain_policy");
  // A subdomain is another domain; a pending domain does not count; case does not matter.
  f.ExpectFailure(f.SignIn("conn_okta", "sub@mail.foo.com"),
                  "profile_not_allowed_outside_organization");
  f.ExpectFailure(f.SignIn("conn_okta", "pen@pending.foo.com"),
                  "profile_not_allowed_outside_organization");
  // Google and Microsoft OAuth are exempt; other OAuth providers are not.
  f.ExpectCode(f.SignIn("conn_google"));
  f.ExpectCode(f.SignIn("conn_ms"));
  f.ExpectFailure(f.SignIn("conn_gh"), "profile_not_allowed_outside_organization");
  // An organization that allows outside profiles; one with no verified domains refuses all; a
  // connection without an organization has no policy.
  f.ExpectCode(f.SignIn("conn_open"));
  AuthorizeOutcome none = f.SignIn("conn_none");
  f.ExpectFailure(none, "profile_not_allowed_outside_organization");
  CHECK(Param(none.location, "error_description").find("(it has none)") != std::string::npos);
  f.ExpectCode(f.SignIn("conn_free"));
  // A made-up user (no users, no hint) is in a domain the organization admits.
  Environment env2(ParseConfig(R"({"environments":[{"name":"p","api_keys":["sk_test_p"],
      "client_id":"client_p","redirect_uris":["http://localhost:3000/callback"],
      "organizations":[{"id":"org_a","name":"A","domains":["a.com"]}],
      "connections":[{"id":"conn_a","type":"OktaSAML","organization":"org_a",
                      "domains":["legacy.example"]}]}]})",
                               "test")
                       .environments[0],
                   f.clock, "http://mock");
  AuthorizeRequest r = f.Req("conn_a");
  r.client_id = "client_p";
  AuthorizeOutcome made_up = env2.Authorize(r);
  CHECK(made_up.error.empty());
  CHECK(env2.SignIns()[0].email == "user@a.com");
}

TEST_CASE("outcomes: the interactive page's choices, and its lifecycle", "[sso][outcomes][idp]") {
  Fixture f;
  auto page = [&](const std::string& connection) {
    AuthorizeOutcome o = f.env.Authorize(f.Req(connection, "", true));
    REQUIRE(o.kind == AuthorizeOutcome::Kind::kIdpPage);
    return o.login_id;
  };
  const std::string waiting = page("conn_okta");
  REQUIRE(f.env.SignIns().size() == 1);
  CHECK(f.env.SignIns()[0].status == "at_idp");
  CHECK(f.env.SignIns()[0].finished_ms == 0);

  auto cancel = f.env.CompleteLogin(waiting, "", "cancel");
  REQUIRE(cancel.ok());
  f.ExpectFailure(cancel.value(), "signin_consent_denied");
  REQUIRE(f.env.SignIns().size() == 1);  // the same sign-in, now finished
  CHECK(f.env.SignIns()[0].status == "failed");
  CHECK(f.env.SignIns()[0].source == "idp_page");
  CHECK(ErrorOf(f.env.CompleteLogin(waiting, "ann@foo.com")).kind == ErrorKind::kNotFound);

  auto fail_saml = f.env.CompleteLogin(page("conn_okta"), "", "fail");
  REQUIRE(fail_saml.ok());
  f.ExpectFailure(fail_saml.value(), "server_error");  // the default for a SAML connection
  auto fail_oauth = f.env.CompleteLogin(page("conn_gh"), "", "fail");
  REQUIRE(fail_oauth.ok());
  f.ExpectFailure(fail_oauth.value(), "oauth_failed");  // ... and for an OAuth one
  auto chosen = f.env.CompleteLogin(page("conn_free"), "", "fail", "idp_initiated_sso_disabled");
  REQUIRE(chosen.ok());
  f.ExpectFailure(chosen.value(), "idp_initiated_sso_disabled");
  CHECK(Param(chosen.value().location, "connection_id") == "conn_free");
  CHECK_FALSE(HasParam(chosen.value().location, "organization_id"));
  auto deny = f.env.CompleteLogin(page("conn_free"), "", "deny");
  REQUIRE(deny.ok());
  f.ExpectFailure(deny.value(), "access_denied");

  // Bad choices leave the sign-in waiting.
  const std::string again = page("conn_free");
  CHECK(ErrorOf(f.env.CompleteLogin(again, "", "fail", "teapot")).errors[0].field == "outcome");
  CHECK(ErrorOf(f.env.CompleteLogin(again, "", "dance")).errors[0].field == "action");
  CHECK(f.env.HasPendingLogin(again));
  // Typed emails meet the domain policy and the user's configured outcome like direct ones.
  auto typed = f.env.CompleteLogin(page("conn_okta"), "mallory@evil.com");
  REQUIRE(typed.ok());
  f.ExpectFailure(typed.value(), "profile_not_allowed_outside_organization");
  auto upper = f.env.CompleteLogin(page("conn_okta"), "Zed@FOO.Com");  // domains ignore case
  REQUIRE(upper.ok());
  f.ExpectCode(upper.value());
  auto configured = f.env.CompleteLogin(page("conn_okta"), "DEN@foo.com");
  REQUIRE(configured.ok());
  f.ExpectFailure(configured.value(), "access_denied");
  auto ok = f.env.CompleteLogin(again, "f@free.net", "sign_in");
  REQUIRE(ok.ok());
  f.ExpectCode(ok.value());
  // Newest first by start: the sign-in that waited longest is found by its code.
  SsoSignIn done;
  for (const auto& r : f.env.SignIns())
    if (r.state == "st 8" && r.connection_id == "conn_free" && r.status == "signed_in") done = r;
  CHECK(done.status == "signed_in");
  CHECK(done.email == "f@free.net");
  CHECK(done.code == Param(ok.value().location, "code"));
  CHECK(done.state == "st 8");
  CHECK(done.connection_type == "GenericOIDC");

  // A page left waiting expires with the code lifetime.
  page("conn_free");
  f.clock.AdvanceMs(601 * 1000);
  CHECK(f.env.SignIns()[0].status == "expired");
}

TEST_CASE("outcomes: config and saved state keep user outcomes, domain states, the allow flag",
          "[sso][outcomes][config]") {
  auto bad = [](const std::string& orgs, const std::string& users, const char* path) {
    const std::string text =
        R"({"environments":[{"name":"b","api_keys":["sk_test_b"],"client_id":"client_b",
        "organizations":[{"id":"org_b","name":"B")" +
        orgs + R"(}],"connections":[{"id":"conn_b","type":"OktaSAML","users":[{"email":"a@b.com")" +
        users + "}]}]}]}";
    try {
      ParseConfig(text, "cfg");
      FAIL("accepted: " << text);
    } catch (const ConfigError& e) {
      CHECK(e.path() == path);
    }
  };
  bad("", R"(,"outcome":"teapot")", "environments[0].connections[0].users[0].outcome");
  bad(R"(,"allow_profiles_outside_organization":"yes")", "",
      "environments[0].organizations[0].allow_profiles_outside_organization");
  bad(R"(,"domains":[{"domain":"b.com","state":"maybe"}])", "",
      "environments[0].organizations[0].domains[0].state");
  bad(R"(,"domains":[{"name":"b.com"}])", "", "environments[0].organizations[0].domains[0].name");
  bad(R"(,"domains":[7])", "", "environments[0].organizations[0].domains[0]");

  Fixture f;
  const nlohmann::json doc = ExportEnvironment(f.env);
  const auto& orgs = doc["environment"]["organizations"];
  CHECK(orgs[0]["domains"][1] ==
        nlohmann::json({{"domain", "pending.foo.com"}, {"state", "pending"}}));
  CHECK(orgs[1]["allow_profiles_outside_organization"] == true);
  CHECK(doc["environment"]["connections"][0]["users"][1]["outcome"] == "access_denied");
  for (const auto& o : doc["state"]["organizations"])  // sorted by id
    CHECK(o["allow_profiles_outside_organization"] == (o["id"] == "org_open"));
  CHECK(doc["state"]["organizations"][0]["domains"][1]["state"] == "pending");
  // Read back (config and state alike) they behave the same.
  const EnvironmentConfig seed =
      ParseConfig(nlohmann::json({{"environments", {doc["environment"]}}}).dump(), "export")
          .environments[0];
  ManualClock clock;
  Environment copy(seed, clock, "http://mock");
  REQUIRE(ImportEnvironment(copy, doc).ok());
  AuthorizeRequest r = f.Req("conn_okta", "den@foo.com");
  CHECK(copy.Authorize(r).error == "access_denied");
  r.login_hint = "pen@pending.foo.com";
  CHECK(copy.Authorize(r).error == "profile_not_allowed_outside_organization");
  r.connection = "conn_open";
  r.login_hint = "";
  CHECK(copy.Authorize(r).error.empty());
}
