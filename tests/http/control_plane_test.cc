// The control plane over real HTTP: PUT /_mock/settings, environments that cannot see each
// other, reset to the seed, a session's lifecycle of visits, and visits with huge User-Agents
// kept bounded.
#include <catch2/catch.hpp>

#include <string>

#include "magic_link_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace magic_link_testing;
using nlohmann::json;

TEST_CASE("PUT /_mock/settings validates, changes only the keys sent, and is exported",
          "[http][settings]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"head_consumes_links", false}});
  CHECK(Get(s, "/_mock/settings", env.api_key).json["head_consumes_links"] == false);
  Reply bad = Put(s, "/_mock/settings", R"({"idempotent_replay": "yes"})", env.api_key);
  CHECK(bad.status == 422);
  CHECK(bad.json["errors"][0]["field"] == "idempotent_replay");
  CHECK(bad.json["errors"][0]["code"] == "must be true or false");
  Reply unknown = Put(s, "/_mock/settings", R"({"replay": true})", env.api_key);
  CHECK(unknown.status == 422);
  CHECK(unknown.json["errors"][0]["field"] == "replay");
  CHECK(Put(s, "/_mock/settings", "{}", "sk_test_nope").status == 401);
  Reply set = Put(s, "/_mock/settings", R"({"idempotent_replay": true})", env.api_key);
  REQUIRE(set.status == 200);
  CHECK(set.json ==
        json{{"object", "settings"}, {"idempotent_replay", true}, {"head_consumes_links", false}});
  // The runtime settings travel with the environment's state.
  Reply state = Get(s, "/_mock/state", env.api_key);
  CHECK(state.json["state"]["settings"] ==
        json{{"idempotent_replay", true}, {"head_consumes_links", false}});
  CHECK(state.json["environment"]["head_consumes_links"] == false);
  REQUIRE(Post(s, "/_mock/reset", "", env.api_key).status == 200);
  CHECK(Get(s, "/_mock/settings", env.api_key).json["idempotent_replay"] == false);
  REQUIRE(Put(s, "/_mock/state", state.body, env.api_key).status == 200);
  CHECK(Get(s, "/_mock/settings", env.api_key).json["idempotent_replay"] == true);
}

TEST_CASE("two environments cannot see each other's sessions, outbox, codes or clock",
          "[http][isolation]") {
  TestServer s;
  TestEnv a = NewEnvironment(s), b = NewEnvironment(s);
  REQUIRE(a.api_key != b.api_key);
  json session = CreateSession(s, a.api_key, {{"type", "MagicLink"}, {"email", "iso@example.com"}});
  const std::string id = session["id"];
  // b cannot send a's session, nor read a's outbox.
  CHECK(Post(s, "/passwordless/sessions/" + id + "/send", "{}", b.api_key).status == 422);
  REQUIRE(Post(s, "/passwordless/sessions/" + id + "/send", "{}", a.api_key).status == 201);
  CHECK(Get(s, "/_mock/outbox/latest?email=iso@example.com", b.api_key).status == 404);
  CHECK(Get(s, "/_mock/outbox/latest?email=iso@example.com", a.api_key).status == 200);
  CHECK(Get(s, "/_mock/passwordless/sessions/" + id, b.api_key).status == 404);
  // a's code cannot be exchanged with b's credentials.
  const std::string code = QueryParam(Click(s, session["link"]).header("Location"), "code");
  CHECK(Exchange(s, code, b.client_id, b.api_key).json["error"] == "invalid_grant");
  CHECK(Exchange(s, code, a.client_id, b.api_key).json["error"] == "invalid_client");
  CHECK(Exchange(s, code, a.client_id, a.api_key).status == 200);
  // Clocks are per environment.
  Advance(s, a.api_key, 3600);
  CHECK(Get(s, "/_mock/clock", a.api_key).json["offset_seconds"] == 3600);
  CHECK(Get(s, "/_mock/clock", b.api_key).json["offset_seconds"] == 0);
  // Deleting an environment revokes its key.
  CHECK(Delete(s, "/_mock/environments/" + b.name).status == 204);
  CHECK(Get(s, "/_mock/clock", b.api_key).status == 401);
}

