// The magic-link flow over real HTTP: create -> send -> outbox -> click -> token -> profile; a
// link and a code are single use and expire; 32 concurrent clicks yield one code; the outbox
// long-polls. How it must fail the way the live API fails: api_errors_test.cc.
#include <catch2/catch.hpp>

#include <atomic>
#include <regex>
#include <thread>

#include "magic_link_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using namespace magic_link_testing;
using nlohmann::json;

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
  // Out of 0..60, out of a double's range, or not a number at all: refused, never waited on.
  for (const char* bad : {"61", "-1", "1e999", "1e-400", "nan", ""})
    CHECK(Get(s, std::string("/_mock/outbox/latest?email=w@example.com&wait=") + bad, env.api_key)
              .status == 422);
  // A leading number is read as std::stod reads it (as before): '0.1s' waits 0.1 s.
  CHECK(Get(s, "/_mock/outbox/latest?email=w@example.com&wait=0.1s", env.api_key).status == 200);
}
