// SSO over real HTTP: /sso/authorize and its error pages, the mock IdP (direct and interactive),
// PKCE, RS256 access tokens + JWKS, connections and organizations, and isolation under load.
#include <catch2/catch.hpp>

#include <openssl/sha.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "../unit/jwt_verify.h"
#include "domain/ids.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const std::string kKey = "sk_test_workos_mock_sso";
const std::string kClient = "client_workos_mock_sso";
const std::string kCallback = "http://localhost:3000/callback";

workos_mock::ServerConfig MultiOrg() {
  return workos_mock::LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) +
                                     "/fixtures/sso-multi-org.json");
}

std::string Enc(const std::string& s) { return httplib::detail::encode_query_param(s); }

std::string AuthorizePath(const std::string& client, const std::string& extra) {
  return "/sso/authorize?response_type=code&client_id=" + Enc(client) +
         "&redirect_uri=" + Enc(kCallback) + "&state=st8" + extra;
}

Reply Exchange(const TestServer& s, const std::string& code, const std::string& client,
               const std::string& secret, const std::string& verifier = "") {
  std::string body =
      "client_id=" + Enc(client) + "&grant_type=authorization_code&code=" + Enc(code);
  if (!secret.empty()) body += "&client_secret=" + Enc(secret);
  if (!verifier.empty()) body += "&code_verifier=" + Enc(verifier);
  return Post(s, "/sso/token", body, "", "application/x-www-form-urlencoded");
}

// Authorize and return the Location (which must go back to the callback).
std::string Authorize(const TestServer& s, const std::string& client, const std::string& extra) {
  Reply r = Get(s, AuthorizePath(client, extra));
  INFO(r.body);
  REQUIRE(r.status == 302);
  return r.header("Location");
}

std::string S256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return workos_mock::Base64UrlEncode(std::string(reinterpret_cast<char*>(d), sizeof d));
}

std::vector<std::string> Ids(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& item : r.json["data"]) out.push_back(item["id"]);
  return out;
}

}  // namespace

TEST_CASE("SSO: authorize -> callback -> token -> profile, with a verifiable RS256 JWT",
          "[http][sso]") {
  TestServer s(MultiOrg());
  const std::string loc =
      Authorize(s, kClient, "&organization=org_foo&login_hint=bob%40foo-corp.com");
  CHECK(loc.rfind(kCallback + "?code=", 0) == 0);
  CHECK(QueryParam(loc, "state") == "st8");
  const std::string code = QueryParam(loc, "code");
  REQUIRE(code.size() == 26);

  Reply token = Exchange(s, code, kClient, kKey);
  INFO(token.body);
  REQUIRE(token.status == 200);
  CHECK(token.json["token_type"] == "Bearer");
  CHECK(token.json["expires_in"] == 600);
  const json& profile = token.json["profile"];
  CHECK(profile["email"] == "bob@foo-corp.com");
  CHECK(profile["first_name"] == "Bob");
  CHECK(profile["idp_id"] == "00u_bob");
  CHECK(profile["connection_id"] == "conn_foo_okta");
  CHECK(profile["connection_type"] == "OktaSAML");
  CHECK(profile["organization_id"] == "org_foo");
  const std::string jwt = token.json["access_token"];
  CHECK(std::regex_match(jwt, std::regex("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+")));

  Reply me = Get(s, "/sso/profile", jwt);
  REQUIRE(me.status == 200);
  CHECK(me.json == profile);
  Reply tampered = Get(s, "/sso/profile", jwt + "x");
  CHECK(tampered.status == 401);
  CHECK(tampered.json == json{{"error", "Unauthorized"}});  // the spec's body for this endpoint
  CHECK(Exchange(s, code, kClient, kKey).json["error"] == "invalid_grant");  // single use

  Reply jwks = Get(s, "/sso/jwks/" + kClient);
  REQUIRE(jwks.status == 200);
  CHECK(jwks.header("Content-Type") == "application/json; charset=utf-8");
  REQUIRE(jwks.json["keys"].size() == 1);
  const json& key = jwks.json["keys"][0];
  std::set<std::string> members;
  for (auto it = key.begin(); it != key.end(); ++it) members.insert(it.key());
  CHECK(members == std::set<std::string>{"alg", "kty", "use", "x5c", "n", "e", "kid", "x5t#S256"});
  CHECK(key["alg"] == "RS256");
  CHECK(key["kty"] == "RSA");
  CHECK(key["use"] == "sig");
  CHECK(key["x5c"].size() == 1);
  std::string kid;
  json claims = VerifyRs256(jwt, key["n"], key["e"], &kid);
  REQUIRE(claims.is_object());
  CHECK(kid == key["kid"]);
  CHECK(claims["iss"] == s.base_url());
  CHECK(claims["aud"] == kClient);
  CHECK(claims["sub"] == profile["id"]);

  Reply unknown = Get(s, "/sso/jwks/client_nope");
  CHECK(unknown.status == 404);
  CHECK(unknown.json == json{{"message", "Not Found"}});
}

