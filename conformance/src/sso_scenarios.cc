// SSO scenarios: the code exchange, the profile, /sso/authorize and redirect-URI rules.
#include <regex>

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

// Standard base64 with padding (an HTTP Basic credential).
std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
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

TEST_CASE("token: a code is single use", "[live-safe][sso][token]") {
  Scenario s;
  const std::string email = s.Email();
  const std::string code = s.CodeFromMagicLink(email);
  workos::ProfileAndToken first = s.client().sso().GetProfileAndToken(code);
  CHECK(first.profile.email == email);
  auto e = ExpectError<workos::OAuthError>("second exchange",
                                           [&] { s.client().sso().GetProfileAndToken(code); });
  if (e) {
    CHECK(e->status() == 400);
    CHECK(e->error() == "invalid_grant");
    CHECK(e->error_description() == "The code '" + code + "' has expired or is invalid.");
  }
}

TEST_CASE("token: a code expires after 10 minutes", "[mock-only][sso][token]") {
  Scenario s;
  const std::string quick = s.CodeFromMagicLink(s.Email());
  s.mock().AdvanceClock(9 * 60 + 59);
  CHECK(s.client().sso().GetProfileAndToken(quick).token_type == "Bearer");
  const std::string slow = s.CodeFromMagicLink(s.Email());
  s.mock().AdvanceClock(601);
  auto e = ExpectError<workos::OAuthError>("exchange after 601 s",
                                           [&] { s.client().sso().GetProfileAndToken(slow); });
  if (e) {
    CHECK(e->error() == "invalid_grant");
    CHECK(e->error_description() == "The code '" + slow + "' has expired or is invalid.");
  }
}

TEST_CASE("token: a wrong client secret is invalid_client", "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  workos::Config wrong = s.config();
  wrong.api_key = "sk_test_conformance_not_the_secret_0000000000";
  workos::Client impostor(wrong);
  auto e = ExpectError<workos::OAuthError>("exchange with a wrong secret",
                                           [&] { impostor.sso().GetProfileAndToken(code); });
  if (e) {
    INFO(e->raw_body());
    CHECK(e->status() == 400);
    CHECK(e->error() == "invalid_client");
    CHECK(e->error_description() == "Invalid client ID or secret.");
  }
}

TEST_CASE("token: an unsupported grant type is refused", "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  HttpResult r =
      Http("POST", Url("/sso/token"), {{"Content-Type", "application/x-www-form-urlencoded"}},
           Form({{"client_id", s.client_id()},
                 {"client_secret", s.api_key()},
                 {"grant_type", "password"},
                 {"code", code}}));
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.json() == json({{"error", "unsupported_grant_type"},
                          {"error_description", "The grant type is not supported."}}));
}

TEST_CASE("profile: the access token fetches the profile", "[live-safe][sso][profile]") {
  Scenario s;
  const std::string email = s.Email();
  workos::ProfileAndToken token = s.client().sso().GetProfileAndToken(s.CodeFromMagicLink(email));
  INFO(token.raw.dump());
  CHECK(token.token_type == "Bearer");
  CHECK(std::regex_match(token.access_token,
                         std::regex(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")));
  CHECK(token.expires_in > 0);
  const workos::Profile& p = token.profile;
  CHECK(p.object == "profile");
  CHECK(IsUlidId(p.id, "prof_"));
  CHECK(IsUlidId(p.connection_id, "conn_"));
  CHECK(p.connection_type == "MagicLink");
  CHECK(p.email == email);
  CHECK(!p.organization_id.has_value());
  for (const char* key : {"object", "id", "organization_id", "connection_id", "connection_type",
                          "idp_id", "email", "first_name", "last_name", "name", "raw_attributes"}) {
    INFO(key);
    CHECK(p.raw.contains(key));
  }

  workos::Profile again = s.client().sso().GetProfile(token.access_token);
  CHECK(again.raw == p.raw);

  auto e = ExpectError<workos::UnauthorizedError>(
      "profile with a bad token", [&] { s.client().sso().GetProfile("not-an-access-token"); });
  if (e) CHECK(e->status() == 401);
}

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

TEST_CASE("token: HTTP Basic is not read; a body without client_id is invalid_request",
          "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  HttpResult r = Http("POST", Url("/sso/token"),
                      {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Authorization", "Basic " + Base64(s.client_id() + ":" + s.api_key())}},
                      Form({{"grant_type", "authorization_code"}, {"code", code}}));
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.json() == json({{"error", "invalid_request"},
                          {"error_description", "Missing required parameter: client_id"}}));
  // The code was not used up: the usual exchange still works.
  CHECK(s.client().sso().GetProfileAndToken(code).token_type == "Bearer");
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
