// The magic-link flow over real HTTP: create -> send -> outbox -> click -> token -> profile, and
// every way it must fail the way the live API fails.
#include <catch2/catch.hpp>

#include <atomic>
#include <regex>
#include <thread>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const std::string kKey = "sk_test_workos_mock";
const std::string kClient = "client_workos_mock";

json CreateSession(const TestServer& s, const std::string& key, json body, int want = 201) {
  Reply r = Post(s, "/passwordless/sessions", body.dump(), key);
  INFO(r.body);
  REQUIRE(r.status == want);
  return r.json;
}

Reply Click(const TestServer& s, const std::string& link) { return Get(s, PathOf(link)); }

Reply Exchange(const TestServer& s, const std::string& code, const std::string& client_id,
               const std::string& secret) {
  return Post(s, "/sso/token",
              "client_id=" + client_id + "&client_secret=" + secret +
                  "&grant_type=authorization_code&code=" + code,
              "", "application/x-www-form-urlencoded;charset=utf-8");
}

void Advance(const TestServer& s, const std::string& key, int64_t seconds) {
  Reply r = Post(s, "/_mock/clock/advance", json{{"seconds", seconds}}.dump(), key);
  REQUIRE(r.status == 200);
}

}  // namespace

TEST_CASE("the whole magic-link flow, as an app and its user see it", "[http][flow]") {
  TestServer s;
  json session = CreateSession(
      s, kKey, {{"type", "MagicLink"}, {"email", "ann@example.com"}, {"state", "st-ate_1"}});
  CHECK(session["object"] == "passwordless_session");
  CHECK(std::regex_match(session["id"].get<std::string>(),
                         std::regex("passwordless_session_[0-9A-HJKMNP-TV-Z]{26}")));
  CHECK(session["email"] == "ann@example.com");
  CHECK(std::regex_match(
      session["link"].get<std::string>(),
      std::regex("http://127\\.0\\.0\\.1:[0-9]+/passwordless/[A-Za-z0-9]{25}/confirm")));
  CHECK(std::regex_match(session["expires_at"].get<std::string>(),
                         std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z")));

  Reply sent =
      Post(s, "/passwordless/sessions/" + session["id"].get<std::string>() + "/send", "{}", kKey);
  CHECK(sent.status == 201);
  CHECK(sent.json == json{{"success", true}});
  CHECK(sent.header("Content-Type") == "application/json; charset=utf-8");
  CHECK(sent.header("X-Request-ID").size() == 36);

  Reply mail = Get(s, "/_mock/outbox/latest?email=ann@example.com", kKey);
  REQUIRE(mail.status == 200);
  CHECK(mail.json["to"] == "ann@example.com");
  CHECK(mail.json["link"] == session["link"]);
  CHECK(mail.json["session_id"] == session["id"]);
  CHECK(mail.json["html"].get<std::string>().find(session["link"].get<std::string>()) !=
        std::string::npos);

  Reply click = Click(s, mail.json["link"]);
  REQUIRE(click.status == 302);
  const std::string location = click.header("Location");
  CHECK(location.rfind("http://localhost:3000/callback?code=", 0) == 0);
  // (httplib's client percent-decodes Location; encoding of odd states is a unit test.)
  CHECK(QueryParam(location, "state") == "st-ate_1");
  const std::string code = QueryParam(location, "code");
  CHECK(code.size() == 26);

  Reply token = Exchange(s, code, kClient, kKey);
  REQUIRE(token.status == 200);
  CHECK(token.json["token_type"] == "Bearer");
  CHECK(token.json["expires_in"] == 600);
  const json profile = token.json["profile"];
  CHECK(profile["object"] == "profile");
  CHECK(profile["email"] == "ann@example.com");
  CHECK(profile["connection_type"] == "MagicLink");
  CHECK(profile["organization_id"].is_null());
  CHECK(profile["id"].get<std::string>().rfind("prof_", 0) == 0);
  CHECK(profile["connection_id"].get<std::string>().rfind("conn_", 0) == 0);
  for (const char* key : {"idp_id", "first_name", "last_name", "name", "raw_attributes"})
    CHECK(profile.contains(key));

  Reply me = Get(s, "/sso/profile", token.json["access_token"]);
  REQUIRE(me.status == 200);
  CHECK(me.json == profile);
}

TEST_CASE("a link is single use: a second click goes back to the app with access_denied",
          "[http][single-use]") {
  TestServer s;
  json session = CreateSession(
      s, kKey, {{"type", "MagicLink"}, {"email", "bo@example.com"}, {"state", "st-8"}});
  REQUIRE(Click(s, session["link"]).status == 302);
  Reply again = Click(s, session["link"]);
  CHECK(again.status == 302);
  const std::string location = again.header("Location");
  CHECK(location.rfind("http://localhost:3000/callback?error=access_denied&", 0) == 0);
  CHECK(QueryParam(location, "error_description") ==
        "The Magic Link has already been used. Request a new one to sign in.");
  CHECK(QueryParam(location, "state") == "st-8");
  CHECK(QueryParam(location, "code").empty());
  CHECK(again.header("Cache-Control") == "no-store");
  // An unknown token has no session to send the browser back to: the HTML page.
  Reply unknown = Get(s, "/passwordless/AAAAAAAAAAAAAAAAAAAAAAAAA/confirm");
  CHECK(unknown.status == 400);
  CHECK(unknown.header("Location").empty());
  CHECK(unknown.header("Content-Type").rfind("text/html", 0) == 0);
  CHECK(unknown.body.find("invalid") != std::string::npos);
}

TEST_CASE("HEAD on a link consumes it like live; a HEAD-safe environment leaves it usable",
          "[http][single-use][settings]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  json consumed =
      CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "cy@example.com"}});
  auto head = s.Client()->Head(PathOf(consumed["link"]).c_str());
  REQUIRE(head);
  CHECK(head->status == 302);
  CHECK(QueryParam(head->get_header_value("Location"), "code").size() == 26);
  CHECK(QueryParam(Click(s, consumed["link"]).header("Location"), "error") == "access_denied");

  Reply safe = Put(s, "/_mock/settings", R"({"head_consumes_links": false})", env.api_key);
  REQUIRE(safe.status == 200);
  CHECK(safe.json["head_consumes_links"] == false);
  json kept = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "cy@example.com"}});
  auto checked = s.Client()->Head(PathOf(kept["link"]).c_str());
  REQUIRE(checked);
  CHECK(checked->status == 200);
  CHECK(checked->get_header_value("Location").empty());
  Reply click = Click(s, kept["link"]);
  CHECK(click.status == 302);
  CHECK(QueryParam(click.header("Location"), "code").size() == 26);
}