TEST_CASE("SSO: an unknown client id or redirect URI never goes back to the app", "[http][sso]") {
  TestServer s(MultiOrg());
  Reply bad_client = Get(s, AuthorizePath("client_nope", "&connection=conn_foo_okta"));
  REQUIRE(bad_client.status == 302);
  CHECK(bad_client.header("Location").rfind(s.base_url() + "/sso/client-id-invalid", 0) == 0);
  Reply page = Get(s, PathOf(bad_client.header("Location")));
  CHECK(page.status == 400);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page.body.find("Invalid client ID") != std::string::npos);
  CHECK(page.body.find("<script") == std::string::npos);

  Reply no_client = Get(s, "/sso/authorize?response_type=code&connection=conn_foo_okta");
  REQUIRE(no_client.status == 302);
  CHECK(no_client.header("Location").find("/sso/client-id-invalid") != std::string::npos);

  for (std::string uri : {"http://localhost:3000/callback/", "https://evil.example.com/cb",
                          "http://localhost:3001/callback"}) {
    INFO(uri);
    Reply r = Get(s, "/sso/authorize?response_type=code&client_id=" + kClient +
                         "&connection=conn_nope&redirect_uri=" + Enc(uri));
    REQUIRE(r.status == 302);
    CHECK(r.header("Location").rfind(s.base_url() + "/sso/redirect-uri-invalid", 0) == 0);
    Reply p = Get(s, PathOf(r.header("Location")));
    CHECK(p.status == 400);
    CHECK(p.body.find("Invalid Redirect URI") != std::string::npos);
    CHECK(p.body.find("Make sure that the app uses the correct redirect URI") != std::string::npos);
    CHECK(p.header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
  }
  // No redirect_uri: the environment's default.
  Reply d = Get(
      s, "/sso/authorize?response_type=code&client_id=" + kClient + "&connection=conn_foo_okta");
  REQUIRE(d.status == 302);
  CHECK(d.header("Location").rfind(kCallback + "?code=", 0) == 0);
}

