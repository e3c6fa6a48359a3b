// GET/PUT /_mock/state: export, import, validation, and a fixture from one environment seeding
// another. --state-file: state_file_test.cc.
#include <catch2/catch.hpp>

#include <string>

#include "config/state.h"
#include "state_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const char* kKey = "sk_test_workos_mock";

}  // namespace

TEST_CASE("GET /_mock/state exports the environment; PUT brings it back after a reset", "[state]") {
  TestServer s;
  std::string id;
  const std::string link = CreateSession(s, kKey, "ann@example.com", &id);
  Reply sent = Post(s, "/passwordless/sessions/" + id + "/send", "{}", kKey);
  REQUIRE(sent.status == 201);
  Reply adv = Post(s, "/_mock/clock/advance", R"({"seconds": 60})", kKey);
  REQUIRE(adv.status == 200);

  Reply state = Get(s, "/_mock/state", kKey);
  REQUIRE(state.status == 200);
  CHECK(state.json["object"] == "mock_state");
  CHECK(state.json["version"] == 1);
  CHECK(state.json["environment"]["name"] == "default");
  CHECK(state.json["environment"]["api_keys"][0] == kKey);
  CHECK(state.json["state"]["clock_offset_ms"] == 60000);
  REQUIRE(state.json["state"]["sessions"].size() == 1);
  CHECK(state.json["state"]["sessions"][0]["id"] == id);
  CHECK(state.json["state"]["outbox"].size() == 1);
  CHECK(state.json["state"]["connections"].size() == 1);  // the auto-created MagicLink one

  // The environment config part is the config-file format: ParseConfig reads it back as the
  // same environment.
  workos_mock::ServerConfig reread;
  REQUIRE_NOTHROW(
      reread = workos_mock::ParseConfig(
          json({{"environments", json::array({state.json["environment"]})}}).dump(), "export"));
  REQUIRE(reread.environments.size() == 1);
  const auto& seed = reread.environments[0];
  CHECK(seed.name == "default");
  CHECK(seed.api_keys == std::vector<std::string>{kKey});
  CHECK(seed.client_id == "client_workos_mock");
  REQUIRE(seed.redirect_uris.size() == 1);
  CHECK(seed.redirect_uris[0].uri == "http://localhost:3000/callback");
  CHECK(seed.redirect_uris[0].is_default);

  REQUIRE(Post(s, "/_mock/reset", "", kKey).status == 200);
  CHECK(Get(s, "/_mock/state", kKey).json["state"]["sessions"].empty());
  Reply put = Put(s, "/_mock/state", state.body, kKey);
  REQUIRE(put.status == 200);
  CHECK(put.json["state"] == state.json["state"]);

  // The restored link works once, then the code exchanges once.
  Reply visit = Get(s, PathOf(link));
  REQUIRE(visit.status == 302);
  const std::string code = QueryParam(visit.header("Location"), "code");
  CHECK(QueryParam(visit.header("Location"), "state") == "st");
  auto token = [&] {
    return Post(s, "/sso/token",
                "client_id=client_workos_mock&client_secret=sk_test_workos_mock&grant_type="
                "authorization_code&code=" +
                    code,
                "", "application/x-www-form-urlencoded");
  };
  CHECK(token().status == 200);
  CHECK(token().status == 400);
  CHECK(QueryParam(Get(s, PathOf(link)).header("Location"), "error") == "access_denied");
  // The lifecycle endpoint sees the restored visits and send.
  Reply life = Get(s, "/_mock/passwordless/sessions/" + id, kKey);
  CHECK(life.json["state"] == "confirmed");
  CHECK(life.json["sends"] == 1);
}

