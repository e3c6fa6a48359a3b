// The drift recorder and comparison (conformance/src/drift.h) on hand-made exchanges: what is
// normalised and how, what never reaches a recording, and which differences count as drift.
#include <catch2/catch.hpp>

#include "../src/drift.h"

using namespace conformance::drift;
using nlohmann::json;

namespace {

const std::string kBase = "https://api.example.test";
const std::string kKey = "sk_test_a1B2c3D4e5F6g7H8";
const std::string kCode = "01HCODEsecretCODE9x8y7z";
const std::string kLinkToken = "9h0zal2iSfdfRzWVeAFKASKRK";
const std::string kAccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

std::map<std::string, std::string> JsonHeaders() {
  return {{"content-type", "application/json;charset=UTF-8"}, {"x-request-id", "abc"}};
}

// A recorder in a scenario, with the run's key and redirect URI, as the harness sets it up.
Recorder Fresh(const std::string& scenario = "s") {
  Recorder r;
  r.Activate();
  r.Secret("api_key", kKey);
  r.Known("client_id", "client_workos_mock");
  r.Known("redirect_uri", "http://localhost:3000/callback");
  r.BeginScenario(scenario);
  return r;
}

void Post(Recorder& r, const std::string& path, long status, const json& body,
          std::map<std::string, std::string> headers = JsonHeaders()) {
  r.Observe("POST", kBase + path, {{"Authorization", "Bearer " + kKey}}, "{}", status, headers,
            body.dump());
}

const Node& At(const Observation& o, const std::string& path) {
  auto it = o.shape.find(path);
  INFO(path);
  REQUIRE(it != o.shape.end());
  return it->second;
}

Recording RecordingOf(const Recorder& r, const std::string& target = "live") {
  Recording rec;
  rec.target = target;
  rec.scenarios = r.Scenarios();
  rec.observations = r.Observations();
  return rec;
}

// Differences between two single-request recordings of scenario "s".
std::vector<Difference> Diff(const std::function<void(Recorder&)>& recorded,
                             const std::function<void(Recorder&)>& now) {
  Recorder a = Fresh(), b = Fresh();
  recorded(a);
  now(b);
  a.EndScenario("s", true);
  b.EndScenario("s", true);
  // Through the file format, as a real comparison goes.
  Recording rec = Parse(Serialise(RecordingOf(a)));
  return Compare(rec, b.Observations(), {"s"}, {"s"}).differences;
}

std::vector<std::string> Whats(const std::vector<Difference>& d) {
  std::vector<std::string> out;
  for (const auto& x : d) out.push_back(x.what);
  return out;
}

}  // namespace

TEST_CASE("drift: normalisation replaces secrets, ids, timestamps, emails, origins", "[drift]") {
  Recorder r = Fresh();
  r.Secret("code", kCode);
  CHECK(r.Normalise("The code '" + kCode + "' has expired or is invalid.") ==
        "The code '{code}' has expired or is invalid.");
  CHECK(r.Normalise("Bearer " + kKey) == "Bearer {api_key}");
  CHECK(r.Normalise("sk_live_someOtherKey_123") == "{api_key}");  // a key never seen before
  CHECK(r.Normalise("passwordless_session_01M8MS03C8VY0PF6WXH4P7930E") ==
        "{id:passwordless_session}");
  CHECK(r.Normalise("2026-11-29T23:22:16.232Z") == "{timestamp}");
  CHECK(r.Normalise("ann.lee+x@conformance-a.example.com") == "{email}");
  CHECK(r.Normalise("https://127.0.0.1:4430/passwordless/x/confirm") ==
        "{origin}/passwordless/x/confirm");
  CHECK(r.Normalise("http://localhost:3000/callback?x") == "{redirect_uri}?x");
  CHECK(r.Normalise("http%3A%2F%2Flocalhost%3A3000%2Fcallback") == "{redirect_uri}");
  CHECK(r.Normalise("client_workos_mock") == "{client_id}");
  CHECK(r.Normalise(kAccessToken) == "{jwt}");
  CHECK(r.Normalise("425294b3-680d-4d44-91ec-f862c5495583") == "{uuid}");
  CHECK(r.Normalise("a 9h0zal2iSfdfRzWVeAFKASKRK b") == "a {token} b");
  // Fixed texts stay.
  for (const char* fixed :
       {"Validation failed", "invalid_grant", "conformance-state_42", "email must be an email",
        "The grant type is not supported.", "passwordless_session"}) {
    CHECK(r.Normalise(fixed) == fixed);
  }
}