TEST_CASE("SSO: selector errors redirect to the app with error, description and state",
          "[http][sso]") {
  TestServer s(MultiOrg());
  struct Case {
    std::string extra, error, description;
  };
  std::vector<Case> cases = {
      {"&connection=conn_foo_okta&provider=GoogleOAuth", "invalid_connection_selector", ""},
      {"&domain=foo-corp.com", "domain_connection_selector_not_allowed",
       "The `domain` connection selector is deprecated and may no longer be used. Use the "
       "`connection` or `organization` connection selectors instead."},
      {"&connection=conn_x", "connection_invalid", "No Connection found with ID 'conn_x'"},
      {"&organization=org_x", "organization_invalid",
       "No Connection associated with Organization 'org_x'"},
      {"&organization=org_qux", "organization_invalid",
       "No Connection associated with Organization 'org_qux'"},
      {"&organization=org_bar", "ambiguous_connection_selector", ""},
      {"&connection=conn_baz_draft", "connection_unlinked", ""},
      {"&provider=FriendsterOAuth", "connection_strategy_invalid",
       "The provider 'FriendsterOAuth' is not valid."},
      {"&connection=conn_foo_okta&code_challenge=abc&code_challenge_method=plain",
       "invalid_request", ""},
      {"&connection=conn_foo_okta&prompt=consent", "invalid_request",
       "The prompt 'consent' is not supported; use 'login'."},
  };
  for (const auto& c : cases) {
    INFO(c.extra);
    const std::string loc = Authorize(s, kClient, c.extra);
    CHECK(loc.rfind(kCallback + "?error=", 0) == 0);
    CHECK(QueryParam(loc, "error") == c.error);
    CHECK(QueryParam(loc, "state") == "st8");
    CHECK(!QueryParam(loc, "error_description").empty());
    if (!c.description.empty()) CHECK(QueryParam(loc, "error_description") == c.description);
    CHECK(QueryParam(loc, "error_uri") ==
          "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
    CHECK(QueryParam(loc, "code").empty());
  }
  // response_type: missing -> invalid_request, other -> unsupported_response_type (RFC 6749).
  Reply missing = Get(s, "/sso/authorize?client_id=" + kClient + "&connection=conn_foo_okta");
  CHECK(QueryParam(missing.header("Location"), "error") == "invalid_request");
  Reply token = Get(
      s, "/sso/authorize?response_type=token&client_id=" + kClient + "&connection=conn_foo_okta");
  CHECK(QueryParam(token.header("Location"), "error") == "unsupported_response_type");
}

TEST_CASE("SSO: requests that never reach the app land on the mock's error pages", "[http][sso]") {
  TestServer s(MultiOrg());
  struct Case {
    std::string extra, page, title;
  };
  std::vector<Case> cases = {
      {"", "/sso/invalid-connection-selector", "Invalid connection selector"},
      {"&connection=conn_foo_okta&code_challenge_method=S256", "/sso/code_challenge_missing",
       "Missing code challenge"},
  };
  for (const auto& c : cases) {
    INFO(c.extra);
    const std::string loc = Authorize(s, kClient, c.extra);
    CHECK(loc == s.base_url() + c.page);
    CHECK(loc.rfind(kCallback, 0) != 0);
    Reply page = Get(s, c.page);
    CHECK(page.status == 400);
    CHECK(page.header("Content-Type").rfind("text/html", 0) == 0);
    CHECK(page.body.find(c.title) != std::string::npos);
  }
  // prompt=login is accepted: the sign-in goes through.
  CHECK(
      QueryParam(Authorize(s, kClient, "&connection=conn_foo_okta&prompt=login"), "code").size() ==
      26);
}

TEST_CASE("SSO: /sso/token does not read HTTP Basic; a body without client_id is invalid_request",
          "[http][sso][token]") {
  TestServer s(MultiOrg());
  const std::string code = QueryParam(Authorize(s, kClient, "&connection=conn_foo_okta"), "code");
  // What a generic OAuth library sends: base64("client_workos_mock_sso:sk_test_workos_mock_sso").
  const std::string basic =
      "Basic Y2xpZW50X3dvcmtvc19tb2NrX3Nzbzpza190ZXN0X3dvcmtvc19tb2NrX3Nzbw==";
  auto token = [&](const std::string& body) {
    return Post(s, "/sso/token", body, "", "application/x-www-form-urlencoded",
                {{"Authorization", basic}});
  };
  Reply no_client = token("grant_type=authorization_code&code=" + code);
  CHECK(no_client.status == 400);
  CHECK(no_client.json == json{{"error", "invalid_request"},
                               {"error_description", "Missing required parameter: client_id"}});
  // Without any Authorization header the same body gets the same answer.
  Reply plain = Post(s, "/sso/token", "grant_type=authorization_code&code=" + code, "",
                     "application/x-www-form-urlencoded");
  CHECK(plain.json == no_client.json);
  // With client_id in the body but the secret only in the header: the body has no secret.
  Reply no_secret = token("grant_type=authorization_code&client_id=" + kClient + "&code=" + code);
  CHECK(no_secret.json["error"] == "invalid_client");
  // The grant type is still checked first; the code was never burnt.
  CHECK(token("grant_type=password").json["error"] == "unsupported_grant_type");
  CHECK(token("client_id=" + kClient + "&client_secret=" + kKey +
              "&grant_type=authorization_code&code=" + code)
            .status == 200);
}

TEST_CASE("SSO: the IdP's claims come back in custom_attributes; raw_attributes is {} as on live",
          "[http][sso][profile]") {
  // Since 2026-04-15 live returns raw_attributes {} in every profile and mapped IdP claims in
  // custom_attributes (WorkOS's raw_attributes deprecation): an app reading profile.picture from
  // raw_attributes breaks in production, so the mock does not serve it there either.
  json cfg = json::parse(R"({"environments":[{"name":"t","api_keys":["sk_test_t"],
    "client_id":"client_t","redirect_uris":["http://localhost:3000/callback"],
    "connections":[{"id":"conn_google","type":"GoogleOAuth","users":[{"email":"lu@gmail.example",
      "first_name":"Lu","custom_attributes":{"picture":"https://pics.example/lu.png",
      "locale":"pt-BR"}}]}]}]})");
  TestServer s(workos_mock::ParseConfig(cfg.dump(), "test"));
  Reply r =
      Get(s, "/sso/authorize?response_type=code&client_id=client_t&redirect_uri=" + Enc(kCallback) +
                 "&connection=conn_google");
  REQUIRE(r.status == 302);
  Reply t = Exchange(s, QueryParam(r.header("Location"), "code"), "client_t", "sk_test_t");
  INFO(t.body);
  REQUIRE(t.status == 200);
  const json& p = t.json["profile"];
  CHECK(p["custom_attributes"] ==
        json{{"picture", "https://pics.example/lu.png"}, {"locale", "pt-BR"}});
  CHECK(p["raw_attributes"] == json::object());
  CHECK(Get(s, "/sso/profile", t.json["access_token"]).json == p);

  // A config that puts the claims in raw_attributes is told where they go.
  json bad = cfg;
  bad["environments"][0]["connections"][0]["users"][0]["raw_attributes"] = {{"picture", "x"}};
  try {
    workos_mock::ParseConfig(bad.dump(), "cfg.json");
    FAIL("raw_attributes in a user was accepted");
  } catch (const std::exception& e) {
    CHECK_THAT(e.what(),
               Catch::Contains("users[0].raw_attributes: live returns raw_attributes {}") &&
                   Catch::Contains("custom_attributes"));
  }
}

