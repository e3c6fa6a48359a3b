// Sign-in outcomes over HTTP: the control plane's queue (POST|GET|DELETE /_mock/sso/outcomes),
// the redirect each outcome sends to the app, the lifecycle (GET /_mock/sso/sign-ins), the
// journal, and the interactive IdP page's Cancel and Fail choices.
#include <catch2/catch.hpp>

#include <regex>

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

std::string Authorize(const TestServer& s, const std::string& selector, const std::string& state,
                      const std::string& hint = "") {
  Reply r = Get(s, "/sso/authorize?response_type=code&client_id=" + kClient +
                       "&redirect_uri=" + Enc(kCallback) + "&state=" + Enc(state) + "&" + selector +
                       (hint.empty() ? "" : "&login_hint=" + Enc(hint)));
  INFO(r.body);
  REQUIRE(r.status == 302);
  return r.header("Location");
}

}  // namespace

TEST_CASE("sign-in outcomes: queue, list and clear through the control plane",
          "[http][sso][outcomes]") {
  TestServer s(MultiOrg());
  CHECK(Post(s, "/_mock/sso/outcomes", R"({"outcome":"server_error"})").status == 401);
  Reply q = Post(s, "/_mock/sso/outcomes", R"({"outcome":"server_error","times":2})", kKey);
  REQUIRE(q.status == 201);
  CHECK(q.json["object"] == "sso_outcome");
  CHECK(q.json["id"].get<std::string>().rfind("sso_outcome_", 0) == 0);
  CHECK(q.json["connection"].is_null());
  CHECK(q.json["outcome"] == "server_error");
  CHECK(q.json["times"] == 2);
  CHECK(q.json["remaining"] == 2);
  Reply c = Post(s, "/_mock/sso/outcomes",
                 R"({"connection":"conn_foo_okta","outcome":"signin_consent_denied"})", kKey);
  REQUIRE(c.status == 201);
  CHECK(c.json["connection"] == "conn_foo_okta");
  CHECK(c.json["times"] == 1);

  // The connection's own entry first, then the environment-wide one.
  std::string loc = Authorize(s, "connection=conn_foo_okta", "s1");
  CHECK(QueryParam(loc, "error") == "signin_consent_denied");
  CHECK(QueryParam(loc, "error_description") == "User cancelled the authentication request");
  CHECK(QueryParam(loc, "error_uri") ==
        "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
  CHECK(QueryParam(loc, "state") == "s1");
  CHECK(QueryParam(loc, "code").empty());
  CHECK(QueryParam(Authorize(s, "organization=org_foo", "s2"), "error") == "server_error");
  Reply listed = Get(s, "/_mock/sso/outcomes", kKey);
  REQUIRE(listed.json["data"].size() == 1);
  CHECK(listed.json["data"][0]["remaining"] == 1);
  CHECK(Delete(s, "/_mock/sso/outcomes", kKey).status == 204);
  CHECK(Get(s, "/_mock/sso/outcomes", kKey).json["data"].empty());
  loc = Authorize(s, "organization=org_foo", "s3");
  CHECK(QueryParam(loc, "code").size() == 26);  // the fixture's flows still sign in

  // Bad bodies name their fields.
  Reply bad =
      Post(s, "/_mock/sso/outcomes", R"({"connection":"conn_nope","outcome":"nope"})", kKey);
  CHECK(bad.status == 422);
  REQUIRE(bad.json["errors"].size() == 2);
  CHECK(bad.json["errors"][0]["field"] == "outcome");
  CHECK(bad.json["errors"][1]["field"] == "connection");
  CHECK(Post(s, "/_mock/sso/outcomes", R"({"times":1})", kKey).json["errors"][0]["field"] ==
        "outcome");
  CHECK(Post(s, "/_mock/sso/outcomes", R"({"outcome":"access_denied","times":"2"})", kKey)
            .json["errors"][0]["field"] == "times");
  CHECK(Post(s, "/_mock/sso/outcomes", R"({"outcome":7})", kKey).json["errors"][0]["field"] ==
        "outcome");
  CHECK(Post(s, "/_mock/sso/outcomes", "[]", kKey).status == 400);
}

TEST_CASE("sign-in outcomes: the lifecycle and the journal show each outcome",
          "[http][sso][outcomes][journal]") {
  TestServer s(MultiOrg());
  REQUIRE(Post(s, "/_mock/sso/outcomes",
               R"({"connection":"conn_bar_entra","outcome":"idp_initiated_sso_disabled"})", kKey)
              .status == 201);
  const std::string idp = Authorize(s, "connection=conn_bar_entra", "st-idp");
  CHECK(QueryParam(idp, "error") == "idp_initiated_sso_disabled");
  CHECK(QueryParam(idp, "connection_id") == "conn_bar_entra");
  CHECK(QueryParam(idp, "organization_id") == "org_bar");
  // A login_hint that is no configured user: the connection's first user signs in.
  const std::string other = Authorize(s, "connection=conn_foo_okta", "st-other", "zed@other.org");
  CHECK(QueryParam(other, "error").empty());
  const std::string ok = Authorize(s, "connection=conn_foo_okta", "st-ok", "bob@foo-corp.com");
  const std::string code = QueryParam(ok, "code");
  REQUIRE(code.size() == 26);
  REQUIRE(Post(s, "/sso/token",
               "client_id=" + kClient + "&client_secret=" + kKey +
                   "&grant_type=authorization_code&code=" + code,
               "", "application/x-www-form-urlencoded")
              .status == 200);

  Reply all = Get(s, "/_mock/sso/sign-ins", kKey);
  REQUIRE(all.status == 200);
  REQUIRE(all.json["data"].size() == 3);
  const json failed = Get(s, "/_mock/sso/sign-ins?state=st-idp", kKey).json["data"].at(0);
  CHECK(failed["object"] == "sso_sign_in");
  CHECK(failed["status"] == "failed");
  CHECK(failed["error"] == "idp_initiated_sso_disabled");
  CHECK(failed["error_description"] == "IdP-initiated SSO is disabled for the connection.");
  CHECK(failed["source"] == "queued");
  CHECK(failed["connection_id"] == "conn_bar_entra");
  CHECK(failed["connection_type"] == "EntraIdOIDC");
  CHECK(failed["organization_id"] == "org_bar");
  CHECK(failed["code"].is_null());
  CHECK(failed["email"] == "dan@bar-inc.com");
  const json signed_in = Get(s, "/_mock/sso/sign-ins?state=st-ok", kKey).json["data"].at(0);
  CHECK(signed_in["status"] == "signed_in");
  CHECK(signed_in["code"] == code);
  CHECK(signed_in["code_exchanged"] == true);
  CHECK(signed_in["email"] == "bob@foo-corp.com");
  CHECK(signed_in["error"].is_null());
  CHECK(Get(s, "/_mock/sso/sign-ins?connection=conn_foo_okta", kKey).json["data"].size() == 2);
  CHECK(Get(s, "/_mock/sso/sign-ins", "sk_test_nope").status == 401);

  // The journal: where each redirect went (codes redacted) and the error it carried.
  Reply journal = Get(s, "/_mock/requests", kKey);
  REQUIRE(journal.status == 200);
  bool saw_error = false, saw_code = false;
  for (const auto& e : journal.json["data"]) {
    if (e["path"] != "/sso/authorize") continue;
    const std::string location = e["location"];
    if (e["error"] == "idp_initiated_sso_disabled") {
      saw_error = true;
      CHECK(location.find("connection_id=conn_bar_entra") != std::string::npos);
    }
    if (e["query"]["state"] == "st-ok") {
      saw_code = true;
      CHECK(e["error"].is_null());
      CHECK(location.find("code=[redacted]") != std::string::npos);
      CHECK(location.find(code) == std::string::npos);
    }
  }
  CHECK(saw_error);
  CHECK(saw_code);
  // Reset forgets the sign-ins and the queue.
  REQUIRE(Post(s, "/_mock/sso/outcomes", R"({"outcome":"oauth_failed"})", kKey).status == 201);
  CHECK(Post(s, "/_mock/reset", "{}", kKey).status == 200);
  CHECK(Get(s, "/_mock/sso/sign-ins", kKey).json["data"].empty());
  CHECK(Get(s, "/_mock/sso/outcomes", kKey).json["data"].empty());
}

TEST_CASE("sign-in outcomes: the interactive page offers Cancel, Deny access and Fail",
          "[http][sso][outcomes][idp]") {
  json cfg = json::parse(R"({"environments":[{"name":"i","api_keys":["sk_test_i"],
    "client_id":"client_i","redirect_uris":["http://localhost:3000/callback"],
    "interactive_idp":true,"organizations":[{"id":"org_1","name":"One","domains":["one.com"]}],
    "connections":[{"id":"conn_1","type":"OktaSAML","name":"One","organization":"org_1",
    "users":[{"email":"ann@one.com"},{"email":"bad@one.com","outcome":"server_error"}]},
    {"id":"conn_gh","type":"GitHubOAuth","name":"GitHub"}]}]})");
  TestServer s(workos_mock::ParseConfig(cfg.dump(), "test"));
  auto page = [&](const std::string& connection) {
    Reply p = Get(s, "/sso/authorize?response_type=code&client_id=client_i&redirect_uri=" +
                         Enc(kCallback) + "&state=pg&connection=" + connection);
    REQUIRE(p.status == 200);
    std::smatch m;
    REQUIRE(std::regex_search(p.body, m, std::regex("action=\"(/sso/idp/[A-Za-z0-9]+)\"")));
    return std::make_pair(std::string(m[1]), p.body);
  };
  auto form = [&](const std::string& action, const std::string& body) {
    return Post(s, action, body, "", "application/x-www-form-urlencoded");
  };
  auto [action, html] = page("conn_1");
  CHECK(html.find("name=\"action\" value=\"cancel\">Cancel</button>") != std::string::npos);
  CHECK(html.find("name=\"action\" value=\"deny\">Deny access</button>") != std::string::npos);
  CHECK(html.find("name=\"action\" value=\"fail\">Fail</button>") != std::string::npos);
  CHECK(html.find("<option value=\"server_error\" selected>") != std::string::npos);
  for (const char* o : {"access_denied", "idp_initiated_sso_disabled", "oauth_failed",
                        "profile_not_allowed_outside_organization", "signin_consent_denied"})
    CHECK(html.find(std::string("<option value=\"") + o + "\">") != std::string::npos);
  CHECK(html.find("bad@one.com (the IdP answers server_error)") != std::string::npos);

  Reply cancel = form(action, "action=cancel");
  REQUIRE(cancel.status == 302);
  CHECK(QueryParam(cancel.header("Location"), "error") == "signin_consent_denied");
  CHECK(QueryParam(cancel.header("Location"), "state") == "pg");
  CHECK(form(action, "action=cancel").status == 400);  // used up

  auto [gh_action, gh_html] = page("conn_gh");
  CHECK(gh_html.find("<option value=\"oauth_failed\" selected>") != std::string::npos);
  Reply fail = form(gh_action, "action=fail&outcome=oauth_failed");
  CHECK(QueryParam(fail.header("Location"), "error") == "oauth_failed");

  auto [a3, h3] = page("conn_1");
  Reply wrong = form(a3, "action=fail&outcome=teapot");
  CHECK(wrong.status == 400);
  CHECK(wrong.body.find("Choose what the identity provider does") != std::string::npos);
  Reply configured = form(a3, "email=bad%40one.com");  // the page still waits
  CHECK(QueryParam(configured.header("Location"), "error") == "server_error");
  auto [a4, h4] = page("conn_1");
  Reply outside = form(a4, "email=eve%40evil.com");
  CHECK(QueryParam(outside.header("Location"), "error") ==
        "profile_not_allowed_outside_organization");
  const json list = Get(s, "/_mock/sso/sign-ins", "sk_test_i").json["data"];
  REQUIRE(list.size() == 4);
  CHECK(list[0]["source"] == "domain_policy");
  CHECK(list[0]["email"] == "eve@evil.com");
  CHECK(list[3]["source"] == "idp_page");
}