TEST_CASE("PUT /_mock/state refuses bad input with 422 field errors and changes nothing",
          "[state]") {
  TestServer s;
  std::string id;
  CreateSession(s, kKey, "bob@example.com", &id);
  const json good = Get(s, "/_mock/state", kKey).json;

  struct Case {
    const char* what;
    json body;
    const char* field;
  };
  json dup = good;
  dup["state"]["sessions"].push_back(dup["state"]["sessions"][0]);
  json bad_type = good;
  bad_type["state"]["sessions"][0]["token"] = 42;
  json bad_uri = good;
  bad_uri["state"]["redirect_uris"] = json::array({{{"uri", "http://x/?q=1"}, {"default", true}}});
  json bad_scanner = good;
  bad_scanner["state"]["scanner"]["mode"] = "sometimes";
  json unknown = good;
  unknown["state"]["sesions"] = json::array();
  json neg_clock = good;
  neg_clock["state"]["clock_offset_ms"] = -5;
  json bad_env = good;
  bad_env["environment"]["kind"] = "prod";
  json orphan_code = good;
  orphan_code["state"]["codes"] = json::array({{{"code", "C1"},
                                                {"profile_id", "prof_nope"},
                                                {"connection_id", "conn_x"},
                                                {"expires_ms", 1}}});
  json unknown_in_session = good;
  unknown_in_session["state"]["sessions"][0]["expires_at_ms"] = 1;
  json unknown_in_scanner = good;
  unknown_in_scanner["state"]["scanner"]["colour"] = "red";
  json other_object = good;
  other_object["object"] = "mock_state_file";
  json unknown_top = good;
  unknown_top["stat"] = good["state"];
  const std::vector<Case> cases = {
      {"duplicate session", dup, "state.sessions[1].id"},
      {"wrong type", bad_type, "state.sessions[0].token"},
      {"redirect URI with a query", bad_uri, "state.redirect_uris[0]"},
      {"bad scanner mode", bad_scanner, "state.scanner.mode"},
      {"unknown key", unknown, "state.sesions"},
      {"negative clock", neg_clock, "state.clock_offset_ms"},
      {"bad environment part", bad_env, "environment.kind"},
      {"code of a missing profile", orphan_code, "state.codes[0].profile_id"},
      {"no state", json({{"version", 1}}), "state"},
      {"wrong version", json({{"version", 2}, {"state", good["state"]}}), "version"},
      {"unknown key in a session", unknown_in_session, "state.sessions[0].expires_at_ms"},
      {"unknown key in the scanner", unknown_in_scanner, "state.scanner.colour"},
      {"another kind of document", other_object, "object"},
      {"unknown top-level key", unknown_top, "stat"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Reply r = Put(s, "/_mock/state", c.body.dump(), kKey);
    CHECK(r.status == 422);
    REQUIRE(r.json["errors"].is_array());
    REQUIRE(!r.json["errors"].empty());
    CHECK(r.json["errors"][0]["field"] == c.field);
  }
  CHECK(Put(s, "/_mock/state", "[1,2]", kKey).status == 400);
  CHECK(Put(s, "/_mock/state", "{", kKey).status == 400);
  CHECK(Put(s, "/_mock/state", good.dump(), "sk_test_wrong").status == 401);
  // Nothing changed.
  CHECK(Get(s, "/_mock/state", kKey).json == good);
}

TEST_CASE("state imports across environments: a fixture from one seeds another", "[state]") {
  TestServer s;
  TestEnv a = NewEnvironment(s), b = NewEnvironment(s);
  std::string id;
  const std::string link = CreateSession(s, a.api_key, "cat@example.com", &id);
  json state = Get(s, "/_mock/state", a.api_key).json;
  REQUIRE(Put(s, "/_mock/state", state.dump(), b.api_key).status == 200);
  // The session now belongs to b as well: b's lifecycle shows it.
  auto lifecycle = [&](const TestEnv& env) {
    Reply r = Get(s, "/_mock/passwordless/sessions/" + id, env.api_key);
    REQUIRE(r.status == 200);
    return r.json;
  };
  CHECK(lifecycle(b)["email"] == "cat@example.com");
  CHECK(lifecycle(b)["state"] == lifecycle(a)["state"]);
  // Separate copies: what happens to b's copy leaves a's alone, and the other way round.
  REQUIRE(Post(s, "/passwordless/sessions/" + id + "/send", "{}", b.api_key).status == 201);
  CHECK(lifecycle(b)["sends"] == 1);
  CHECK(lifecycle(a)["sends"] == 0);
  REQUIRE(Post(s, "/_mock/clock/advance", R"({"seconds": 901})", a.api_key).status == 200);
  CHECK(lifecycle(a)["state"] == "expired");
  CHECK(lifecycle(b)["state"] != "expired");
  REQUIRE(Post(s, "/passwordless/sessions/" + id + "/send", "{}", b.api_key).status == 201);
  CHECK(lifecycle(b)["sends"] == 2);
  CHECK(Post(s, "/passwordless/sessions/" + id + "/send", "{}", a.api_key).status == 422);
  CHECK(lifecycle(a)["sends"] == 0);
}

TEST_CASE("everything an SSO environment holds exports and loads back: scopes, roles, settings",
          "[state]") {
  // Every field the export writes must be one the import takes (the import refuses unknown
  // keys): OAuth codes with provider scopes, waiting interactive sign-ins, profiles with roles and
  // custom attributes, the environment's settings.
  TestServer s(workos_mock::LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) +
                                           "/fixtures/sso-multi-org.json"));
  const std::string key = "sk_test_workos_mock_sso";
  REQUIRE(Put(s, "/_mock/settings", R"({"idempotent_replay":true})", key).status == 200);
  auto client = s.Client();
  const std::string base =
      "/sso/authorize?client_id=client_workos_mock_sso&response_type=code"
      "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&state=st";
  // A code with provider scopes, left unexchanged (Google OAuth).
  auto google = client->Get((base + "&connection=conn_bar_google&provider_scopes=email").c_str());
  REQUIRE(google);
  REQUIRE(google->status == 302);
  REQUIRE_FALSE(QueryParam(google->get_header_value("Location"), "code").empty());
  // A profile (exchanged) and a pending interactive sign-in.
  auto okta = client->Get((base + "&organization=org_foo").c_str());
  REQUIRE(okta);
  const std::string code = QueryParam(okta->get_header_value("Location"), "code");
  REQUIRE(Post(s, "/sso/token",
               "client_id=client_workos_mock_sso&client_secret=" + key +
                   "&grant_type=authorization_code&code=" + code,
               "", "application/x-www-form-urlencoded")
              .status == 200);
  Reply exported = Get(s, "/_mock/state", key);
  REQUIRE(exported.status == 200);
  REQUIRE_FALSE(exported.json["state"]["codes"].empty());
  REQUIRE_FALSE(exported.json["state"]["profiles"].empty());
  CHECK(exported.json["state"]["settings"]["idempotent_replay"] == true);
  Reply loaded = Put(s, "/_mock/state", exported.body, key);
  INFO(loaded.body);
  CHECK(loaded.status == 200);
  CHECK(Get(s, "/_mock/state", key).json["state"] == exported.json["state"]);
}

TEST_CASE(
    "PUT /_mock/state keeps a session's redirect_uri as written: a query gets the code after "
    "'&'",
    "[state]") {
  // The one way to a redirect URI with a query: registered ones never have one.
  TestServer s;
  std::string id;
  const std::string link = CreateSession(s, kKey, "ann@example.com", &id);
  Reply state = Get(s, "/_mock/state", kKey);
  REQUIRE(state.status == 200);
  json doc = state.json;
  REQUIRE(doc["state"]["sessions"].size() == 1);
  doc["state"]["sessions"][0]["redirect_uri"] = "https://app.example.com/cb?tenant=a";
  REQUIRE(Put(s, "/_mock/state", doc.dump(), kKey).status == 200);
  Reply visit = Get(s, PathOf(link));
  REQUIRE(visit.status == 302);
  const std::string location = visit.header("Location");
  CHECK(location.rfind("https://app.example.com/cb?tenant=a&code=", 0) == 0);
  CHECK(QueryParam(location, "state") == "st");
}