TEST_CASE("reset returns an environment to its seed", "[http][control]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  json session = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "z@example.com"}});
  Advance(s, env.api_key, 60);
  CHECK(Post(s, "/_mock/reset", "", env.api_key).status == 200);
  CHECK(Get(s, "/_mock/clock", env.api_key).json["offset_seconds"] == 0);
  CHECK(Post(s, "/passwordless/sessions/" + session["id"].get<std::string>() + "/send", "{}",
             env.api_key)
            .status == 422);
}

TEST_CASE("session lifecycle shows every visit", "[http][control]") {
  TestServer s;
  json session = CreateSession(s, kKey, {{"type", "MagicLink"}, {"email", "l@example.com"}});
  const std::string id = session["id"];
  CHECK(Get(s, "/_mock/passwordless/sessions/" + id, kKey).json["state"] == "issued");
  Post(s, "/passwordless/sessions/" + id + "/send", "{}", kKey);
  CHECK(Get(s, "/_mock/passwordless/sessions/" + id, kKey).json["state"] == "sent");
  const std::string code = QueryParam(Click(s, session["link"]).header("Location"), "code");
  Click(s, session["link"]);
  Reply life = Get(s, "/_mock/passwordless/sessions/" + id, kKey);
  CHECK(life.json["state"] == "confirmed");
  REQUIRE(life.json["visits"].size() == 2);
  CHECK(life.json["visits"][0]["outcome"] == "redirected");
  CHECK(life.json["visits"][0]["error"].is_null());
  CHECK(life.json["visits"][1]["outcome"] == "used");
  CHECK(life.json["visits"][1]["error"] == "access_denied");
  CHECK(life.json["code_exchanged"] == false);
  Exchange(s, code, kClient, kKey);
  CHECK(Get(s, "/_mock/passwordless/sessions/" + id, kKey).json["code_exchanged"] == true);
}

TEST_CASE("a flood of visits with huge User-Agents stays bounded in the lifecycle and the export",
          "[visits][caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  Reply created = Post(s, "/passwordless/sessions",
                       R"({"type":"MagicLink","email":"flood@example.com"})", env.api_key);
  REQUIRE(created.status == 201);
  const std::string id = created.json["id"], path = PathOf(created.json["link"]);
  auto c = s.Client();
  const httplib::Headers ua = {{"User-Agent", std::string(8000, 'x')}};
  for (int i = 0; i < 300; ++i) {
    auto r = c->Get(path.c_str(), ua);
    REQUIRE(r);
    // The first visit yields a code; every later one error=access_denied (the link is used).
    REQUIRE(r->status == 302);
    const std::string location = r->get_header_value("Location");
    if (i == 0)
      REQUIRE_FALSE(QueryParam(location, "code").empty());
    else
      REQUIRE(QueryParam(location, "error") == "access_denied");
  }
  Reply life = Get(s, "/_mock/passwordless/sessions/" + id, env.api_key);
  REQUIRE(life.status == 200);
  CHECK(life.json["visits"].size() == 20);
  CHECK(life.json["visits_omitted"] == 280);
  CHECK(life.json["visits"][0]["outcome"] == "redirected");
  CHECK(life.json["state"] == "confirmed");
  CHECK(life.body.size() < 20 * 1024);
  // The export carries the count and loads back.
  Reply state = Get(s, "/_mock/state", env.api_key);
  CHECK(state.json["state"]["sessions"][0]["visits_omitted"] == 280);
  CHECK(Put(s, "/_mock/state", state.body, env.api_key).status == 200);
  CHECK(Get(s, "/_mock/passwordless/sessions/" + id, env.api_key).json["visits_omitted"] == 280);
}