TEST_CASE("SSO: newer connection types; profile roles and custom attributes; oauth_tokens",
          "[http][sso][profile]") {
  json cfg = json::parse(R"({"environments":[{"name":"t","api_keys":["sk_test_t"],
    "client_id":"client_t","redirect_uris":["http://localhost:3000/callback"],
    "connections":[
      {"id":"conn_grok","type":"GrokOAuth"},{"id":"conn_x","type":"XOAuth"},
      {"id":"conn_clever","type":"CleverOIDC"},{"id":"conn_entra","type":"EntraIdOIDC"},
      {"id":"conn_okta","type":"OktaOIDC","domains":["okta.example"],"users":[{"email":"ria@okta.example",
        "first_name":"Ria","last_name":"Ray","roles":["admin","billing"],
        "custom_attributes":{"department":"Sales"}}]}]}]})");
  TestServer s(workos_mock::ParseConfig(cfg.dump(), "test"));
  auto sign_in = [&](const std::string& extra) {
    Reply r = Get(s, "/sso/authorize?response_type=code&client_id=client_t&redirect_uri=" +
                         Enc(kCallback) + extra);
    REQUIRE(r.status == 302);
    Reply t = Exchange(s, QueryParam(r.header("Location"), "code"), "client_t", "sk_test_t");
    INFO(t.body);
    REQUIRE(t.status == 200);
    return t.json;
  };
  json okta = sign_in("&connection=conn_okta");
  const json& p = okta["profile"];
  CHECK(p["connection_type"] == "OktaOIDC");
  CHECK(p["name"] == "Ria Ray");
  CHECK(p["role"] == json{{"slug", "admin"}});
  CHECK(p["roles"] == json::array({{{"slug", "admin"}}, {{"slug", "billing"}}}));
  CHECK(p["custom_attributes"] == json{{"department", "Sales"}});
  CHECK_FALSE(okta.contains("oauth_tokens"));  // not an OAuth connection
  CHECK(Get(s, "/sso/profile", okta["access_token"]).json == p);

  for (const char* id : {"conn_grok", "conn_x"}) {
    INFO(id);
    json t = sign_in(std::string("&connection=") + id + "&provider_scopes=users.read");
    CHECK(t["profile"]["role"].is_null());
    CHECK(t["profile"]["roles"].is_null());
    CHECK_FALSE(t["profile"].contains("custom_attributes"));  // live omits it when there are none
    REQUIRE(t.contains("oauth_tokens"));
    const json& o = t["oauth_tokens"];
    CHECK(o["provider"] == t["profile"]["connection_type"]);
    CHECK(o["scopes"] == json::array({"users.read"}));
    CHECK(o["expires_at"].is_number_integer());
    CHECK(o["access_token"].is_string());
    CHECK(o["refresh_token"].is_string());
  }
  for (const char* id : {"conn_clever", "conn_entra"}) {
    INFO(id);
    json t = sign_in(std::string("&connection=") + id);
    CHECK_FALSE(t.contains("oauth_tokens"));
  }
  Reply listed = Get(s, "/connections?limit=10", "sk_test_t");
  std::set<std::string> types;
  for (const auto& c : listed.json["data"]) types.insert(c["connection_type"]);
  CHECK(types ==
        std::set<std::string>{"GrokOAuth", "XOAuth", "CleverOIDC", "EntraIdOIDC", "OktaOIDC"});
}

TEST_CASE("SSO: provider, scopes and provider_query_params; connection choice", "[http][sso]") {
  TestServer s(MultiOrg());
  // An existing GoogleOAuth connection is used for provider=GoogleOAuth.
  std::string loc = Authorize(s, kClient,
                              "&provider=GoogleOAuth&provider_scopes=openid&provider_scopes=email"
                              "&provider_query_params%5Bhd%5D=bar.io");
  Reply t = Exchange(s, QueryParam(loc, "code"), kClient, kKey);
  REQUIRE(t.status == 200);
  CHECK(t.json["profile"]["connection_id"] == "conn_bar_google");
  CHECK(t.json["profile"]["email"] == "cleo@bar.io");

  // No MicrosoftOAuth connection yet: one is created and then listed.
  loc = Authorize(s, kClient,
                  "&provider=MicrosoftOAuth&provider_scopes=openid,profile&login_hint=" +
                      Enc("eve@contoso.com"));
  t = Exchange(s, QueryParam(loc, "code"), kClient, kKey);
  REQUIRE(t.status == 200);
  CHECK(t.json["profile"]["connection_type"] == "MicrosoftOAuth");
  CHECK(t.json["profile"]["email"] == "eve@contoso.com");
  CHECK(t.json["profile"]["organization_id"].is_null());
  Reply listed = Get(s, "/connections?connection_type=MicrosoftOAuth", kKey);
  REQUIRE(listed.json["data"].size() == 1);
  CHECK(listed.json["data"][0]["id"] == t.json["profile"]["connection_id"]);

  // An ambiguous organization is resolved with connection=.
  loc = Authorize(s, kClient, "&connection=conn_bar_entra");
  t = Exchange(s, QueryParam(loc, "code"), kClient, kKey);
  CHECK(t.json["profile"]["email"] == "dan@bar-inc.com");
}