TEST_CASE("link lifetime: valid at 14:59, expired at 15:01; expires_in changes it",
          "[http][expiry]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  json a = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "a@example.com"}});
  json b = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "b@example.com"}});
  json c = CreateSession(s, env.api_key,
                         {{"type", "MagicLink"}, {"email", "c@example.com"}, {"expires_in", 3600}});
  Advance(s, env.api_key, 14 * 60 + 59);
  CHECK(Click(s, a["link"]).status == 302);
  Advance(s, env.api_key, 2);  // 15:01
  Reply late = Click(s, b["link"]);
  CHECK(late.status == 302);
  CHECK(QueryParam(late.header("Location"), "error") == "access_denied");
  CHECK(QueryParam(late.header("Location"), "error_description") ==
        "The Magic Link has expired. Request a new one to sign in.");
  Reply send_late =
      Post(s, "/passwordless/sessions/" + b["id"].get<std::string>() + "/send", "{}", env.api_key);
  CHECK(send_late.status == 422);
  CHECK(Click(s, c["link"]).status == 302);  // 3600 s link still alive
}

TEST_CASE("a code lives 10 minutes and is single use; a failed exchange does not burn it",
          "[http][codes]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  auto fresh_code = [&](const std::string& email) {
    json session = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", email}});
    return QueryParam(Click(s, session["link"]).header("Location"), "code");
  };
  std::string code = fresh_code("d@example.com");

  Reply wrong_secret = Exchange(s, code, env.client_id, "sk_test_not_the_key");
  CHECK(wrong_secret.status == 400);
  CHECK(wrong_secret.json ==
        json{{"error", "invalid_client"}, {"error_description", "Invalid client ID or secret."}});
  Reply wrong_client = Exchange(s, code, "client_nope", env.api_key);
  CHECK(wrong_client.json["error"] == "invalid_client");
  Reply bad_grant = Post(s, "/sso/token",
                         "client_id=" + env.client_id + "&client_secret=" + env.api_key +
                             "&grant_type=password&code=" + code,
                         "", "application/x-www-form-urlencoded");
  CHECK(bad_grant.status == 400);
  CHECK(bad_grant.json == json{{"error", "unsupported_grant_type"},
                               {"error_description", "The grant type is not supported."}});

  // JSON bodies work too (older SDKs), and the code survived the failures above.
  Reply ok = Post(s, "/sso/token",
                  json{{"client_id", env.client_id},
                       {"client_secret", env.api_key},
                       {"grant_type", "authorization_code"},
                       {"code", code}}
                      .dump(),
                  "");
  CHECK(ok.status == 200);
  Reply reuse = Exchange(s, code, env.client_id, env.api_key);
  CHECK(reuse.status == 400);
  CHECK(reuse.json ==
        json{{"error", "invalid_grant"},
             {"error_description", "The code '" + code + "' has expired or is invalid."}});

  std::string slow = fresh_code("e@example.com");
  Advance(s, env.api_key, 10 * 60 + 1);
  CHECK(Exchange(s, slow, env.client_id, env.api_key).json["error"] == "invalid_grant");
  std::string quick = fresh_code("f@example.com");
  Advance(s, env.api_key, 9 * 60 + 59);
  CHECK(Exchange(s, quick, env.client_id, env.api_key).status == 200);
}

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

