// The directory over real HTTP: connections (list, filters, pagination, get, delete; MagicLink
// connections and their links) and organizations (list, domains filter, get).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "sso_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace sso_testing;
using nlohmann::json;

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
