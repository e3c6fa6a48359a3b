// Deterministic mode end to end: two workos-mock processes started with the same --seed and
// --start-time, driven through the same magic-link and SSO flows, answer byte for byte the same
// (bodies, X-Request-ID, Location, JWTs, the journal); another seed answers differently. Set
// WORKOS_MOCK_TRANSCRIPT_DIR to keep the transcripts (run-1.txt, run-2.txt, other-seed.txt).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const std::string kKey = "Bearer sk_test_workos_mock";
const std::string kStartTime = "2026-01-01T00:00:00Z";

std::string Enc(const std::string& s) { return httplib::detail::encode_query_param(s); }

// One client of one server, writing what it sees into a transcript.
class Driver {
 public:
  explicit Driver(int port) : client_("127.0.0.1", port) {
    // The journal shows request headers: the Host must not carry the (ephemeral) port.
    client_.set_default_headers({{"Host", "mock.test"}, {"User-Agent", "deterministic-test"}});
  }

  json Call(const std::string& method, const std::string& path, const std::string& body = "",
            const std::string& type = "application/json", bool with_key = true) {
    httplib::Headers headers;
    if (with_key) headers.emplace("Authorization", kKey);
    httplib::Result r = method == "GET"    ? client_.Get(path, headers)
                        : method == "POST" ? client_.Post(path, headers, body, type)
                                           : client_.Delete(path, headers);
    REQUIRE(r);
    last_location_ = r->get_header_value("Location");
    out_ << method << ' ' << path << " -> " << r->status
         << "\n  X-Request-ID: " << r->get_header_value("X-Request-ID")
         << "\n  Location: " << last_location_ << "\n  " << r->body << "\n";
    return json::parse(r->body, nullptr, false);
  }
  const std::string& location() const { return last_location_; }
  std::string transcript() const { return out_.str(); }

 private:
  httplib::Client client_;
  std::string last_location_;
  std::ostringstream out_;
};

// A magic-link sign-in, a used and an expired link, an SSO sign-in with PKCE-less OAuth, the
// key set, the lifecycle and the journal.
std::string RunFlows(int port) {
  Driver d(port);
  json s = d.Call("POST", "/passwordless/sessions",
                  R"({"type":"MagicLink","email":"ann@example.com","state":"xyz"})");
  const std::string id = s.value("id", "");
  d.Call("POST", "/passwordless/sessions/" + id + "/send", "{}");
  json mail = d.Call("GET", "/_mock/outbox/latest?email=ann%40example.com");
  const std::string link = PathOf(mail.value("link", ""));
  d.Call("GET", link, "", "", false);
  const std::string code = QueryParam(d.location(), "code");
  CHECK(code.size() == 26);
  json token = d.Call("POST", "/sso/token",
                      "client_id=client_workos_mock&client_secret=sk_test_workos_mock&grant_type="
                      "authorization_code&code=" +
                          code,
                      "application/x-www-form-urlencoded", false);
  d.Call("GET", "/sso/profile", "", "", false);  // 401: no token (still a transcript line)
  httplib::Client raw("127.0.0.1", port);
  raw.set_default_headers({{"Host", "mock.test"}, {"User-Agent", "deterministic-test"}});
  auto profile =
      raw.Get("/sso/profile", {{"Authorization", "Bearer " + token.value("access_token", "")}});
  REQUIRE(profile);
  CHECK(profile->status == 200);
  d.Call("GET", link, "", "", false);  // used: access_denied
  d.Call("GET", "/_mock/passwordless/sessions/" + id);

  json late =
      d.Call("POST", "/passwordless/sessions", R"({"type":"MagicLink","email":"bob@example.com"})");
  d.Call("POST", "/_mock/clock/advance", R"({"seconds":901})");
  d.Call("GET", PathOf(late.value("link", "")), "", "", false);  // expired: access_denied

  d.Call("GET",
         "/sso/authorize?response_type=code&client_id=client_workos_mock&redirect_uri=" +
             Enc("http://localhost:3000/callback") + "&provider=GoogleOAuth&state=st",
         "", "", false);
  const std::string sso_code = QueryParam(d.location(), "code");
  d.Call("POST", "/sso/token",
         json{{"client_id", "client_workos_mock"},
              {"client_secret", "sk_test_workos_mock"},
              {"grant_type", "authorization_code"},
              {"code", sso_code}}
             .dump(),
         "application/json", false);
  d.Call("GET", "/sso/jwks/client_workos_mock", "", "", false);
  d.Call("GET", "/connections");
  d.Call("GET", "/_mock/clock");
  d.Call("GET", "/_mock/requests");
  d.Call("POST", "/_mock/faults", R"({"path":"/connections","status":503})");
  json env = d.Call("POST", "/_mock/environments", "{}", "application/json", false);
  d.Call("POST", "/passwordless/sessions", R"({"type":"MagicLink","email":"cy@example.com"})",
         "application/json", false);  // 401 on purpose: no key
  return d.transcript();
}