TEST_CASE("drift: path templates, ordinals, the control plane and NotRecorded", "[drift]") {
  Recorder r = Fresh();
  Post(r, "/passwordless/sessions", 201, {{"object", "passwordless_session"}});
  r.Observe("GET", kBase + "/passwordless/" + kLinkToken + "/confirm", {}, "", 302,
            {{"location", "http://localhost:3000/callback?state=st&code=" + kCode}}, "");
  Post(r, "/passwordless/sessions/passwordless_session_01M8MS03C8VY0PF6WXH4P7930E/send", 201,
       {{"success", true}});
  Post(r, "/passwordless/sessions", 422, {{"message", "Validation failed"}});
  r.Observe("GET", kBase + "/connections/conn_unknown?x=1", {}, "", 404, JsonHeaders(),
            R"({"message":"Not Found"})");
  r.Observe("POST", kBase + "/_mock/environments", {}, "{}", 201, JsonHeaders(), "{}");
  r.PushNotRecorded();
  r.Observe("GET", kBase + "/sso/client-id-invalid", {}, "", 400, {}, "<html></html>");
  r.PopNotRecorded();
  r.EndScenario("s", true);

  const auto obs = r.Observations();
  std::vector<std::string> labels;
  for (const auto& o : obs) labels.push_back(o.Label());
  CHECK(labels == std::vector<std::string>{
                      "POST /passwordless/sessions #1", "GET /passwordless/{link_token}/confirm #1",
                      "POST /passwordless/sessions/{id}/send #1", "POST /passwordless/sessions #2",
                      "GET /connections/{id} #1"});
  // Location: the redirect URI and the code by kind, the query sorted.
  CHECK(obs[1].headers.at("location") ==
        std::set<std::string>{"{redirect_uri}?code={code}&state=st"});
  CHECK(obs[1].bodies == std::set<std::string>{"empty"});
  CHECK(obs[0].headers.at("content-type") ==
        std::set<std::string>{"application/json; charset=utf-8"});
  CHECK(obs[0].headers.at("retry-after") == std::set<std::string>{kAbsent});
  CHECK(r.Scenarios().at("s") == "passed");
}

TEST_CASE("drift: shapes record types, fixed texts and kinds, and optional items' members",
          "[drift]") {
  Recorder r = Fresh();
  Post(r, "/sso/token", 200,
       {{"access_token", kAccessToken},
        {"token_type", "Bearer"},
        {"expires_in", 600},
        {"profile",
         {{"object", "profile"},
          {"id", "prof_01M8MS03C8VY0PF6WXH4P7930E"},
          {"first_name", "Ann"},
          {"organization_id", nullptr},
          {"groups", json::array()},
          {"raw_attributes", json::object()}}},
        {"data", {{{"a", 1}, {"b", "x"}}, {{"a", 2.5}}}}});
  // An error's "code" is a fixed text, not an authorization code to hide.
  Post(r, "/organizations/org_x", 404, {{"code", "entity_not_found"}});
  Post(r, "/organizations/org_y", 404, {{"code", "entity_not_found"}});
  r.EndScenario("s", true);
  CHECK(At(r.Observations().at(2), "$.code").values == std::set<std::string>{"entity_not_found"});
  const Observation o = r.Observations().at(0);
  CHECK(At(o, "$.access_token").values == std::set<std::string>{"{access_token}"});
  CHECK(At(o, "$.token_type").values == std::set<std::string>{"Bearer"});
  CHECK(At(o, "$.expires_in").types == std::set<std::string>{"integer"});
  CHECK(At(o, "$.profile.id").values == std::set<std::string>{"{id:prof}"});
  CHECK(At(o, "$.profile.first_name").values.empty());  // data: its type only
  CHECK(At(o, "$.profile.organization_id").types == std::set<std::string>{"null"});
  CHECK(At(o, "$.profile.groups").types == std::set<std::string>{"array"});
  CHECK(o.shape.count("$.profile.groups[]") == 0);
  CHECK(At(o, "$.data[].a").types == std::set<std::string>{"integer", "number"});
  CHECK_FALSE(At(o, "$.data[].a").optional);
  CHECK(At(o, "$.data[].b").optional);
}

