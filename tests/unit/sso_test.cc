// GET /sso/authorize and the mock IdP (domain/sso.cc, domain/sso_idp.cc) with a manual clock:
// connection selection, the error pages and redirects, the IdP's choice of user, the
// interactive page, and the cap on what a sign-in stores.
#include <catch2/catch.hpp>

#include <functional>

#include "domain/environment.h"
#include "result_checks.h"
#include "sso_fixture.h"

using namespace workos_mock;
using namespace workos_mock::testing::sso_fixture;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::Param;

TEST_CASE("authorize: selector errors redirect to the app with error, description, state",
          "[sso]") {
  Fixture f;
  struct Case {
    std::string name;
    std::function<void(AuthorizeRequest&)> edit;
    std::string error, description;
  };
  std::vector<Case> cases = {
      {"two selectors",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.organization = "org_foo";
       },
       "invalid_connection_selector", ""},
      {"deprecated domain", [](AuthorizeRequest& r) { r.domain = "foo.com"; },
       "domain_connection_selector_not_allowed", ""},
      {"unknown connection", [](AuthorizeRequest& r) { r.connection = "conn_x"; },
       "connection_invalid", "No Connection found with ID 'conn_x'"},
      {"unknown organization", [](AuthorizeRequest& r) { r.organization = "org_x"; },
       "organization_invalid", "No Connection associated with Organization 'org_x'"},
      {"organization with only a MagicLink connection",
       [](AuthorizeRequest& r) { r.organization = "org_empty"; }, "organization_invalid",
       "No Connection associated with Organization 'org_empty'"},
      {"organization with two SSO connections",
       [](AuthorizeRequest& r) { r.organization = "org_bar"; }, "ambiguous_connection_selector",
       ""},
      {"draft connection", [](AuthorizeRequest& r) { r.connection = "conn_draft"; },
       "connection_unlinked", ""},
      {"organization whose only connection is a draft",
       [](AuthorizeRequest& r) { r.organization = "org_draft"; }, "connection_unlinked", ""},
      {"unknown provider", [](AuthorizeRequest& r) { r.provider = "MySpaceOAuth"; },
       "connection_strategy_invalid", "The provider 'MySpaceOAuth' is not valid."},
      {"prompt other than login",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.prompt = "consent";
       },
       "invalid_request", "The prompt 'consent' is not supported; use 'login'."},
      {"missing response_type",
       [](AuthorizeRequest& r) {
         r.response_type = "";
         r.connection = "conn_foo";
       },
       "invalid_request", ""},
      {"token response_type",
       [](AuthorizeRequest& r) {
         r.response_type = "token";
         r.connection = "conn_foo";
       },
       "unsupported_response_type", ""},
      {"plain PKCE",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.code_challenge = std::string(43, 'a');
         r.code_challenge_method = "plain";
       },
       "invalid_request", ""},
      {"PKCE challenge without method",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.code_challenge = std::string(43, 'a');
       },
       "invalid_request", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    AuthorizeRequest r = Req();
    c.edit(r);
    AuthorizeOutcome o = f.env.Authorize(r);
    CHECK(o.kind == AuthorizeOutcome::Kind::kRedirect);
    CHECK(o.location.rfind("http://localhost:3000/callback?error=", 0) == 0);
    CHECK(Param(o.location, "error") == c.error);
    CHECK(o.error == c.error);
    CHECK(Param(o.location, "state") == "s 1");
    CHECK(Param(o.location, "code").empty());
    if (!c.description.empty()) CHECK(Param(o.location, "error_description") == c.description);
    CHECK(Param(o.location, "error_uri") ==
          "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
  }
}

TEST_CASE("authorize: requests that never reach the app go to the mock's error pages", "[sso]") {
  Fixture f;
  AuthorizeRequest none = Req();  // no connection, organization, provider or domain
  AuthorizeOutcome o = f.env.Authorize(none);
  CHECK(o.kind == AuthorizeOutcome::Kind::kErrorPage);
  CHECK(o.location == "http://mock/sso/invalid-connection-selector");

  AuthorizeRequest method_only = Req();
  method_only.connection = "conn_foo";
  method_only.code_challenge_method = "S256";
  o = f.env.Authorize(method_only);
  CHECK(o.kind == AuthorizeOutcome::Kind::kErrorPage);
  CHECK(o.location == "http://mock/sso/code_challenge_missing");
  method_only.connection = "";  // both problems: the PKCE one is named first
  CHECK(f.env.Authorize(method_only).location == "http://mock/sso/code_challenge_missing");

  // The redirect URI is checked first; the deprecated domain selector still reaches the app.
  none.redirect_uri = "https://evil.example.com/cb";
  CHECK(f.env.Authorize(none).kind == AuthorizeOutcome::Kind::kInvalidRedirectUri);
  AuthorizeRequest domain = Req();
  domain.domain = "foo.com";
  CHECK(Param(f.env.Authorize(domain).location, "error") ==
        "domain_connection_selector_not_allowed");
}

