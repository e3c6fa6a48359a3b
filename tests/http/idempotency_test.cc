// Idempotency-Key over real HTTP: ignored by default, like live; replayed when the environment's
// setting is on, and never a 429 or 5xx.
#include <catch2/catch.hpp>

#include <string>

#include "magic_link_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace magic_link_testing;
using nlohmann::json;

TEST_CASE("Idempotency-Key: ignored by default, like live; replayed when the setting is on",
          "[http][idempotency][settings]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  const std::string body = json{{"type", "MagicLink"}, {"email", "i@example.com"}}.dump();
  httplib::Headers key{{"Idempotency-Key", "retry-0f8f9a2c"}};
  auto create = [&](const httplib::Headers& h) {
    return Post(s, "/passwordless/sessions", body, env.api_key, "application/json", h);
  };
  // Default: the retry runs again and makes a second session.
  Reply a = create(key), b = create(key);
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  CHECK(b.json["id"] != a.json["id"]);
  CHECK(b.header("Idempotent-Replayed").empty());
  CHECK(Get(s, "/_mock/settings", env.api_key).json ==
        json{{"object", "settings"}, {"idempotent_replay", false}, {"head_consumes_links", true}});

  REQUIRE(Put(s, "/_mock/settings", R"({"idempotent_replay": true})", env.api_key).status == 200);
  Reply first = create(key);
  Reply second = create(key);
  REQUIRE(first.status == 201);
  CHECK(second.status == 201);
  CHECK(second.json == first.json);
  CHECK(second.header("Idempotent-Replayed") == "true");
  CHECK(second.header("Content-Type") == "application/json; charset=utf-8");
  Reply third = create({{"Idempotency-Key", "retry-other"}});
  CHECK(third.json["id"] != first.json["id"]);
  // The same key on another path is another operation.
  Reply send = Post(s, "/passwordless/sessions/" + first.json["id"].get<std::string>() + "/send",
                    "{}", env.api_key, "application/json", key);
  CHECK(send.status == 201);
  CHECK(send.json == json{{"success", true}});
  // Reset restores the config's setting (off) and forgets the stored answers.
  REQUIRE(Post(s, "/_mock/reset", "", env.api_key).status == 200);
  CHECK(Get(s, "/_mock/settings", env.api_key).json["idempotent_replay"] == false);
}

TEST_CASE("Idempotency-Key: a 429 (or 5xx) is not replayed; the retry runs once room is made",
          "[http][idempotency]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"max_stored", 100}, {"idempotent_replay", true}});
  auto create = [&](const std::string& email, const std::string& key) {
    return Post(s, "/passwordless/sessions", json{{"type", "MagicLink"}, {"email", email}}.dump(),
                env.api_key, "application/json", {{"Idempotency-Key", key}});
  };
  for (int i = 0; i < 100; ++i)
    REQUIRE(create("u" + std::to_string(i) + "@example.com", "fill-" + std::to_string(i)).status ==
            201);
  Reply full = create("late@example.com", "retry-late");
  REQUIRE(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  Reply again = create("late@example.com", "retry-late");
  CHECK(again.status == 429);
  CHECK(again.header("Idempotent-Replayed").empty());  // run again, not a replay
  // Room is made (the sessions expire and are swept): the same key now creates the session.
  Advance(s, env.api_key, 900 + 3600 + 1);
  Reply made = create("late@example.com", "retry-late");
  CHECK(made.status == 201);
  CHECK(made.header("Idempotent-Replayed").empty());
  Reply replayed = create("late@example.com", "retry-late");
  CHECK(replayed.header("Idempotent-Replayed") == "true");
  CHECK(replayed.json == made.json);

  // An injected 503 answers before the handler and is not stored either.
  Reply fault =
      Post(s, "/_mock/faults", R"({"method":"POST","path":"/passwordless/sessions","status":503})",
           env.api_key);
  REQUIRE(fault.status == 201);
  CHECK(create("f@example.com", "retry-fault").status == 503);
  Reply after = create("f@example.com", "retry-fault");
  CHECK(after.status == 201);
  CHECK(after.header("Idempotent-Replayed").empty());
}