TEST_CASE("drift: Repeated merges a loop's requests into one observation", "[drift]") {
  auto pages = [](int n) {
    return [n](Recorder& r) {
      r.SetGroup("pages");
      for (int i = 0; i < n; ++i) {
        json after = i + 1 < n ? json("conn_01M8MS03C8VY0PF6WXH4P7930E") : json(nullptr);
        r.Observe("GET", kBase + "/connections?limit=1", {}, "", 200, JsonHeaders(),
                  json{{"data", {{{"id", "conn_01M8MS03C8VY0PF6WXH4P7930E"}}}},
                       {"list_metadata", {{"after", after}}}}
                      .dump());
      }
      r.SetGroup("");
      Post(r, "/passwordless/sessions", 201, {{"object", "passwordless_session"}});
    };
  };
  // Two pages recorded, five now: the same observation; no drift.
  CHECK(Diff(pages(2), pages(5)).empty());
  // One page only ever has after=null: a subset of null|string, still no drift.
  CHECK(Diff(pages(3), pages(1)).empty());
  Recorder r = Fresh();
  pages(4)(r);
  r.EndScenario("s", true);
  const auto obs = r.Observations();
  REQUIRE(obs.size() == 2);
  CHECK(obs[0].Label() == "GET /connections [pages]");
  CHECK(obs[0].samples == 4);
  CHECK(At(obs[0], "$.list_metadata.after").types == std::set<std::string>{"null", "string"});
  CHECK(obs[1].Label() == "POST /passwordless/sessions #1");
}

TEST_CASE("drift: no secret of the exchanges reaches the file", "[drift]") {
  Recorder r = Fresh();
  r.Observe("GET", kBase + "/passwordless/" + kLinkToken + "/confirm", {}, "", 302,
            {{"location", "http://localhost:3000/callback?code=" + kCode}}, "Found");
  r.Observe("POST", kBase + "/sso/token",
            {{"Content-Type", "application/x-www-form-urlencoded"},
             {"Authorization", "Basic Y2xpZW50X3g6c2tfdGVzdF9vdGhlcnNlY3JldDk5"}},
            "client_id=client_x&client_secret=notprefixed_secret_42&code=" + kCode, 400,
            JsonHeaders(),
            R"({"error":"invalid_client","error_description":"bad notprefixed_secret_42"})");
  Post(r, "/sso/token", 200, {{"access_token", kAccessToken}, {"refresh_token", "rt_Zq9XwLp3"}});
  r.Observe("GET", kBase + "/sso/profile", {{"Authorization", "Bearer " + kAccessToken}}, "", 401,
            JsonHeaders(), json{{"error", "Unauthorized"}, {"echo", kAccessToken}}.dump());
  Post(r, "/passwordless/sessions", 201,
       {{"link", kBase + "/passwordless/Zx81kLinkTokenOther/confirm"}});
  r.Observe("GET", kBase + "/passwordless/Zx81kLinkTokenOther/confirm", {}, "", 302,
            {{"location", "http://localhost:3000/callback?error=access_denied"}}, "");
  r.EndScenario("s", true);
  const std::string file = Serialise(RecordingOf(r));
  INFO(file);
  for (const std::string& secret :
       {kKey, kCode, kLinkToken, kAccessToken, std::string("notprefixed_secret_42"),
        std::string("rt_Zq9XwLp3"), std::string("Zx81kLinkTokenOther"),
        std::string("sk_test_othersecret99"),
        std::string("Y2xpZW50X3g6c2tfdGVzdF9vdGhlcnNlY3JldDk5")}) {
    INFO(secret);
    CHECK(file.find(secret) == std::string::npos);
  }
  CHECK(r.SecretsIn(file).empty());
  CHECK(r.SecretsIn("x " + kCode).count("code") == 1);
  CHECK(file.find("bad {api_key}") != std::string::npos);  // the client secret, by its kind
}