TEST_CASE("SSO: PKCE end to end, as the Node SDK does it for public clients", "[http][sso][pkce]") {
  TestServer s(MultiOrg());
  const std::string verifier = workos_mock::RandomBase64Url(48);
  auto start = [&] {
    std::string loc = Authorize(s, kClient,
                                "&connection=conn_foo_okta&code_challenge_method=S256"
                                "&nonce=n0nce&code_challenge=" +
                                    S256(verifier));
    return QueryParam(loc, "code");
  };
  std::string code = start();
  Reply missing = Exchange(s, code, kClient, "");
  CHECK(missing.status == 400);
  CHECK(missing.json["error"] == "invalid_grant");
  Reply wrong = Exchange(s, code, kClient, "", verifier + "x");
  CHECK(wrong.json["error"] == "invalid_grant");
  Reply ok = Exchange(s, code, kClient, "", verifier);  // no client_secret
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(ok.json["profile"]["email"] == "ann@foo-corp.com");
  CHECK(Get(s, "/sso/profile", ok.json["access_token"]).status == 200);

  // With the secret as well (a confidential client using PKCE) the verifier still must match.
  code = start();
  CHECK(Exchange(s, code, kClient, kKey, "nope").json["error"] == "invalid_grant");
  CHECK(Exchange(s, code, kClient, kKey, verifier).status == 200);
  // JSON body works the same.
  code = start();
  Reply j = Post(s, "/sso/token",
                 json{{"client_id", kClient},
                      {"grant_type", "authorization_code"},
                      {"code", code},
                      {"code_verifier", verifier}}
                     .dump());
  CHECK(j.status == 200);
  // Without PKCE a public client (no secret) is refused.
  std::string plain = QueryParam(Authorize(s, kClient, "&connection=conn_foo_okta"), "code");
  CHECK(Exchange(s, plain, kClient, "").json["error"] == "invalid_client");
}

TEST_CASE("SSO: the interactive mock IdP page", "[http][sso][idp]") {
  json cfg = json::parse(R"({"environments":[{"name":"i","api_keys":["sk_test_i"],
    "client_id":"client_i","redirect_uris":["http://localhost:3000/callback"],
    "interactive_idp":true,"organizations":[{"id":"org_1","name":"One","domains":["one.com"]}],
    "connections":[{"id":"conn_1","type":"OktaSAML","name":"<One & Co>","organization":"org_1",
    "users":[{"email":"ann@one.com","first_name":"Ann"},{"email":"x\"y@one.com"}]}]}]})");
  TestServer s(workos_mock::ParseConfig(cfg.dump(), "test"));
  Reply page =
      Get(s, AuthorizePath("client_i", "&connection=conn_1&login_hint=" + Enc("<b>@one.com")));
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page.header("Content-Security-Policy").find("default-src 'none'") != std::string::npos);
  CHECK(page.body.find("&lt;One &amp; Co&gt;") != std::string::npos);
  CHECK(page.body.find("<One") == std::string::npos);
  CHECK(page.body.find("&lt;b&gt;@one.com") != std::string::npos);
  CHECK(page.body.find("x&quot;y@one.com") != std::string::npos);
  CHECK(page.body.find("value=\"ann@one.com\"") != std::string::npos);
  std::smatch m;
  REQUIRE(std::regex_search(page.body, m, std::regex("action=\"(/sso/idp/[A-Za-z0-9]+)\"")));
  const std::string action = m[1];

  Reply done = Post(s, action, "email=ann%40one.com", "", "application/x-www-form-urlencoded");
  REQUIRE(done.status == 302);
  CHECK(QueryParam(done.header("Location"), "state") == "st8");
  Reply t = Exchange(s, QueryParam(done.header("Location"), "code"), "client_i", "sk_test_i");
  REQUIRE(t.status == 200);
  CHECK(t.json["profile"]["first_name"] == "Ann");
  // Single use.
  Reply again = Post(s, action, "email=ann%40one.com", "", "application/x-www-form-urlencoded");
  CHECK(again.status == 400);
  CHECK(again.body.find("expired") != std::string::npos);

  // Typing another email, and denying.
  page = Get(s, AuthorizePath("client_i", "&connection=conn_1"));
  REQUIRE(std::regex_search(page.body, m, std::regex("action=\"(/sso/idp/[A-Za-z0-9]+)\"")));
  std::string action2 = m[1];
  CHECK(Post(s, action2, "email=", "", "application/x-www-form-urlencoded").status == 400);
  done = Post(s, action2, "email=zed%40one.com", "", "application/x-www-form-urlencoded");
  t = Exchange(s, QueryParam(done.header("Location"), "code"), "client_i", "sk_test_i");
  CHECK(t.json["profile"]["email"] == "zed@one.com");

  page = Get(s, AuthorizePath("client_i", "&connection=conn_1"));
  REQUIRE(std::regex_search(page.body, m, std::regex("action=\"(/sso/idp/[A-Za-z0-9]+)\"")));
  std::string action3 = m[1];
  done = Post(s, action3, "action=deny", "", "application/x-www-form-urlencoded");
  REQUIRE(done.status == 302);
  CHECK(QueryParam(done.header("Location"), "error") == "access_denied");
  CHECK(
      Post(s, "/sso/idp/nope", "email=a%40b.com", "", "application/x-www-form-urlencoded").status ==
      400);
}

