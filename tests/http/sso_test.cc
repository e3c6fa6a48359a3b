// SSO over real HTTP, end to end: authorize -> callback -> token -> profile with a verifiable
// RS256 JWT, the token endpoint's body rules, the profile's claims and newer connection types,
// PKCE, the production-like fixture, isolation under 8 threads, and the max_stored cap.
// /sso/authorize's errors and the IdP page: sso_authorize_test.cc; connections and
// organizations: directory_test.cc.
#include <catch2/catch.hpp>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include "../unit/jwt_verify.h"
#include "sso_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace sso_testing;
using nlohmann::json;

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