TEST_CASE("drift: single observations must match exactly", "[drift]") {
  auto body = [](const json& j, long status = 200) {
    return [j, status](Recorder& r) { Post(r, "/x", status, j); };
  };
  CHECK(Diff(body({{"a", 1}}), body({{"a", 2}})).empty());  // values of numbers are data
  CHECK(Whats(Diff(body({{"a", 1}}), body({{"a", "1"}}))) ==
        std::vector<std::string>{"type of $.a"});
  CHECK(Whats(Diff(body({{"message", "Not Found"}}), body({{"message", "Not found"}}))) ==
        std::vector<std::string>{"value of $.message"});
  CHECK(Whats(Diff(body({{"a", 1}}, 200), body({{"a", 1}}, 201))) ==
        std::vector<std::string>{"status"});
  CHECK(Whats(Diff(body({{"a", nullptr}}), body({{"a", "x"}}))) ==
        std::vector<std::string>{"type of $.a"});
  // A missing object reports itself, not each of its members.
  CHECK(Whats(Diff(body({{"p", {{"x", 1}, {"y", 2}}}, {"z", 1}}), body({{"q", 1}, {"z", 1}}))) ==
        std::vector<std::string>{"missing member $.p", "extra member $.q"});
  // An object that became null: its type, not its members.
  CHECK(Whats(Diff(body({{"p", {{"x", 1}}}}), body({{"p", nullptr}}))) ==
        std::vector<std::string>{"type of $.p"});
  // A member some items lack is optional: other samples without it are no drift.
  CHECK(
      Diff(body({{"l", {{{"x", 1}, {"y", 2}}, {{"x", 1}}}}}), body({{"l", {{{"x", 1}}}}})).empty());
  CHECK(Whats(Diff(body({{"l", {{{"x", 1}, {"y", 2}}}}}), body({{"l", {{{"x", 1}}}}}))) ==
        std::vector<std::string>{"missing member $.l[].y"});
  // Items of an array that is empty on one side are unknown there, not missing.
  CHECK(Diff(body({{"l", {{{"x", 1}}}}}), body({{"l", json::array()}})).empty());
  CHECK(Whats(Diff(body({{"l", {{{"x", 1}}}}}), body({{"l", {{{"y", 1}}}}}))) ==
        std::vector<std::string>{"missing member $.l[].x", "extra member $.l[].y"});
  // Headers that matter, and a body that is no longer JSON.
  CHECK(Whats(Diff(
            [](Recorder& r) {
              Post(r, "/x", 429, {{"m", 1}},
                   {{"content-type", "application/json"}, {"retry-after", "1"}});
            },
            [](Recorder& r) {
              r.Observe("POST", kBase + "/x", {}, "", 429,
                        {{"content-type", "text/html"}, {"cache-control", "no-store"}},
                        "<html>busy</html>");
            })) == std::vector<std::string>{"body", "header content-type", "header retry-after",
                                            "header cache-control"});
}