TEST_CASE("authorize: prompt=login is accepted", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.prompt = "login";
  AuthorizeOutcome o = f.env.Authorize(r);
  REQUIRE(o.kind == AuthorizeOutcome::Kind::kRedirect);
  CHECK(o.error.empty());
  CHECK_FALSE(Param(o.location, "code").empty());
}

TEST_CASE("authorize: untrusted redirect URIs never go back to the app", "[sso]") {
  Fixture f;
  for (std::string uri : {"http://localhost:3000/callback/", "https://evil.example.com/cb",
                          "http://localhost:3000/callback?x=1", "HTTP://localhost:3000/callback"}) {
    INFO(uri);
    AuthorizeRequest r = Req();
    r.redirect_uri = uri;
    r.connection = "conn_x";  // would be an error redirect if the URI were trusted
    AuthorizeOutcome o = f.env.Authorize(r);
    CHECK(o.kind == AuthorizeOutcome::Kind::kInvalidRedirectUri);
    CHECK(o.location.rfind("http://mock/sso/redirect-uri-invalid", 0) == 0);
  }
  // Absent: the environment's default is used.
  AuthorizeRequest r = Req();
  r.redirect_uri = "";
  r.connection = "conn_foo";
  AuthorizeOutcome o = f.env.Authorize(r);
  CHECK(o.location.rfind("http://localhost:3000/callback?code=", 0) == 0);
  // Wrong client id (the HTTP layer routes by it; the domain refuses too).
  r.client_id = "client_other";
  o = f.env.Authorize(r);
  CHECK(o.location.rfind("http://mock/sso/client-id-invalid", 0) == 0);
}

TEST_CASE("authorize: the mock IdP signs in the login_hint user, else the first one", "[sso]") {
  Fixture f;
  auto login = [&](AuthorizeRequest r) {
    AuthorizeOutcome o = f.env.Authorize(r);
    REQUIRE(o.kind == AuthorizeOutcome::Kind::kRedirect);
    REQUIRE(o.error.empty());
    CHECK(Param(o.location, "state") == "s 1");
    auto grant = f.Exchange(Param(o.location, "code"));
    REQUIRE(grant.ok());
    return grant.value().profile;
  };
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  Profile p = login(r);
  CHECK(p.email == "ann@foo.com");
  CHECK(p.first_name == std::optional<std::string>("Ann"));
  CHECK(p.connection_id == "conn_foo");
  CHECK(p.connection_type == "OktaSAML");
  CHECK(p.organization_id == std::optional<std::string>("org_foo"));

  r.login_hint = "BOB@foo.com";
  CHECK(login(r).email == "bob@foo.com");
  r.login_hint = "nobody@foo.com";  // not configured: the first user
  CHECK(login(r).email == "ann@foo.com");

  AuthorizeRequest o = Req();
  o.organization = "org_foo";
  CHECK(login(o).connection_id == "conn_foo");

  // A connection without users: from login_hint, else user@<its first domain, else its
  // organization's first verified domain -- a user the domain policy admits>.
  AuthorizeRequest g = Req();
  g.connection = "conn_bar1";
  CHECK(login(g).email == "user@bar.io");
  g.login_hint = "cleo@bar.io";
  CHECK(login(g).email == "cleo@bar.io");
  AuthorizeRequest e = Req();
  e.connection = "conn_bar2";
  CHECK(login(e).email == "user@bar.io");

  // The same user on the same connection keeps one profile id.
  CHECK(login(r).id == login(r).id);
}