TEST_CASE("32 concurrent clicks on one link yield exactly one code", "[http][race]") {
  TestServer s;
  json session = CreateSession(s, kKey, {{"type", "MagicLink"}, {"email", "race@example.com"}});
  std::atomic<int> redirects{0}, used{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 32; ++i) {
    threads.emplace_back([&] {
      Reply r = Click(s, session["link"]);
      const std::string location = r.header("Location");
      if (r.status == 302 && !QueryParam(location, "code").empty())
        ++redirects;
      else if (r.status == 302 && QueryParam(location, "error") == "access_denied")
        ++used;
      else
        ++other;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(redirects == 1);
  CHECK(used == 31);
  CHECK(other == 0);
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

TEST_CASE("outbox latest long-polls until an email arrives", "[http][control][concurrency]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  json session = CreateSession(s, env.api_key, {{"type", "MagicLink"}, {"email", "w@example.com"}});
  CHECK(Get(s, "/_mock/outbox/latest?email=w@example.com", env.api_key).status == 404);
  std::thread sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Post(s, "/passwordless/sessions/" + session["id"].get<std::string>() + "/send", "{}",
         env.api_key);
  });
  Reply waited = Get(s, "/_mock/outbox/latest?email=w@example.com&wait=5", env.api_key);
  sender.join();
  CHECK(waited.status == 200);
  CHECK(waited.json["session_id"] == session["id"]);
  CHECK(Get(s, "/_mock/outbox/latest?email=w@example.com&wait=abc", env.api_key).status == 422);
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

TEST_CASE("unknown routes are JSON 404s; every reply has an X-Request-ID", "[http]") {
  TestServer s;
  Reply r = Get(s, "/no/such/route");
  CHECK(r.status == 404);
  CHECK(r.json == json{{"message", "Not Found"}});
  CHECK(r.header("X-Request-ID").size() == 36);
  Reply h = Get(s, "/health");
  CHECK(h.json == json{{"status", "ok"}});
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
