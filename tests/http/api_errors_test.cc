// Errors answered the way the live API answers them, over real HTTP: a missing or wrong API key
// (401), validation errors (422), malformed JSON (400), sending an unknown, used or expired
// session (422), and unknown routes (JSON 404s, every reply with an X-Request-ID).
#include <catch2/catch.hpp>

#include <string>

#include "magic_link_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace magic_link_testing;
using nlohmann::json;

TEST_CASE("authentication: a missing or wrong API key is 401 {\"message\":\"Unauthorized\"}",
          "[http][auth]") {
  TestServer s;
  const std::string body = json{{"type", "MagicLink"}, {"email", "a@example.com"}}.dump();
  for (const std::string& key :
       {std::string(), std::string("sk_test_wrong"), std::string("garbage")}) {
    Reply r = Post(s, "/passwordless/sessions", body, key);
    CHECK(r.status == 401);
    CHECK(r.json == json{{"message", "Unauthorized"}});
  }
  CHECK(Post(s, "/passwordless/sessions/passwordless_session_X/send", "{}", "").status == 401);
  Reply profile = Get(s, "/sso/profile", "not-a-token");
  CHECK(profile.status == 401);
  CHECK(Get(s, "/_mock/clock").status == 401);
}

TEST_CASE("validation errors carry the live API's 422 body", "[http][validation]") {
  TestServer s;
  struct Case {
    json body;
    std::string field;
    std::string code;
  };
  std::vector<Case> cases = {
      {{{"type", "MagicLink"}}, "email", "email must be a string"},
      {{{"type", "MagicLink"}, {"email", 42}}, "email", "email must be a string"},
      {{{"type", "MagicLink"}, {"email", "not-an-email"}}, "email", "email must be an email"},
      {{{"email", "a@example.com"}},
       "type",
       "type must be a valid enum value (the only one is 'MagicLink')"},
      {{{"email", "a@example.com"}, {"type", "SMS"}},
       "type",
       "type must be a valid enum value (the only one is 'MagicLink')"},
      {{{"email", "a@example.com"}, {"type", "MagicLink"}, {"expires_in", 60}},
       "expires_in",
       "expires_in must be a whole number of seconds between 900 and 86400"},
      {{{"email", "a@example.com"}, {"type", "MagicLink"}, {"expires_in", "900"}},
       "expires_in",
       "expires_in must be a whole number of seconds"},
      {{{"email", "a@example.com"}, {"type", "MagicLink"}, {"state", 5}},
       "state",
       "state must be a string"},
      {{{"email", "a@example.com"}, {"type", "MagicLink"}, {"connection", "conn_nope"}},
       "connection",
       "connection 'conn_nope' does not exist in this environment"},
  };
  for (const auto& c : cases) {
    Reply r = Post(s, "/passwordless/sessions", c.body.dump(), kKey);
    INFO(c.body.dump() << " -> " << r.body);
    CHECK(r.status == 422);
    CHECK(r.json["message"] == "Validation failed");
    REQUIRE(r.json["errors"].size() >= 1);
    CHECK(r.json["errors"][0]["field"] == c.field);
    CHECK(r.json["errors"][0]["code"] == c.code);
  }
  // Redirect URIs must be on the allow-list, exactly.
  for (const std::string uri :
       {"http://localhost:3000/callback/", "http://localhost:3001/callback",
        "https://evil.example.com/callback", "http://localhost:3000/callback?x=1"}) {
    Reply r =
        Post(s, "/passwordless/sessions",
             json{{"type", "MagicLink"}, {"email", "a@example.com"}, {"redirect_uri", uri}}.dump(),
             kKey);
    INFO(uri);
    CHECK(r.status == 422);
    CHECK(r.json["errors"][0]["field"] == "redirect_uri");
  }
  // Empty strings and 0 mean absent (older Go SDKs send every field).
  CreateSession(s, kKey,
                {{"type", "MagicLink"},
                 {"email", "a@example.com"},
                 {"redirect_uri", ""},
                 {"state", ""},
                 {"connection", ""},
                 {"expires_in", 0}});
}

TEST_CASE("malformed JSON is a 400 that says what is wrong", "[http][validation]") {
  TestServer s;
  for (const std::string body : {"{bad", "[1,2]", "\"str\"", "{\"email\":"}) {
    Reply r = Post(s, "/passwordless/sessions", body, kKey);
    INFO(body << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(r.json["code"] == "invalid_request_parameters");
    CHECK(r.json["message"].get<std::string>().find("JSON") != std::string::npos);
  }
}

TEST_CASE("sending an unknown, used or expired session is 422 with the live message",
          "[http][send]") {
  TestServer s;
  auto send = [&](const std::string& id) {
    return Post(s, "/passwordless/sessions/" + id + "/send", "{}", kKey);
  };
  Reply unknown = send("session_123");
  CHECK(unknown.status == 422);
  CHECK(unknown.json ==
        json{{"message", "The passwordless session 'session_123' has expired or is invalid."}});

  json used = CreateSession(s, kKey, {{"type", "MagicLink"}, {"email", "u@example.com"}});
  REQUIRE(Click(s, used["link"]).status == 302);
  CHECK(send(used["id"]).json["message"] == "The passwordless session '" +
                                                used["id"].get<std::string>() +
                                                "' has expired or is invalid.");
  // Resending an unused session is allowed and emails the same link again.
  json again = CreateSession(s, kKey, {{"type", "MagicLink"}, {"email", "r@example.com"}});
  CHECK(send(again["id"]).status == 201);
  CHECK(send(again["id"]).status == 201);
  Reply outbox = Get(s, "/_mock/outbox?email=r@example.com", kKey);
  CHECK(outbox.json["data"].size() == 2);
}

TEST_CASE("unknown routes are JSON 404s; every reply has an X-Request-ID", "[http]") {
  TestServer s;
  Reply r = Get(s, "/no/such/route");
  CHECK(r.status == 404);
  CHECK(r.json == json{{"message", "Not Found"}});
  CHECK(r.header("X-Request-ID").size() == 36);
  Reply h = Get(s, "/health");
  CHECK(h.json == json{{"status", "ok"}});
}