TEST_CASE("connections: list, filters, pagination, get, delete", "[http][connections]") {
  TestServer s(MultiOrg());
  CHECK(Get(s, "/connections").status == 401);
  CHECK(Get(s, "/connections", "sk_test_wrong").json == json{{"message", "Unauthorized"}});
  CHECK(Get(s, "/connections/conn_foo_okta").status == 401);
  CHECK(Delete(s, "/connections/conn_foo_okta").status == 401);

  Reply all = Get(s, "/connections", kKey);
  REQUIRE(all.status == 200);
  CHECK(all.json["object"] == "list");
  CHECK(all.json["data"].size() == 4);
  CHECK(all.json["list_metadata"] == json{{"before", nullptr}, {"after", nullptr}});
  const json& c0 = all.json["data"][0];
  for (const char* k : {"object", "id", "organization_id", "connection_type", "name", "state",
                        "domains", "created_at", "updated_at"})
    CHECK(c0.contains(k));

  CHECK(Ids(Get(s, "/connections?organization_id=org_bar", kKey)).size() == 2);
  CHECK(Ids(Get(s, "/connections?connection_type=OktaSAML", kKey)) ==
        std::vector<std::string>{"conn_foo_okta"});
  CHECK(Ids(Get(s, "/connections?domain=bar-inc.com", kKey)) ==
        std::vector<std::string>{"conn_bar_entra"});

  // Pages of 3 in both orders cover everything exactly once.
  for (std::string order : {"desc", "asc"}) {
    Reply p1 = Get(s, "/connections?limit=3&order=" + order, kKey);
    REQUIRE(p1.json["data"].size() == 3);
    CHECK(p1.json["list_metadata"]["before"].is_null());
    REQUIRE(p1.json["list_metadata"]["after"].is_string());
    Reply p2 = Get(s,
                   "/connections?limit=3&order=" + order +
                       "&after=" + p1.json["list_metadata"]["after"].get<std::string>(),
                   kKey);
    REQUIRE(p2.json["data"].size() == 1);
    CHECK(p2.json["list_metadata"]["after"].is_null());
    CHECK(p2.json["list_metadata"]["before"] == p2.json["data"][0]["id"]);
    Reply back = Get(s,
                     "/connections?limit=3&order=" + order +
                         "&before=" + p2.json["data"][0]["id"].get<std::string>(),
                     kKey);
    CHECK(Ids(back) == Ids(p1));
  }

  for (std::string bad : {"limit=0", "limit=101", "limit=abc", "order=sideways"}) {
    INFO(bad);
    Reply r = Get(s, "/connections?" + bad, kKey);
    CHECK(r.status == 422);
    CHECK(r.json["message"] == "Validation failed");
    REQUIRE(r.json["errors"].size() == 1);
    CHECK(r.json["errors"][0]["field"] == bad.substr(0, bad.find('=')));
    CHECK(r.json["errors"][0]["code"].is_string());
  }

  Reply one = Get(s, "/connections/conn_foo_okta", kKey);
  REQUIRE(one.status == 200);
  CHECK(one.json["connection_type"] == "OktaSAML");
  CHECK(one.json["domains"][0]["object"] == "connection_domain");
  CHECK(one.json["domains"][0]["domain"] == "foo-corp.com");
  Reply missing = Get(s, "/connections/conn_nope", kKey);
  CHECK(missing.status == 404);
  CHECK(missing.json == json{{"message", "Not Found"}});

  // Delete: 204 with no body; its unexchanged codes stop working; then 404.
  std::string code = QueryParam(Authorize(s, kClient, "&connection=conn_foo_okta"), "code");
  Reply del = Delete(s, "/connections/conn_foo_okta", kKey);
  CHECK(del.status == 204);
  CHECK(del.body.empty());
  CHECK(Exchange(s, code, kClient, kKey).json["error"] == "invalid_grant");
  CHECK(Get(s, "/connections/conn_foo_okta", kKey).status == 404);
  CHECK(Delete(s, "/connections/conn_foo_okta", kKey).status == 404);
  CHECK(QueryParam(Authorize(s, kClient, "&connection=conn_foo_okta"), "error") ==
        "connection_invalid");
  CHECK(QueryParam(Authorize(s, kClient, "&organization=org_foo"), "error") ==
        "organization_invalid");
}