TEST_CASE("authorize: provider uses an active connection of that type, else creates one", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.provider = "GoogleOAuth";
  AuthorizeOutcome o = f.env.Authorize(r);
  auto grant = f.Exchange(Param(o.location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.connection_id == "conn_bar1");

  const size_t before = f.env.Connections().size();
  r.provider = "GitHubOAuth";
  o = f.env.Authorize(r);
  grant = f.Exchange(Param(o.location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.connection_type == "GitHubOAuth");
  CHECK(grant.value().profile.organization_id == std::nullopt);
  CHECK(f.env.Connections().size() == before + 1);
  // Reused on the next sign-in.
  o = f.env.Authorize(r);
  CHECK(f.env.Connections().size() == before + 1);
}

TEST_CASE("interactive IdP: a pending login completes once, as the chosen user", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.interactive = true;
  r.login_hint = "bob@foo.com";
  AuthorizeOutcome page = f.env.Authorize(r);
  REQUIRE(page.kind == AuthorizeOutcome::Kind::kIdpPage);
  CHECK(page.connection.users.size() == 2);
  CHECK(page.login_hint == "bob@foo.com");
  CHECK(f.env.HasPendingLogin(page.login_id));

  CHECK(ErrorOf(f.env.CompleteLogin(page.login_id, "not an email")).kind == ErrorKind::kValidation);
  auto done = f.env.CompleteLogin(page.login_id, "zed@foo.com");
  REQUIRE(done.ok());
  auto grant = f.Exchange(Param(done.value().location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.email == "zed@foo.com");
  CHECK(ErrorOf(f.env.CompleteLogin(page.login_id, "zed@foo.com")).kind == ErrorKind::kNotFound);

  AuthorizeOutcome page2 = f.env.Authorize(r);
  auto denied = f.env.CompleteLogin(page2.login_id, "", "deny");
  REQUIRE(denied.ok());
  CHECK(Param(denied.value().location, "error") == "access_denied");
  CHECK(Param(denied.value().location, "state") == "s 1");

  AuthorizeOutcome page3 = f.env.Authorize(r);
  f.clock.AdvanceMs(601 * 1000);
  CHECK(ErrorOf(f.env.CompleteLogin(page3.login_id, "ann@foo.com")).kind == ErrorKind::kNotFound);
}

TEST_CASE("interactive IdP: a restored pending login whose redirect URI has a query gets '&'",
          "[sso][snapshot]") {
  // Registered redirect URIs never have a query (rules/redirect_uri.cc), but a pending login in
  // an imported state (PUT /_mock/state, --state-file) keeps the redirect_uri written there.
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.interactive = true;
  const std::string signs_in = f.env.Authorize(r).login_id;
  const std::string denies = f.env.Authorize(r).login_id;
  EnvironmentSnapshot snap = f.env.Snapshot();
  REQUIRE(snap.pending_logins.size() == 2);
  for (auto& p : snap.pending_logins) p.redirect_uri = "https://app.example.com/cb?tenant=a";
  REQUIRE(f.env.Restore(snap).ok());

  auto done = f.env.CompleteLogin(signs_in, "ann@foo.com");
  REQUIRE(done.ok());
  const std::string code = Param(done.value().location, "code");
  CHECK(done.value().location ==
        "https://app.example.com/cb?tenant=a&code=" + code + "&state=s%201");
  auto denied = f.env.CompleteLogin(denies, "", "deny");
  REQUIRE(denied.ok());
  CHECK(denied.value().location.rfind(
            "https://app.example.com/cb?tenant=a&error=access_denied&error_description=", 0) == 0);
  CHECK(Param(denied.value().location, "state") == "s 1");
}

TEST_CASE("pending sign-ins are never dropped to make room; at max_stored they answer 429",
          "[sso][caps]") {
  // Past 10,000 pending sign-ins every one of them used to be wiped to make room for the next.
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");  // the default cap, 100,000
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.interactive = true;
  std::vector<std::string> ids;
  for (int i = 0; i < 10050; ++i) {
    AuthorizeOutcome page = env.Authorize(r);
    REQUIRE(page.kind == AuthorizeOutcome::Kind::kIdpPage);
    ids.push_back(page.login_id);
  }
  CHECK(env.HasPendingLogin(ids.front()));
  CHECK(env.CompleteLogin(ids.front(), "ann@foo.com", "sign_in").ok());
  CHECK(env.CompleteLogin(ids.back(), "ann@foo.com", "sign_in").ok());

  // At the cap: 429 (kLimitExceeded) naming the cap, and every stored sign-in still completes.
  EnvironmentConfig small = Seed();
  small.max_stored = 100;
  Environment full(small, clock, "http://mock");
  ids.clear();
  for (int i = 0; i < 100; ++i) ids.push_back(full.Authorize(r).login_id);
  AuthorizeOutcome refused = full.Authorize(r);
  CHECK(refused.kind == AuthorizeOutcome::Kind::kLimitExceeded);
  CHECK(refused.error.find("maximum of 100 (config max_stored) unexpired pending sign-ins") !=
        std::string::npos);
  for (const auto& id : ids) CHECK(full.HasPendingLogin(id));
  // Completing one makes room for one more.
  REQUIRE(full.CompleteLogin(ids[0], "ann@foo.com", "sign_in").ok());
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kIdpPage);
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kLimitExceeded);
  // Direct sign-ins are capped by the codes they store, with the same answer.
  r.interactive = false;
  for (int i = 0; i < 99; ++i)  // one code is already stored (the completed sign-in)
    REQUIRE(full.Authorize(r).kind == AuthorizeOutcome::Kind::kRedirect);
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kLimitExceeded);
}
