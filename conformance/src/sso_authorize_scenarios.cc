// SSO scenarios: /sso/authorize (its error pages and redirects, the sign-ins) and the
// redirect-URI rules of the allow-list.
#include "harness.h"

using namespace conformance;
using nlohmann::json;

namespace {

// A client id that is certainly not registered anywhere (ULID-shaped, all zeros).
const std::string kUnknownClientId = "client_00000000000000000000000000";
// A redirect URI that is certainly not registered (.invalid is reserved, RFC 2606).
const std::string kUnregisteredRedirect = "https://conformance-unregistered.invalid/callback";

// "http://localhost:3000/callback" -> "http://*.localhost:3000/callback"
std::string WildcardOf(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return "https://*.example.com/callback";
  return uri.substr(0, scheme + 3) + "*." + uri.substr(scheme + 3);
}

std::string AuthorizeUrl(const std::vector<std::pair<std::string, std::string>>& query) {
  return Url("/sso/authorize?" + Form(query));
}

// A 422 whose errors[] names `field`.
void CheckFieldError(const std::optional<workos::UnprocessableEntityError>& e,
                     const std::string& field) {
  if (!e) return;
  INFO(e->raw_body());
  CHECK(e->status() == 422);
  bool named = false;
  for (const auto& f : e->errors()) named = named || f.field == field;
  CHECK(named);
}

workos::CreatePasswordlessSessionOptions SessionTo(Scenario& s, const std::string& redirect_uri) {
  workos::CreatePasswordlessSessionOptions o;
  o.email = s.Email();
  o.redirect_uri = redirect_uri;
  return o;
}

}  // namespace

TEST_CASE("redirect URI: wildcard and query string are refused", "[live-safe][redirect-uri]") {
  Scenario s;
  const std::string wildcard = WildcardOf(s.redirect_uri());
  const std::string with_query = s.redirect_uri() + "?next=%2Fhome";
  for (const std::string& uri : {wildcard, with_query}) {
    INFO("redirect_uri " << uri);
    CheckFieldError(ExpectError<workos::UnprocessableEntityError>(
                        "create with that redirect_uri",
                        [&] { s.client().passwordless().CreateSession(SessionTo(s, uri)); }),
                    "redirect_uri");
    // /sso/authorize never sends the browser there.
    HttpResult r = Visit(AuthorizeUrl({{"client_id", s.client_id()},
                                       {"redirect_uri", uri},
                                       {"response_type", "code"},
                                       {"provider", "GoogleOAuth"},
                                       {"state", "st"}}));
    INFO("Location: " << r.location());
    CHECK(r.status == 302);
    CHECK(r.location().find("/sso/redirect-uri-invalid") != std::string::npos);
  }
}

TEST_CASE("redirect URI: one not on the allow-list is refused", "[live-safe][redirect-uri]") {
  Scenario s;
  CheckFieldError(
      ExpectError<workos::UnprocessableEntityError>(
          "create with an unregistered redirect_uri",
          [&] { s.client().passwordless().CreateSession(SessionTo(s, kUnregisteredRedirect)); }),
      "redirect_uri");
  // A trailing slash is another URI: the match is exact.
  CheckFieldError(
      ExpectError<workos::UnprocessableEntityError>(
          "create with the redirect_uri plus a trailing slash",
          [&] { s.client().passwordless().CreateSession(SessionTo(s, s.redirect_uri() + "/")); }),
      "redirect_uri");

  workos::AuthorizationUrlOptions o;
  o.redirect_uri = kUnregisteredRedirect;
  o.provider = "GoogleOAuth";
  o.state = "st";
  HttpResult r = Visit(s.client().sso().GetAuthorizationUrl(o));
  INFO("Location: " << r.location());
  CHECK(r.status == 302);
  CHECK(r.location().find("/sso/redirect-uri-invalid") != std::string::npos);
  CHECK(r.location().rfind(kUnregisteredRedirect, 0) != 0);
  if (IsMock()) {
    drift::NotRecorded mock_only;
    HttpResult page = Visit(r.location());
    CHECK(page.status == 400);
    CHECK(page.body.find("Invalid Redirect URI") != std::string::npos);
  }
}