TEST_CASE("drift: requests made on one side only, and scenarios", "[drift]") {
  CHECK(Whats(Diff(
            [](Recorder& r) {
              Post(r, "/x", 200, {{"a", 1}});
            },
            [](Recorder& r) {
              Post(r, "/x", 200, {{"a", 1}});
              Post(r, "/x", 200, {{"a", 1}});
            })) == std::vector<std::string>{"request not in the recording"});
  CHECK(Whats(Diff(
            [](Recorder& r) {
              Post(r, "/x", 200, {{"a", 1}});
              Post(r, "/y", 200, {{"a", 1}});
            },
            [](Recorder& r) {
              Post(r, "/x", 200, {{"a", 1}});
            })) == std::vector<std::string>{"request not made in this run"});

  Recorder a = Fresh("gone");
  Post(a, "/x", 200, {{"a", 1}});
  a.EndScenario("gone", true);
  a.BeginScenario("not run now");
  Post(a, "/x", 200, {{"a", 1}});
  a.EndScenario("not run now", true);
  const Comparison c = Compare(RecordingOf(a), {}, {}, {"not run now"});
  REQUIRE(c.differences.size() == 1);
  CHECK(c.differences[0].scenario == "gone");
  CHECK(c.differences[0].what.rfind("scenario not in this suite", 0) == 0);
}

TEST_CASE("drift: the file round-trips and is checked when read", "[drift]") {
  Recorder r = Fresh();
  Post(r, "/x", 200, {{"a", {{"b", "x|y"}}}, {"l", {1, "two"}}, {"we.ird[name", true}});
  r.SetGroup("loop");
  Post(r, "/x", 200, {{"a", 1}});
  Post(r, "/x", 404, {{"a", nullptr}});
  r.EndScenario("s", false);
  const Recording rec = RecordingOf(r, "mock");
  const std::string text = Serialise(rec);
  CHECK(text.find("NOT from the live WorkOS API") != std::string::npos);
  const Recording back = Parse(text);
  CHECK(back.target == "mock");
  CHECK(back.scenarios.at("s") == "failed");
  REQUIRE(back.observations.size() == 2);
  CHECK(back.observations[1].statuses == std::set<long>{200, 404});
  CHECK(back.observations[1].group == "loop");
  CHECK(Serialise(back) == text);
  CHECK(Compare(back, r.Observations(), {"s"}, {"s"}).differences.empty());
  CHECK(back.observations[0].shape.count("$.we\\.ird\\[name") == 1);

  CHECK_THROWS_WITH(Parse("[]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(Parse(R"({"object":"x"})"), Catch::Contains("not a recording"));
  CHECK_THROWS_WITH(Parse(R"({"object":"workos_conformance_recording","version":2})"),
                    Catch::Contains("unsupported version 2"));
  CHECK_THROWS_WITH(Parse(R"({"object":"workos_conformance_recording","version":1,"scenarios":{},
                "observations":[{"scenario":"s","request":"GET /x","ordinal":1}]})"),
                    Catch::Contains("observations[0]: needs scenario, request, status and body"));
}

TEST_CASE("drift: the table and the JUnit file", "[drift]") {
  Comparison c;
  c.requests.push_back({{"a|b <s>", "GET /x #1"}, {0}});
  c.requests.push_back({{"a|b <s>", "GET /y #1"}, {}});
  c.differences.push_back({"a|b <s>", "GET /x #1", "value of $.m", "string \"x|y\"", ""});
  const std::string table = Table(c);
  CHECK(table.find("| a\\|b <s> | GET /x #1 | value of $.m | string \"x\\|y\" | - |") !=
        std::string::npos);
  const std::string xml = JUnit(c, "rec.json");
  CHECK(xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  CHECK(xml.find("classname=\"a|b &lt;s&gt;\" name=\"GET /y #1\"/>") != std::string::npos);
  CHECK(xml.find("value of $.m: recorded string &quot;x|y&quot;, this run -") != std::string::npos);
}

TEST_CASE("drift: the JUnit file escapes like golive's (one XML 1.0 escaper)", "[drift]") {
  Comparison c;
  c.requests.push_back({{"it's", "GET /x #1"}, {0}});
  c.differences.push_back({"it's", "GET /x #1", "value of $.m", "string \"a\x01\tb\"", ""});
  const std::string xml = JUnit(c, "rec.json");
  CHECK(xml.find("classname=\"it&apos;s\"") != std::string::npos);
  CHECK(xml.find("recorded string &quot;a&#9;b&quot;, this run -") != std::string::npos);
  CHECK(xml.find('\x01') == std::string::npos);
}
