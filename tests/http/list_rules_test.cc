// Rules over HTTP that the flow tests do not reach: a redirect-URI list has no duplicates and
// exactly one default (PUT /_mock/redirect_uris, POST /_mock/environments), and a session for a
// connection that is not active is refused.
#include <catch2/catch.hpp>

#include <string>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const std::string kA = "http://localhost:3000/callback";
const std::string kB = "https://app.example.com/cb";

// The 422 a refused list gets, as {field, code} of its only error.
json OnlyError(const Reply& r) {
  INFO(r.body);
  CHECK(r.status == 422);
  CHECK(r.json["message"] == "Validation failed");
  REQUIRE(r.json["errors"].is_array());
  REQUIRE(r.json["errors"].size() == 1);
  return r.json["errors"][0];
}

json RedirectUris(const TestServer& s, const std::string& key) {
  Reply r = Get(s, "/_mock/environment", key);
  REQUIRE(r.status == 200);
  return r.json["redirect_uris"];
}

}  // namespace

TEST_CASE("PUT /_mock/redirect_uris: no duplicates, exactly one default; a refusal changes nothing",
          "[http][redirect_uri][validation]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  auto put = [&](const json& list) {
    return Put(s, "/_mock/redirect_uris", json{{"redirect_uris", list}}.dump(), env.api_key);
  };
  REQUIRE(put(json::array({{{"uri", kA}, {"default", true}}, kB})).status == 200);
  const json before = RedirectUris(s, env.api_key);
  REQUIRE(before.size() == 2);

  json dup = OnlyError(put(json::array({{{"uri", kA}, {"default", true}}, kB, kA})));
  CHECK(dup["field"] == "redirect_uris[2]");
  CHECK(dup["code"] == "duplicate: '" + kA + "' is already in the list");

  json two = OnlyError(
      put(json::array({{{"uri", kA}, {"default", true}}, {{"uri", kB}, {"default", true}}})));
  CHECK(two["field"] == "redirect_uris");
  CHECK(two["code"] == "exactly one redirect URI must be the default (found 2)");
  CHECK(RedirectUris(s, env.api_key) == before);

  // None marked: the first becomes the default, and a session without redirect_uri goes there.
  Reply unmarked = put(json::array({kB, kA}));
  REQUIRE(unmarked.status == 200);
  CHECK(unmarked.json["redirect_uris"] ==
        json::array({{{"uri", kB}, {"default", true}}, {{"uri", kA}, {"default", false}}}));
  Reply session = Post(s, "/passwordless/sessions",
                       json{{"type", "MagicLink"}, {"email", "d@example.com"}}.dump(), env.api_key);
  REQUIRE(session.status == 201);
  Reply visit = Get(s, PathOf(session.json["link"]));
  REQUIRE(visit.status == 302);
  CHECK(visit.header("Location").rfind(kB + "?code=", 0) == 0);

  // A `*` in the path is a literal character, not a wildcard: such a URI can be the default.
  const std::string star_path = "http://localhost:3000/*/callback";
  Reply literal = put(json::array({star_path}));
  INFO(literal.body);
  REQUIRE(literal.status == 200);
  CHECK(literal.json["redirect_uris"] == json::array({{{"uri", star_path}, {"default", true}}}));
}

TEST_CASE("POST /_mock/environments refuses a redirect-URI list with a duplicate or two defaults",
          "[http][redirect_uri][validation]") {
  TestServer s;
  json dup =
      OnlyError(Post(s, "/_mock/environments",
                     json{{"name", "dup"}, {"redirect_uris", json::array({kA, kB, kB})}}.dump()));
  CHECK(dup["field"] == "redirect_uris[2]");
  CHECK(dup["code"] == "duplicate: '" + kB + "' is already in the list");
  json two = OnlyError(Post(s, "/_mock/environments",
                            json{{"name", "two"},
                                 {"redirect_uris", json::array({{{"uri", kA}, {"default", true}},
                                                                {{"uri", kB}, {"default", true}}})}}
                                .dump()));
  CHECK(two["field"] == "redirect_uris");
  CHECK(two["code"] == "exactly one redirect URI must be the default (found 2)");
  // Neither was created.
  CHECK(Delete(s, "/_mock/environments/dup").status == 404);
  CHECK(Delete(s, "/_mock/environments/two").status == 404);
}

TEST_CASE("a passwordless session for a connection that is not active is refused with 422",
          "[http][passwordless][validation]") {
  TestServer s;
  TestEnv env =
      NewEnvironment(s, {{"connections",
                          {{{"id", "conn_on"}, {"type", "MagicLink"}},
                           {{"id", "conn_off"}, {"type", "MagicLink"}, {"state", "inactive"}},
                           {{"id", "conn_draft"}, {"type", "MagicLink"}, {"state", "draft"}}}}});
  auto create = [&](const std::string& connection) {
    return Post(
        s, "/passwordless/sessions",
        json{{"type", "MagicLink"}, {"email", "c@example.com"}, {"connection", connection}}.dump(),
        env.api_key);
  };
  for (const std::string id : {"conn_off", "conn_draft"}) {
    INFO(id);
    json e = OnlyError(create(id));
    CHECK(e["field"] == "connection");
    CHECK(e["code"] == "connection '" + id + "' is not active");
  }
  // The active one works, and the profile comes from it.
  Reply ok = create("conn_on");
  REQUIRE(ok.status == 201);
  Reply visit = Get(s, PathOf(ok.json["link"]));
  const std::string code = QueryParam(visit.header("Location"), "code");
  REQUIRE(code.size() == 26);
  Reply token = Post(s, "/sso/token",
                     "client_id=" + env.client_id + "&client_secret=" + env.api_key +
                         "&grant_type=authorization_code&code=" + code,
                     "", "application/x-www-form-urlencoded");
  REQUIRE(token.status == 200);
  CHECK(token.json["profile"]["connection_id"] == "conn_on");
}