TEST_CASE("redirect URI: the allow-list refuses wildcard, query and http in production",
          "[mock-only][redirect-uri]") {
  {
    Scenario staging;
    for (const std::string uri :
         {"https://*.example.com/callback", "http://localhost:3000/callback?x=1",
          "http://localhost:3000/callback#top"}) {
      INFO(uri);
      CheckFieldError(ExpectError<workos::UnprocessableEntityError>(
                          "register", [&] { staging.mock().SetRedirectUris({uri}); }),
                      "redirect_uris[0]");
    }
  }
  Scenario production(
      json{{"kind", "production"}, {"redirect_uris", {"https://app.example.com/callback"}}});
  CHECK(production.environment().value("kind", "") == "production");
  CHECK(production.api_key().rfind("sk_live_", 0) == 0);
  CHECK(production.redirect_uri() == "https://app.example.com/callback");
  for (const std::string uri :
       {"http://app.example.com/callback", "http://localhost:3000/callback"}) {
    INFO(uri);
    auto e = ExpectError<workos::UnprocessableEntityError>(
        "register", [&] { production.mock().SetRedirectUris({uri}); });
    if (e) CHECK(!e->errors().empty());
    CheckFieldError(
        ExpectError<workos::UnprocessableEntityError>(
            "create",
            [&] { production.client().passwordless().CreateSession(SessionTo(production, uri)); }),
        "redirect_uri");
  }
  // The registered HTTPS URI works.
  workos::PasswordlessSession ok = production.client().passwordless().CreateSession(
      SessionTo(production, "https://app.example.com/callback"));
  HttpResult click = Visit(ok.link);
  CHECK(click.status == 302);
  CHECK(click.location().rfind("https://app.example.com/callback?code=", 0) == 0);
}

TEST_CASE("authorize URL: an unknown client id lands on client-id-invalid",
          "[live-safe][sso][authorize]") {
  Scenario s;
  workos::AuthorizationUrlOptions o;
  o.client_id = kUnknownClientId;
  o.redirect_uri = s.redirect_uri();
  o.provider = "GoogleOAuth";
  o.state = "st";
  HttpResult r = Visit(s.client().sso().GetAuthorizationUrl(o));
  INFO("Location: " << r.location());
  CHECK(r.status == 302);
  CHECK(r.location().find("/sso/client-id-invalid") != std::string::npos);
  CHECK(r.location().rfind(s.redirect_uri(), 0) != 0);  // never back to the app
  if (IsMock()) {
    drift::NotRecorded mock_only;
    HttpResult page = Visit(r.location());
    CHECK(page.status == 400);
    CHECK(page.body.find("Invalid client ID") != std::string::npos);
  }
}

TEST_CASE("authorize URL: no connection selector lands on invalid-connection-selector",
          "[live-safe][sso][authorize]") {
  Scenario s;
  HttpResult r = Visit(AuthorizeUrl({{"client_id", s.client_id()},
                                     {"redirect_uri", s.redirect_uri()},
                                     {"response_type", "code"},
                                     {"state", "conformance-st8"}}));
  INFO("Location: " << r.location());
  REQUIRE(r.status == 302);
  CHECK(r.location().find("/sso/invalid-connection-selector") != std::string::npos);
  CHECK(r.location().rfind(s.redirect_uri(), 0) != 0);  // never back to the app
  if (IsMock()) {
    drift::NotRecorded mock_only;
    HttpResult page = Visit(r.location());
    CHECK(page.status == 400);
    CHECK(page.body.find("Invalid connection selector") != std::string::npos);
  }
}

TEST_CASE("authorize URL: a code_challenge_method alone lands on code_challenge_missing",
          "[live-safe][sso][authorize]") {
  Scenario s;
  HttpResult r = Visit(AuthorizeUrl({{"client_id", s.client_id()},
                                     {"redirect_uri", s.redirect_uri()},
                                     {"response_type", "code"},
                                     {"provider", "GoogleOAuth"},
                                     {"code_challenge_method", "S256"},
                                     {"state", "st"}}));
  INFO("Location: " << r.location());
  REQUIRE(r.status == 302);
  CHECK(r.location().find("/sso/code_challenge_missing") != std::string::npos);
  CHECK(r.location().rfind(s.redirect_uri(), 0) != 0);
}