void Keep(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("WORKOS_MOCK_TRANSCRIPT_DIR");
  if (!dir || !*dir) return;
  std::ofstream(std::string(dir) + "/" + name) << text;
}

// The first line where two transcripts differ, for the failure message.
std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string la, lb;
  for (int n = 1;; ++n) {
    const bool more_a = static_cast<bool>(std::getline(x, la));
    const bool more_b = static_cast<bool>(std::getline(y, lb));
    if (!more_a && !more_b) return "";
    if (la != lb || more_a != more_b)
      return "line " + std::to_string(n) + ":\n- " + la + "\n+ " + lb;
  }
}

std::string ReadAll(FILE* f) {
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("deterministic mode: two servers, same seed and start time, byte-identical answers",
          "[deterministic][cli]") {
  const std::vector<std::string> flags = {"--seed",   "42",           "--start-time",
                                          kStartTime, "--public-url", "http://mock.test",
                                          "--log",    "off"};
  std::string run1, run2, other;
  {
    MockProcess a(flags);
    run1 = RunFlows(a.port());
    CHECK(a.Stop() == 0);
    const std::string err = ReadAll(a.err());
    CHECK(err.find("WARNING: deterministic mode") != std::string::npos);
    CHECK(err.find("PREDICTABLE") != std::string::npos);
    CHECK(err.find("frozen") != std::string::npos);
  }
  {
    MockProcess b(flags);
    run2 = RunFlows(b.port());
  }
  {
    std::vector<std::string> f = flags;
    f[1] = "43";
    MockProcess c(f);
    other = RunFlows(c.port());
  }
  Keep("run-1.txt", run1);
  Keep("run-2.txt", run2);
  Keep("other-seed.txt", other);
  INFO(FirstDifference(run1, run2));
  CHECK(run1 == run2);
  // What must be reproducible is actually in the transcript.
  for (const char* s : {"\"access_token\":\"eyJ", "\"expires_at\":\"2026-01-01T00:15:00.000Z\"",
                        "code=", "error=access_denied", "\"kid\":\"key_", "\"request_id\":",
                        "\"id\":\"req_", "\"id\":\"fault_", "\"name\":\"env_", "X-Request-ID: "}) {
    INFO("expected in the transcript: " << s);
    CHECK(run1.find(s) != std::string::npos);
  }
  // Another seed: other ids, tokens, codes and request ids -- the same timestamps.
  CHECK(run1 != other);
  std::smatch m1, m2;
  const std::regex session_id("passwordless_session_[0-9A-Z]{26}");
  REQUIRE(std::regex_search(run1, m1, session_id));
  REQUIRE(std::regex_search(other, m2, session_id));
  CHECK(m1[0] != m2[0]);
  CHECK(m1[0].str().substr(0, 31) == m2[0].str().substr(0, 31));  // same time part
}

TEST_CASE("deterministic mode: WORKOS_MOCK_SEED; production refused; bad values named",
          "[deterministic][cli]") {
  Finished bad_seed = RunMock({"--seed", "-3"});
  CHECK(bad_seed.code == 2);
  CHECK(bad_seed.err.find("--seed must be a whole number from 0 to 9007199254740991") !=
        std::string::npos);
  Finished bad_time = RunMock({"--start-time", "tomorrow"});
  CHECK(bad_time.code == 2);
  CHECK(bad_time.err.find("--start-time must be an RFC 3339 time") != std::string::npos);
  Finished bad_var = RunMock({}, {{"WORKOS_MOCK_SEED", "x"}});
  CHECK(bad_var.code == 2);
  CHECK(bad_var.err.find("WORKOS_MOCK_SEED must be a whole number") != std::string::npos);
  Finished prod = RunMock({"--seed", "1", "--config",
                           std::string(WORKOS_MOCK_SOURCE_DIR) + "/fixtures/production.json"});
  CHECK(prod.code == 2);
  CHECK(prod.err.find("--seed (WORKOS_MOCK_SEED) is refused for production environment") !=
        std::string::npos);
  // The variable works like the flag.
  Finished var = RunMock({"exec", "--log", "off", "--", "sh", "-c",
                          "curl -fsS \"$WORKOS_BASE_URL/_mock/environment\" -H \"Authorization: "
                          "Bearer $WORKOS_API_KEY\""},
                         {{"WORKOS_MOCK_SEED", "77"}, {"WORKOS_MOCK_START_TIME", kStartTime}});
  CHECK(var.code == 0);
  const json env = json::parse(var.out, nullptr, false);
  CHECK(env["seed"] == 77);
  CHECK(env["start_time"] == "2026-01-01T00:00:00.000Z");
}

TEST_CASE("deterministic mode: created environments, request ids, reset replays",
          "[deterministic][http]") {
  workos_mock::DeterministicDefaults defaults{5, 1767225600000};
  TestServer s(workos_mock::DefaultConfig(defaults));
  const std::string key = "sk_test_workos_mock";
  auto create = [&] {
    return Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"a@b.com"})", key);
  };
  Reply first = create();
  REQUIRE(first.status == 201);
  const std::string rid = first.header("X-Request-ID");
  // Control-plane calls draw from a stream of their own: polling never shifts the API's ids.
  for (int i = 0; i < 3; ++i) CHECK(Get(s, "/_mock/outbox", key).status == 200);
  Reply second = create();
  CHECK(Post(s, "/_mock/reset", "{}", key).status == 200);
  Reply replay1 = create();
  Reply replay2 = create();
  CHECK(replay1.body == first.body);
  CHECK(replay1.header("X-Request-ID") == rid);
  CHECK(replay2.body == second.body);
  CHECK(replay2.header("X-Request-ID") == second.header("X-Request-ID"));

  // POST /_mock/environments: made-up names and keys are reproducible; given names pick the
  // stream, so creation order does not matter; production is refused; "seed": null opts out.
  Reply e1 = Post(s, "/_mock/environments", "{}");
  REQUIRE(e1.status == 201);
  CHECK(e1.json["seed"] == 5);
  CHECK(e1.json["start_time"] == "2026-01-01T00:00:00.000Z");
  CHECK(e1.json["name"].get<std::string>().rfind("env_01KDVDNA00", 0) == 0);
  Reply named = Post(s, "/_mock/environments", R"({"name":"worker-1"})");
  REQUIRE(named.status == 201);
  Reply w = Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"a@b.com"})",
                 named.json["api_key"]);
  TestServer other(workos_mock::DefaultConfig(defaults));
  Post(other, "/_mock/environments", "{}");  // another order of creation
  Reply named2 = Post(other, "/_mock/environments", R"({"name":"worker-1"})");
  Reply w2 = Post(other, "/passwordless/sessions", R"({"type":"MagicLink","email":"a@b.com"})",
                  named2.json["api_key"]);
  CHECK(w2.json["id"] == w.json["id"]);
  CHECK(w2.json["link"].get<std::string>().substr(
            w2.json["link"].get<std::string>().find("/passwordless/")) ==
        w.json["link"].get<std::string>().substr(
            w.json["link"].get<std::string>().find("/passwordless/")));
  Reply prod = Post(s, "/_mock/environments", R"({"kind":"production"})");
  CHECK(prod.status == 422);
  CHECK(prod.body.find("--seed (WORKOS_MOCK_SEED) is refused for production") != std::string::npos);
  Reply opted_out = Post(s, "/_mock/environments", R"({"seed":null,"start_time":null})");
  REQUIRE(opted_out.status == 201);
  CHECK(opted_out.json["seed"].is_null());
  CHECK(opted_out.json["start_time"].is_null());
  Reply own = Post(s, "/_mock/environments", R"({"seed":9,"kind":"production"})");
  CHECK(own.status == 422);
  CHECK(own.json["errors"][0]["field"] == "seed");
}