TEST_CASE("connections: MagicLink connections appear; deleting one kills its links",
          "[http][connections]") {
  TestServer s;
  const std::string key = "sk_test_workos_mock";
  Reply session = Post(s, "/passwordless/sessions",
                       json{{"type", "MagicLink"}, {"email", "ann@ml.example"}}.dump(), key);
  REQUIRE(session.status == 201);
  Reply list = Get(s, "/connections?connection_type=MagicLink&domain=ml.example", key);
  REQUIRE(list.json["data"].size() == 1);
  CHECK(list.json["data"][0]["name"] == "MagicLink");
  const std::string conn = list.json["data"][0]["id"];
  CHECK(Delete(s, "/connections/" + conn, key).status == 204);
  Reply click = Get(s, PathOf(session.json["link"]));
  CHECK(click.status == 302);  // dead like an expired link: back to the app, no code
  CHECK(QueryParam(click.header("Location"), "error") == "access_denied");
  CHECK(QueryParam(click.header("Location"), "code").empty());
}

TEST_CASE("organizations: list, domains filter, get", "[http][organizations]") {
  TestServer s(MultiOrg());
  CHECK(Get(s, "/organizations").status == 401);
  Reply all = Get(s, "/organizations", kKey);
  REQUIRE(all.status == 200);
  CHECK(all.json["object"] == "list");
  CHECK(all.json["data"].size() == 4);
  CHECK(all.json["list_metadata"].contains("before"));
  CHECK(all.json["list_metadata"].contains("after"));
  CHECK(Ids(Get(s, "/organizations?domains=bar-inc.com", kKey)) ==
        std::vector<std::string>{"org_bar"});
  CHECK(Ids(Get(s, "/organizations?domains=foo-corp.com&domains=qux.dev", kKey)).size() == 2);
  CHECK(Ids(Get(s, "/organizations?domains=foo-corp.com,baz.co.uk", kKey)).size() == 2);
  Reply page = Get(s, "/organizations?limit=2&order=asc", kKey);
  CHECK(page.json["data"].size() == 2);
  CHECK(page.json["list_metadata"]["after"] == page.json["data"][1]["id"]);
  CHECK(Get(s, "/organizations?limit=1000", kKey).status == 422);
  CHECK(Get(s, "/organizations?order=up", kKey).status == 422);

  Reply one = Get(s, "/organizations/org_bar", kKey);
  REQUIRE(one.status == 200);
  CHECK(one.json["object"] == "organization");
  CHECK(one.json["name"] == "Bar Inc");
  CHECK(one.json["domains"].size() == 2);
  Reply missing = Get(s, "/organizations/org_nope", kKey);
  CHECK(missing.status == 404);
  CHECK(missing.json == json{{"message", "Not Found"}});
}

TEST_CASE("fixtures: the production-like environment serves SSO over HTTPS redirect URIs",
          "[http][sso]") {
  TestServer s(workos_mock::LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) +
                                           "/fixtures/production.json"));
  Reply r = Get(s,
                "/sso/authorize?response_type=code&client_id=client_workos_mock_production"
                "&organization=org_01HZXPRD0000000000000000AC");
  REQUIRE(r.status == 302);
  const std::string loc = r.header("Location");
  CHECK(loc.rfind("https://app.example.com/auth/callback?code=", 0) == 0);
  Reply t = Exchange(s, QueryParam(loc, "code"), "client_workos_mock_production",
                     "sk_live_workos_mock_production");
  REQUIRE(t.status == 200);
  CHECK(t.json["profile"]["email"] == "alice@acme.com");
}

