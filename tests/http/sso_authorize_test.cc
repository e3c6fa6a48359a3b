// GET /sso/authorize over real HTTP: an unknown client or redirect URI never goes back to the app,
// selector errors go back with error, description and state, requests that never reach the app
// land on the mock's error pages, provider options and connection choice, and the interactive
// mock IdP page.
#include <catch2/catch.hpp>

#include <regex>
#include <string>

#include "sso_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace sso_testing;
using nlohmann::json;

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