TEST_CASE("authorize URL: an unknown provider redirects with connection_strategy_invalid",
          "[live-safe][sso][authorize]") {
  Scenario s;
  HttpResult r = Visit(AuthorizeUrl({{"client_id", s.client_id()},
                                     {"redirect_uri", s.redirect_uri()},
                                     {"response_type", "code"},
                                     {"provider", "ConformanceOAuth"},
                                     {"state", "conformance-st9"}}));
  INFO("Location: " << r.location());
  REQUIRE(r.status == 302);
  CHECK(r.location().rfind(s.redirect_uri() + "?", 0) == 0);
  CHECK(workos::QueryParam(r.location(), "error") == "connection_strategy_invalid");
  CHECK(workos::QueryParam(r.location(), "error_description") ==
        "The provider 'ConformanceOAuth' is not valid.");
  CHECK(workos::QueryParam(r.location(), "error_uri") ==
        "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
  CHECK(workos::QueryParam(r.location(), "state") == "conformance-st9");
  CHECK(workos::QueryParam(r.location(), "code").empty());
}

TEST_CASE("authorize URL: connection, organization and provider sign in with code and state",
          "[mock-only][sso][authorize]") {
  Scenario s(
      json{{"organizations",
            {{{"id", "org_conformance"}, {"name", "Conformance"}, {"domains", {"conf.example"}}}}},
           {"connections",
            {{{"id", "conn_conformance"},
              {"type", "OktaSAML"},
              {"name", "Conformance Okta"},
              {"organization", "org_conformance"},
              {"domains", {"conf.example"}},
              {"users", {{{"email", "ann@conf.example"}, {"first_name", "Ann"}}}}}}}});
  struct Case {
    std::string what;
    workos::AuthorizationUrlOptions options;
    std::string connection_type;
  };
  std::vector<Case> cases(3);
  cases[0] = {"connection", {}, "OktaSAML"};
  cases[0].options.connection = "conn_conformance";
  cases[1] = {"organization", {}, "OktaSAML"};
  cases[1].options.organization = "org_conformance";
  cases[2] = {"provider", {}, "GoogleOAuth"};
  cases[2].options.provider = "GoogleOAuth";
  for (auto& c : cases) {
    INFO("selector: " << c.what);
    c.options.redirect_uri = s.redirect_uri();
    c.options.state = "st-" + c.what;
    HttpResult r = Visit(s.client().sso().GetAuthorizationUrl(c.options));
    INFO("Location: " << r.location());
    REQUIRE(r.status == 302);
    CHECK(r.location().rfind(s.redirect_uri() + "?", 0) == 0);
    CHECK(workos::QueryParam(r.location(), "state") == c.options.state);
    const std::string code = workos::QueryParam(r.location(), "code");
    REQUIRE(!code.empty());
    workos::ProfileAndToken t = s.client().sso().GetProfileAndToken(code);
    CHECK(t.profile.connection_type == c.connection_type);
    if (c.connection_type == "OktaSAML") {
      CHECK(t.profile.email == "ann@conf.example");
      CHECK(t.profile.organization_id == std::optional<std::string>("org_conformance"));
    }
  }
}

TEST_CASE("authorize URL: prompt=login is accepted; newer connection types sign in",
          "[mock-only][sso][authorize]") {
  Scenario s(json{{"connections",
                   {{{"id", "conn_conformance_x"}, {"type", "XOAuth"}},
                    {{"id", "conn_conformance_okta"},
                     {"type", "OktaOIDC"},
                     {"users",
                      {{{"email", "ria@conf.example"},
                        {"roles", {"admin"}},
                        {"custom_attributes", {{"department", "Sales"}}}}}}}}}});
  HttpResult r = Visit(AuthorizeUrl({{"client_id", s.client_id()},
                                     {"redirect_uri", s.redirect_uri()},
                                     {"response_type", "code"},
                                     {"connection", "conn_conformance_okta"},
                                     {"prompt", "login"}}));
  INFO("Location: " << r.location());
  REQUIRE(r.status == 302);
  workos::ProfileAndToken okta =
      s.client().sso().GetProfileAndToken(workos::QueryParam(r.location(), "code"));
  INFO(okta.raw.dump());
  CHECK(okta.profile.connection_type == "OktaOIDC");
  CHECK(okta.profile.raw["roles"] == json::array({{{"slug", "admin"}}}));
  CHECK(okta.profile.raw["custom_attributes"] == json({{"department", "Sales"}}));
  CHECK_FALSE(okta.raw.contains("oauth_tokens"));

  workos::AuthorizationUrlOptions o;
  o.connection = "conn_conformance_x";
  o.redirect_uri = s.redirect_uri();
  HttpResult x = Visit(s.client().sso().GetAuthorizationUrl(o));
  REQUIRE(x.status == 302);
  workos::ProfileAndToken token =
      s.client().sso().GetProfileAndToken(workos::QueryParam(x.location(), "code"));
  CHECK(token.profile.connection_type == "XOAuth");
  REQUIRE(token.raw.contains("oauth_tokens"));
  CHECK(token.raw["oauth_tokens"]["provider"] == "XOAuth");
}