TEST_CASE("8 threads, 8 environments: full SSO and magic-link flows with no cross-talk",
          "[http][sso][concurrency]") {
  TestServer s;
  std::atomic<int> failures{0};
  std::vector<std::string> errors(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto fail = [&](const std::string& what) {
        ++failures;
        if (errors[t].empty()) errors[t] = what;
      };
      try {
        const std::string n = std::to_string(t);
        const std::string domain = "t" + n + ".example";
        TestEnv env = NewEnvironment(
            s,
            {{"organizations", {{{"id", "org_t" + n}, {"name", "T" + n}, {"domains", {domain}}}}},
             {"connections",
              {{{"id", "conn_t" + n},
                {"type", "OktaSAML"},
                {"organization", "org_t" + n},
                {"domains", {domain}},
                {"users", {{{"email", "u@" + domain}}}}}}}});
        for (int round = 0; round < 3; ++round) {
          // SSO via organization.
          Reply a = Get(s, "/sso/authorize?response_type=code&client_id=" + env.client_id +
                               "&organization=org_t" + n + "&state=s" + n);
          std::string loc = a.header("Location");
          if (QueryParam(loc, "state") != "s" + n) fail("state: " + loc);
          Reply tok = Exchange(s, QueryParam(loc, "code"), env.client_id, env.api_key);
          if (tok.status != 200 || tok.json["profile"]["email"] != "u@" + domain)
            fail("sso token: " + tok.body);
          Reply prof = Get(s, "/sso/profile", tok.json.value("access_token", ""));
          if (prof.json.value("organization_id", "") != "org_t" + n) fail("profile: " + prof.body);
          // Another environment's client id cannot redeem this environment's code.
          Reply a2 = Get(s, "/sso/authorize?response_type=code&client_id=" + env.client_id +
                                "&connection=conn_t" + n);
          Reply cross = Exchange(s, QueryParam(a2.header("Location"), "code"), "client_workos_mock",
                                 "sk_test_workos_mock");
          if (cross.status != 400) fail("cross-environment exchange: " + cross.body);
          // Magic link.
          Reply sess = Post(s, "/passwordless/sessions",
                            json{{"type", "MagicLink"}, {"email", "m" + n + "@" + domain}}.dump(),
                            env.api_key);
          Reply click = Get(s, PathOf(sess.json.value("link", "")));
          Reply ml =
              Exchange(s, QueryParam(click.header("Location"), "code"), env.client_id, env.api_key);
          if (ml.status != 200 || ml.json["profile"]["email"] != "m" + n + "@" + domain)
            fail("magic link: " + ml.body);
          // Each environment sees only its own connections and organizations.
          Reply orgs = Get(s, "/organizations", env.api_key);
          if (Ids(orgs) != std::vector<std::string>{"org_t" + n}) fail("orgs: " + orgs.body);
          const Reply conns = Get(s, "/connections?limit=100", env.api_key);  // outlives the loop
          if (conns.status != 200 || !conns.json["data"].is_array())
            fail("connections: " + conns.body);
          int own = 0;  // the loop below may not run: its own connection must be listed
          for (const auto& c : conns.json["data"]) {
            if (c["id"] == "conn_t" + n)
              ++own;
            else if (c["connection_type"] != "MagicLink")
              fail("foreign connection " + c.dump());
          }
          if (own != 1) fail("own connection listed " + std::to_string(own) + " times");
        }
      } catch (const std::exception& e) {
        fail(e.what());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& e : errors) CHECK(e.empty());
  CHECK(failures == 0);
}

TEST_CASE("/sso/authorize at max_stored: 429 rate_limit_exceeded with Retry-After, nothing dropped",
          "[sso][caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"max_stored", 100}, {"interactive_idp", true}});
  const std::string path = "/sso/authorize?response_type=code&client_id=" + Enc(env.client_id) +
                           "&redirect_uri=" + Enc(kCallback) + "&provider=GoogleOAuth";
  std::vector<std::string> logins;
  for (int i = 0; i < 100; ++i) {
    Reply page = Get(s, path);
    REQUIRE(page.status == 200);
    std::smatch m;
    REQUIRE(std::regex_search(page.body, m, std::regex("/sso/idp/([A-Za-z0-9]+)")));
    logins.push_back(m[1]);
  }
  Reply full = Get(s, path);
  CHECK(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  CHECK(full.json["code"] == "rate_limit_exceeded");
  CHECK(full.json["message"].get<std::string>().find("100 (config max_stored)") !=
        std::string::npos);
  // Every stored sign-in still completes.
  for (const auto& id : {logins.front(), logins.back()}) {
    Reply done = Post(s, "/sso/idp/" + id, "email=ann%40example.com", "",
                      "application/x-www-form-urlencoded");
    CHECK(done.status == 302);
    CHECK(QueryParam(done.header("Location"), "code").size() == 26);
  }
}
