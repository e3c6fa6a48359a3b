// `workos-client golive`: every check passing and failing. Redirect URIs, keys and text scanning
// are pure; the repository scan runs on temporary git repositories; the redirect check drives a
// real workos-mock to small fake apps (one exchanges the code, one never does, one fails).
//
// Keys in this file are assembled at run time (Key(...)), so the file itself holds nothing the
// repository scan would flag.
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "golive/golive.h"
#include "mock_server.h"

#ifndef WORKOS_CLIENT_CLI
#error "WORKOS_CLIENT_CLI must name the workos-client binary"
#endif
#ifndef WORKOS_MOCK_SOURCE_DIR
#error "WORKOS_MOCK_SOURCE_DIR must name the source tree (docs/ci.md)"
#endif

namespace g = workos::golive;
using testsupport::RunCommand;

namespace {

// "sk_" + kind + "_" + body, never spelled out in the source.
std::string Key(const std::string& kind, const std::string& body) {
  return std::string("sk") + "_" + kind + "_" + body;
}

const g::CheckResult* Find(const std::vector<g::CheckResult>& rs, const std::string& id,
                           const std::string& subject = "") {
  for (const auto& r : rs) {
    if (r.id == id && (subject.empty() || r.subject == subject)) return &r;
  }
  return nullptr;
}

g::Status StatusOf(const std::vector<g::CheckResult>& rs, const std::string& id,
                   const std::string& subject = "") {
  const g::CheckResult* r = Find(rs, id, subject);
  INFO("no check " << id);
  REQUIRE(r);
  return r->status;
}

// ------------------------------------------------------------------ temporary git repositories

struct TempRepo {
  std::string dir;
  TempRepo() {
    char tmpl[] = "/tmp/golive-repo-XXXXXX";
    dir = mkdtemp(tmpl);
    Sh("git init -q . && git config user.email t@example.com && git config user.name T && "
       "git config commit.gpgsign false");
  }
  ~TempRepo() { RunCommand({"/bin/rm", "-rf", dir}); }
  void Sh(const std::string& cmd) const {
    auto r = RunCommand({"/bin/sh", "-c", "cd '" + dir + "' && " + cmd});
    INFO(cmd << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }
  void Write(const std::string& rel, const std::string& text) const {
    const std::string path = dir + "/" + rel;
    const size_t slash = path.rfind('/');
    RunCommand({"/bin/mkdir", "-p", path.substr(0, slash)});
    std::ofstream(path, std::ios::binary) << text;
  }
  void Commit(const std::string& message = "change") const {
    Sh("git add -A && git commit -q -m '" + message + "'");
  }
  g::CheckResult Scan(const std::string& allow_file = "") const {
    g::RepoScanOptions o;
    o.repo = dir;
    o.allow_file = allow_file;
    return g::CheckRepository(o);
  }
};

std::string AllDetails(const g::CheckResult& r) {
  std::string s = r.reason;
  for (const auto& d : r.details) s += "\n" + d;
  return s;
}

// ------------------------------------------------------------------ fake apps for the redirect

// An app on an ephemeral port whose /callback does what `behaviour` says. Every behaviour but
// the last two reads ?error= first and answers 400 without an exchange, as a careful app does.
struct FakeApp {
  enum class Behaviour {
    kExchange,
    kNeverExchange,
    kExchangeThen500,
    kWrongClientId,
    kFailsOnError,          // ?error=: 500 from a missing code, before any exchange
    kExchangesWithoutCode,  // ?error=: exchanges the missing code anyway, then a 400 page
    kCrashesOnError,        // ?error=: the same exchange, then the process "dies": no answer
  };
  httplib::Server server;
  std::thread thread;
  std::thread stopper;
  int port = 0;
  workos::Config config;  // the app's configuration (its environment on the mock)
  std::atomic<int> callbacks{0};
  std::atomic<int> error_callbacks{0};
  std::mutex mu;
  std::vector<httplib::Params> error_params;  // the query of each ?error= callback

  explicit FakeApp(Behaviour b) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("<h1>Home</h1>", "text/html");
    });
    server.Get("/callback", [this, b](const httplib::Request& req, httplib::Response& res) {
      ++callbacks;
      const std::string code = req.get_param_value("code");
      if (req.has_param("error")) {
        ++error_callbacks;
        std::lock_guard<std::mutex> lock(mu);
        error_params.push_back(req.params);
      }
      const bool careful = b != Behaviour::kExchangesWithoutCode && b != Behaviour::kCrashesOnError;
      if (b == Behaviour::kFailsOnError && !req.has_param("code")) {
        res.status = 500;
        res.set_content("Internal Server Error: TypeError: code is undefined", "text/plain");
        return;
      }
      if (careful && req.has_param("error")) {
        res.status = 400;
        res.set_content("<p>Sign-in failed: " + req.get_param_value("error") + "</p>", "text/html");
        return;
      }
      if (b == Behaviour::kNeverExchange) {
        res.set_content("<h1>Welcome!</h1>", "text/html");
        return;
      }
      workos::Config c = config;
      if (b == Behaviour::kWrongClientId) c.client_id = "client_01WRONGWRONGWRONGWRONGWRONG";
      try {
        workos::Client client(c);
        auto result = client.sso().GetProfileAndToken(code);
        if (b == Behaviour::kExchangeThen500) {
          res.status = 500;
          res.set_content("Internal Server Error: session store <down>", "text/plain");
          return;
        }
        res.status = 302;
        res.set_header("Location", "/");
      } catch (const std::exception& e) {
        if (b == Behaviour::kCrashesOnError) {
          // An unhandled rejection ends a Node process: the connection drops without an
          // answer and nothing listens on the port any more.
          if (!stopper.joinable()) stopper = std::thread([this] { server.stop(); });
          res.set_chunked_content_provider("text/html",
                                           [](size_t, httplib::DataSink&) { return false; });
          return;
        }
        res.status = 400;
        res.set_content("sign-in failed", "text/plain");
      }
    });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    // stop() before the accept loop runs would be lost; wait until it runs.
    for (int i = 0; i < 2000 && !server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE(server.is_running());
  }
  ~FakeApp() {
    if (stopper.joinable()) stopper.join();
    server.stop();
    if (thread.joinable()) thread.join();
  }
  std::string callback() const { return "http://127.0.0.1:" + std::to_string(port) + "/callback"; }
};

workos::CreateEnvironmentOptions WithRedirect(const std::string& uri) {
  workos::CreateEnvironmentOptions o;
  o.redirect_uris = {uri};
  return o;
}

g::AppFlowOptions FlowFor(const testsupport::TestEnv& t, const std::string& callback,
                          int timeout_ms = 5000) {
  g::AppFlowOptions o;
  o.mock_url = testsupport::MockBaseUrl();
  o.mock_api_key = t.env.api_key;
  o.callback_url = callback;
  o.exchange_timeout = std::chrono::milliseconds(timeout_ms);
  o.base = testsupport::BaseConfig();
  o.settle = std::chrono::milliseconds(100);
  return o;
}

}  // namespace

// ================================================================== redirect URIs

TEST_CASE("golive: a good production redirect URI passes every rule", "[golive]") {
  const std::string u = "https://app.example.com/callback";
  auto rs = g::CheckRedirectUris({u}, g::Kind::kProduction);
  for (const auto& r : rs) {
    INFO(r.id << ": " << r.reason);
    CHECK(r.status == g::Status::kPass);
  }
  for (const char* id :
       {"redirect_uri.absolute", "redirect_uri.https", "redirect_uri.no_wildcard",
        "redirect_uri.no_query", "redirect_uri.no_fragment", "redirect_uri.public"}) {
    CHECK(Find(rs, id, u));
  }
  CHECK(StatusOf(
            g::CheckRedirectUris({"https://app.example.com:8443/auth/cb/"}, g::Kind::kProduction),
            "redirect_uri.public") == g::Status::kPass);
}

TEST_CASE("golive: each redirect-URI rule fails with a reason that says how to fix it",
          "[golive]") {
  auto prod = [](const std::string& u) { return g::CheckRedirectUris({u}, g::Kind::kProduction); };

  auto none = g::CheckRedirectUris({}, g::Kind::kProduction);
  CHECK(StatusOf(none, "redirect_uri.present") == g::Status::kFail);
  CHECK_THAT(Find(none, "redirect_uri.present")->reason, Catch::Contains("--redirect-uri"));

  auto http = prod("http://app.example.com/callback");
  CHECK(StatusOf(http, "redirect_uri.https") == g::Status::kFail);
  CHECK_THAT(Find(http, "redirect_uri.https")->reason, Catch::Contains("https://"));
  CHECK(StatusOf(http, "redirect_uri.public") == g::Status::kPass);

  auto wild = prod("https://*.example.com/callback");
  CHECK(StatusOf(wild, "redirect_uri.no_wildcard") == g::Status::kFail);
  CHECK_THAT(Find(wild, "redirect_uri.no_wildcard")->reason, Catch::Contains("wildcard"));
  // A '*' in the path is a literal character, not a wildcard subdomain.
  CHECK(StatusOf(prod("https://app.example.com/*/cb"), "redirect_uri.no_wildcard") ==
        g::Status::kPass);

  auto query = prod("https://app.example.com/callback?next=/home");
  CHECK(StatusOf(query, "redirect_uri.no_query") == g::Status::kFail);
  CHECK_THAT(Find(query, "redirect_uri.no_query")->reason, Catch::Contains("state"));
  CHECK(StatusOf(prod("https://app.example.com/callback?"), "redirect_uri.no_query") ==
        g::Status::kFail);

  auto frag = prod("https://app.example.com/callback#done");
  CHECK(StatusOf(frag, "redirect_uri.no_fragment") == g::Status::kFail);
  CHECK(StatusOf(frag, "redirect_uri.no_query") == g::Status::kPass);

  // Production refuses localhost (the mock's rule, and WorkOS's): a failure.
  for (const char* u :
       {"https://localhost/callback", "https://app.localhost/cb", "https://[::1]/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.public") == g::Status::kFail);
    CHECK_THAT(Find(r, "redirect_uri.public")->reason, Catch::Contains("public"));
  }
  // Other hosts production users cannot reach are accepted by WorkOS (and the mock): advice only.
  for (const char* u :
       {"https://10.1.2.3/cb", "https://172.20.0.5/cb", "https://192.168.1.10:8443/cb",
        "https://[fd12::1]/cb", "https://169.254.1.1/cb", "https://printer.local/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.public") == g::Status::kWarn);
    CHECK_THAT(Find(r, "redirect_uri.public")->reason, Catch::Contains("public"));
  }
  CHECK(StatusOf(prod("https://172.32.0.1/cb"), "redirect_uri.public") == g::Status::kPass);

  // http://127.0.0.1 is WorkOS's native-app exception to HTTPS, but not a public host: a warning,
  // not a failure, since the mock and WorkOS accept it.
  auto loop = prod("http://127.0.0.1:3000/callback");
  CHECK(StatusOf(loop, "redirect_uri.https") == g::Status::kPass);
  CHECK(StatusOf(loop, "redirect_uri.public") == g::Status::kWarn);

  for (const char* u : {"app.example.com/callback", "/callback", "ftp://example.com/cb",
                        "https://user:pw@example.com/cb", "https:///cb",
                        "https://example.com:99999/cb", "https://exa mple.com/cb"}) {
    INFO(u);
    auto r = prod(u);
    CHECK(StatusOf(r, "redirect_uri.absolute") == g::Status::kFail);
    CHECK(StatusOf(r, "redirect_uri.https") == g::Status::kSkip);
  }
}

TEST_CASE("golive: staging allows http and local hosts; several URIs are each checked",
          "[golive]") {
  const std::string a = "http://localhost:3000/callback";
  const std::string b = "https://staging.example.com/callback?x=1";
  auto rs = g::CheckRedirectUris({a, b}, g::Kind::kStaging);
  CHECK(StatusOf(rs, "redirect_uri.https", a) == g::Status::kPass);
  CHECK(StatusOf(rs, "redirect_uri.public", a) == g::Status::kSkip);
  CHECK(StatusOf(rs, "redirect_uri.no_query", a) == g::Status::kPass);
  CHECK(StatusOf(rs, "redirect_uri.no_query", b) == g::Status::kFail);
  CHECK(g::SplitUriList(" https://a.example/cb,https://b.example/cb  https://c.example/cb ") ==
        std::vector<std::string>{"https://a.example/cb", "https://b.example/cb",
                                 "https://c.example/cb"});
}

// ================================================================== API key and client id

TEST_CASE("golive: the API key is present and a production key, and never printed", "[golive]") {
  const std::string live = Key("live", "a2V5XzAxSjdQUk9EVUNUSU9OS0VZ");
  const std::string test = Key("test", "a2V5XzAxSjdTVEFHSU5HS0VZWFla");

  auto ok = g::CheckApiKey("WORKOS_API_KEY", live, g::Kind::kProduction);
  CHECK(StatusOf(ok, "api_key.present") == g::Status::kPass);
  CHECK(StatusOf(ok, "api_key.production") == g::Status::kPass);

  auto staging_key = g::CheckApiKey("PROD_KEY", test, g::Kind::kProduction);
  CHECK(StatusOf(staging_key, "api_key.present") == g::Status::kPass);
  CHECK(StatusOf(staging_key, "api_key.production") == g::Status::kFail);
  CHECK_THAT(Find(staging_key, "api_key.production")->reason, Catch::Contains("sk_live_"));
  CHECK_THAT(Find(staging_key, "api_key.production")->reason, Catch::Contains("PROD_KEY"));

  auto unset = g::CheckApiKey("WORKOS_API_KEY", std::nullopt, g::Kind::kProduction);
  CHECK(StatusOf(unset, "api_key.present") == g::Status::kFail);
  CHECK_THAT(Find(unset, "api_key.present")->reason, Catch::Contains("not set"));
  CHECK(StatusOf(unset, "api_key.production") == g::Status::kSkip);

  CHECK(StatusOf(g::CheckApiKey("K", std::string(""), g::Kind::kProduction), "api_key.present") ==
        g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", std::string("hunter2hunter2"), g::Kind::kProduction),
                 "api_key.present") == g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", live + "\n", g::Kind::kProduction), "api_key.present") ==
        g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", test, g::Kind::kStaging), "api_key.production") ==
        g::Status::kSkip);

  for (const auto& rs : {ok, staging_key}) {
    for (const auto& r : rs) {
      CHECK(r.reason.find(live) == std::string::npos);
      CHECK(r.reason.find(test) == std::string::npos);
      CHECK(r.reason.find("a2V5XzAxSjd") == std::string::npos);
    }
  }
  CHECK(g::RedactKey(live) == "sk_live_a2…(36 chars)");
}

TEST_CASE("golive: the client id is set and starts with client_", "[golive]") {
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::string("client_01HXYZ")).status ==
        g::Status::kPass);
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::nullopt).status == g::Status::kFail);
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::string("")).status == g::Status::kFail);
  auto bad = g::CheckClientId("WORKOS_CLIENT_ID", std::string("proj_01HXYZ"));
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(bad.reason, Catch::Contains("client_"));
}

// ================================================================== key and file shapes

TEST_CASE("golive: key-shaped strings, placeholders and dotenv files", "[golive]") {
  const std::string k1 = Key("live", "Zm9vYmFyYmF6cXV4");
  const std::string k2 = Key("test", "workos_mock");
  CHECK(g::FindKeys("const key = '" + k1 + "'; // prod") == std::vector<std::string>{k1});
  CHECK(g::FindKeys("WORKOS_API_KEY=" + k2 + " other=" + k1) == std::vector<std::string>{k2, k1});
  CHECK(g::FindKeys("keys look like sk_live_… or sk_test_...").empty());
  CHECK(
      g::FindKeys(Key("test", "x") + " " + Key("live", "p") + " " + Key("test", "wrong")).empty());
  CHECK(g::FindKeys(Key("live", "xxxxxxxxxxxx")).empty());                // a placeholder
  CHECK(g::FindKeys("ask_" + std::string("live_abcdefghijkl")).empty());  // not at a word start
  CHECK(g::FindKeys("task_test_abcdefghijkl").empty());

  CHECK(g::IsEnvFile(".env"));
  CHECK(g::IsEnvFile("app/.env"));
  CHECK(g::IsEnvFile("app/.env.local"));
  CHECK(g::IsEnvFile(".env.production"));
  CHECK(g::IsEnvFile("deploy/prod.env"));
  CHECK_FALSE(g::IsEnvFile(".env.example"));
  CHECK_FALSE(g::IsEnvFile("app/.env.sample"));
  CHECK_FALSE(g::IsEnvFile(".env.template"));
  CHECK_FALSE(g::IsEnvFile("deploy/prod.example.env"));
  CHECK_FALSE(g::IsEnvFile("environment.md"));
  CHECK_FALSE(g::IsEnvFile("src/dotenv.js"));
}

TEST_CASE("golive: placeholders are not keys; real-shaped keys are, in any file", "[golive]") {
  // Each row: the text after "sk_test_" (or a whole line), and whether it is a key.
  struct Row {
    std::string line;
    bool key;
  };
  const std::vector<Row> rows = {
      // Placeholders from READMEs and .env.example files.
      {"WORKOS_API_KEY=" + Key("test", "your_api_key_here"), false},
      {"WORKOS_API_KEY=" + Key("test", "YOUR_API_KEY"), false},
      {"WORKOS_API_KEY=" + Key("test", "1234567890"), false},
      {"WORKOS_API_KEY=" + Key("live", "YourApiKeyHere"), false},
      {"WORKOS_API_KEY=" + Key("test", "example-key-0001"), false},
      {"WORKOS_API_KEY=" + Key("test", "xxxxxxxxxxxxxxxxxxxx"), false},
      {"WORKOS_API_KEY=" + Key("test", "XXXX-XXXX-XXXX"), false},
      {"WORKOS_API_KEY=" + Key("test", "xxxx1234xxxx"), false},
      {"WORKOS_API_KEY=" + Key("live", "abcdefghijklmnop"), false},
      {"WORKOS_API_KEY=" + Key("live", "abcdabcdabcd"), false},
      {"WORKOS_API_KEY=" + Key("live", "0000000000000000"), false},
      {"WORKOS_API_KEY=" + Key("test", "ab12ab12ab12ab12"), false},
      {"WORKOS_API_KEY=" + Key("test", "replace_me_with_a_key"), false},
      {"WORKOS_API_KEY=" + Key("test", "placeholder"), false},
      {"WORKOS_API_KEY=" + Key("test", "dummy_value_for_ci"), false},
      {"WORKOS_API_KEY=" + Key("test", "4fQ9zLm2<rest of the key>"), false},
      {"WORKOS_API_KEY=" + Key("test", "<your key>"), false},
      {"key: \"" + Key("test", "9876543210") + "\"", false},  // sequential, downwards
      // Real-shaped keys: random tails, also next to placeholder-looking text.
      {"WORKOS_API_KEY=" + Key("live", "Zm9vYmFyYmF6cXV4"), true},
      {"WORKOS_API_KEY=" + Key("test", "a2V5XzAxSjhRN0YzWlBNV1ZLM1I4REhF"), true},
      {"# your key here: " + Key("live", "T3kq9PzR8vX2mLw5"), true},
      {"<code>" + Key("live", "T3kq9PzR8vX2mLw5") + "</code><br>", true},
      {Key("live", "T3kq9PzR8vX2mLw5") + "<br>", true},
      {Key("live", "T3kq9yOuR8vX2mLw"), true},  // mixed case: random, not the word "your"
      {Key("live", "xXx1j0uwMcmoMi1c"), true},
      {Key("live", "pW576k6RWfQRmcfElj8xxx3A"), true},  // three x between digits: random
      {Key("test", "workos_mock"), true},  // the mock's key: listed in .golive-allow instead
      {Key("test", "not_a_real_key"), true},
  };
  for (const Row& row : rows) {
    INFO(row.line);
    CHECK(g::FindKeys(row.line).size() == (row.key ? 1u : 0u));
    CHECK(g::FindKeyShapes(row.line).size() ==
          (row.line.find("<your") == std::string::npos ? 1u : 0u));
  }
  CHECK(g::PlaceholderReason(Key("test", "your_api_key_here")) == "a placeholder word ('your')");
  CHECK(g::PlaceholderReason(Key("test", "1234567890")) == "sequential characters");
  CHECK(g::PlaceholderReason(Key("test", "abcdabcdab")) == "low-entropy ('abcd' repeated)");
  CHECK(g::PlaceholderReason(Key("test", "abababab")) == "low-entropy (2 distinct characters)");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "<rest>") == "");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "<REST>") ==
        "a template in angle brackets follows it");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "</code>") == "");
}

TEST_CASE("golive: an .env.example with placeholders passes; a real key in it fails", "[golive]") {
  TempRepo repo;
  repo.Write(".env.example", "WORKOS_API_KEY=" + Key("test", "your_api_key_here") +
                                 "\nWORKOS_CLIENT_ID=client_your_client_id\n");
  repo.Write("README.md", "Set `WORKOS_API_KEY=" + Key("test", "YOUR_API_KEY") + "` or " +
                              Key("test", "1234567890") + " for a dry run.\n");
  repo.Commit();
  auto clean = repo.Scan();
  INFO(AllDetails(clean));
  CHECK(clean.status == g::Status::kPass);

  const std::string real = Key("test", "a2V5XzAxSjhRN0YzWlBNV1ZLM1I4REhF");
  repo.Write(".env.example", "WORKOS_API_KEY=" + real + "\n");
  repo.Commit("a real key in the template");
  auto leaked = repo.Scan();
  INFO(AllDetails(leaked));
  CHECK(leaked.status == g::Status::kFail);
  CHECK_THAT(AllDetails(leaked), Catch::Contains(".env.example:1"));
  CHECK(AllDetails(leaked).find(real) == std::string::npos);
}

TEST_CASE("golive: the allow file takes whole keys, optionally scoped to paths", "[golive]") {
  const std::string mock = Key("test", "workos_mock");
  const std::string scoped = Key("test", "not_a_real_key");
  std::vector<std::string> errors;
  auto a = g::AllowList::Parse("# the mock's documented default key\n" + mock + "\n" + scoped +
                                   "  tests/*  conformance/*.mjs # test fixtures only\n"
                                   "env-file examples/*/.env.test\n\n",
                               &errors);
  CHECK(errors.empty());
  CHECK(a.AllowsKey(mock, "README.md"));
  CHECK(a.AllowsKey(scoped, "tests/http/x_test.cc"));
  CHECK(a.AllowsKey(scoped, "conformance/sdk-node/test/errors.test.mjs"));
  CHECK_FALSE(a.AllowsKey(scoped, "src/app.js"));
  CHECK_FALSE(a.AllowsKey(mock + "_sso", "README.md"));  // exact keys only
  CHECK(a.AllowsEnvFile("examples/app/.env.test"));
  CHECK_FALSE(a.AllowsEnvFile(".env"));

  errors.clear();
  g::AllowList::Parse(Key("test", "*") + "\nsk_live_\n" + Key("test", "abc") + "\nenv-file\n",
                      &errors);
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors[0], Catch::Contains("line 1") && Catch::Contains("not a whole key"));
  CHECK_THAT(errors[3], Catch::Contains("env-file needs a path"));
}

TEST_CASE("golive: text and history scanning honour the allow marker and the allow list",
          "[golive]") {
  const std::string leak = Key("live", "bGVha2VkIGtleQ1x");
  const std::string fine = Key("test", "workos_mock");
  g::AllowList allow;
  allow.keys.push_back({fine, {}});

  g::ScanTally t;
  g::ScanText("src/app.js",
              "line one\nconst k = '" + leak + "';\nconst m = '" + fine + "';\nconst n = '" + leak +
                  "'; // golive:allow (documented example)\n",
              allow, &t);
  REQUIRE(t.findings.size() == 1);
  CHECK(t.findings[0].path == "src/app.js");
  CHECK(t.findings[0].line == 2);
  CHECK(t.allowed == 2);
  CHECK(t.findings[0].Describe() == "src/app.js:2: sk_live_bG…(24 chars)");

  const std::string patch = std::string("\x01golive-commit abc1234\n") +
                            "diff --git a/config/.env b/config/.env\n"
                            "new file mode 100644\n"
                            "index 0000000..1111111\n"
                            "--- /dev/null\n"
                            "+++ b/config/.env\n"
                            "@@ -0,0 +1,2 @@\n"
                            "+WORKOS_CLIENT_ID=client_123\n"
                            "+WORKOS_API_KEY=" +
                            leak +
                            "\n"
                            "\x01golive-commit def5678\n"
                            "diff --git a/src/a b/src/a.js\n"
                            "--- a/src/a.js\n"
                            "+++ b/src/a.js\n"
                            "@@ -10,0 +11,2 @@ function x() {\n"
                            "+  ok('" +
                            fine +
                            "');\n"
                            "+  use('" +
                            leak + "');\n" + "-  use('" + Key("live", "cmVtb3ZlZHJlbW92ZWQ") +
                            "');\n";
  g::ScanTally h;
  g::ScanHistory(patch, allow, &h);
  REQUIRE(h.findings.size() == 3);
  CHECK(h.findings[0].what == g::Finding::What::kEnvFile);
  CHECK(h.findings[0].path == "config/.env");
  CHECK(h.findings[0].commit == "abc1234");
  CHECK(h.findings[1].path == "config/.env");
  CHECK(h.findings[1].line == 2);
  CHECK(h.findings[2].path == "src/a.js");
  CHECK(h.findings[2].line == 12);
  CHECK(h.findings[2].commit == "def5678");
  CHECK(h.allowed == 1);
  for (const auto& f : h.findings) CHECK(f.Describe().find(leak) == std::string::npos);
}

// ================================================================== repository scan

TEST_CASE("golive: a clean repository passes the secrets scan", "[golive]") {
  TempRepo repo;
  repo.Write("app.js", "const key = process.env.WORKOS_API_KEY; // sk_live_… from the vault\n");
  repo.Write(".env.example", "WORKOS_API_KEY=\nWORKOS_CLIENT_ID=\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("2 tracked files") && Catch::Contains("1 commit"));
}

TEST_CASE("golive: a committed key fails with its place; the allow file and marker fix it",
          "[golive]") {
  const std::string key = Key("test", "d29ya29zX21vY2tfdGVzdA");
  TempRepo repo;
  repo.Write("README.md", "# app\n");
  repo.Commit("init");
  repo.Write("src/config.js", "module.exports = {\n  apiKey: '" + key + "',\n};\n");
  repo.Commit("add config");

  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("committed secret") && Catch::Contains(".golive-allow"));
  CHECK_THAT(AllDetails(r), Catch::Contains("src/config.js:2: sk_test_d2…"));
  CHECK(AllDetails(r).find(key) == std::string::npos);

  // Allowed by the allow file (scoped to the path) ...
  repo.Write(".golive-allow", "# test key of the fake backend\n" + key + " src/*\n");
  auto allowed = repo.Scan();
  INFO(AllDetails(allowed));
  CHECK(allowed.status == g::Status::kPass);
  CHECK_THAT(allowed.reason, Catch::Contains("allowed: 1 test key or file (2 places"));
  // ... but not elsewhere.
  repo.Write(".golive-allow", key + " tests/*\n");
  CHECK(repo.Scan().status == g::Status::kFail);
  // A bad allow file is a failure that names the line.
  repo.Write(".golive-allow", "sk_test_*\n");
  auto bad = repo.Scan();
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(AllDetails(bad), Catch::Contains("line 1"));
  RunCommand({"/bin/rm", "-f", repo.dir + "/.golive-allow"});

  // Removing the key leaves it in history.
  repo.Write("src/config.js", "module.exports = { apiKey: process.env.WORKOS_API_KEY };\n");
  repo.Commit("remove key");
  auto history = repo.Scan();
  INFO(AllDetails(history));
  CHECK(history.status == g::Status::kFail);
  CHECK_THAT(history.reason, Catch::Contains("0 in tracked files, 1 in history"));
  CHECK_THAT(AllDetails(history), Catch::Contains("commit ") && Catch::Contains("src/config.js:2"));
  // --history-commits 0 looks at the tracked files only.
  g::RepoScanOptions o;
  o.repo = repo.dir;
  o.history_commits = 0;
  CHECK(g::CheckRepository(o).status == g::Status::kPass);
  // An explicit allow file elsewhere.
  const std::string allow_path = repo.dir + "-allow";
  std::ofstream(allow_path) << key << "\n";
  CHECK(repo.Scan(allow_path).status == g::Status::kPass);
  std::remove(allow_path.c_str());
  CHECK(repo.Scan("/nonexistent/allow").status == g::Status::kFail);
}

TEST_CASE("golive: the committed allow file is not scanned, in its history either", "[golive]") {
  const std::string key = Key("test", "c2NvcGVkX3Rlc3Rfa2V5");
  TempRepo repo;
  repo.Write("tests/fake.js", "const key = '" + key + "';\n");
  repo.Write(".golive-allow", "# the fake backend's key, only in tests\n" + key + " tests/*\n");
  repo.Commit("tests with an allowed key");
  repo.Write(".golive-allow", "# the fake backend's key, only in tests\n" + key + "   tests/*\n");
  repo.Commit("reformat the allow file");
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK(AllDetails(r).find(".golive-allow:") == std::string::npos);
  // The same key anywhere else still fails, also in history.
  repo.Write("src/app.js", "const key = '" + key + "';\n");
  repo.Commit("leak");
  repo.Write("src/app.js", "const key = process.env.WORKOS_API_KEY;\n");
  repo.Commit("unleak");
  auto leaked = repo.Scan();
  INFO(AllDetails(leaked));
  CHECK(leaked.status == g::Status::kFail);
  CHECK_THAT(AllDetails(leaked), Catch::Contains("src/app.js:1"));
  CHECK(AllDetails(leaked).find(".golive-allow:") == std::string::npos);
}

TEST_CASE("golive: a key in a pull request is scanned once docs/ci.md's fetch step ran",
          "[golive]") {
  // docs/ci.md's job fetches the pull-request heads before golive: that command, verbatim.
  std::ifstream doc(std::string(WORKOS_MOCK_SOURCE_DIR) + "/docs/ci.md");
  REQUIRE(doc);
  std::string fetch, line;
  bool in_step = false;
  while (std::getline(doc, line)) {
    if (line.find("- name: Fetch pull-request heads") != std::string::npos) in_step = true;
    const size_t run = line.find("run: git fetch");
    if (in_step && run != std::string::npos) {
      fetch = line.substr(run + 5);
      break;
    }
  }
  INFO("docs/ci.md's fetch step: " << fetch);
  REQUIRE_THAT(fetch, Catch::StartsWith("git fetch") && Catch::Contains("refs/pull/"));

  // GitHub's side: main, and a pull request whose branch is gone; only refs/pull/7/head keeps
  // the commit with the key.
  const std::string key = Key("live", "cHVsbHJlcXVlc3RrZXk9");
  TempRepo origin;
  origin.Write("README.md", "# app\n");
  origin.Commit("init");
  origin.Sh("git checkout -q -b feature");
  origin.Write("src/config.js", "module.exports = { apiKey: '" + key + "' };\n");
  origin.Commit("wip");
  origin.Sh(
      "git update-ref refs/pull/7/head HEAD && git checkout -q - && git branch -q -D feature");
  CHECK(origin.Scan().status == g::Status::kFail);  // it is in the repository

  // A CI checkout: every branch, no pull request.
  TempRepo ci;
  ci.Sh("rm -rf .git && git clone -q '" + origin.dir + "' . 2>&1");
  auto before = ci.Scan();
  INFO(AllDetails(before));
  CHECK(before.status == g::Status::kPass);  // the scan cannot see what was not fetched

  ci.Sh(fetch + " 2>&1");
  auto after = ci.Scan();
  INFO(AllDetails(after));
  CHECK(after.status == g::Status::kFail);
  CHECK_THAT(AllDetails(after), Catch::Contains("src/config.js:1") && Catch::Contains("commit "));
}

TEST_CASE("golive: the inline golive:allow marker allows one line", "[golive]") {
  const std::string key = Key("test", "ZG9jdW1lbnRlZGV4YW1wbGU");
  TempRepo repo;
  repo.Write("docs/setup.md", "export WORKOS_API_KEY=" + key + "  <!-- golive:allow -->\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("allowed: 1 test key or file (2 places, by golive:allow)"));
}

TEST_CASE("golive: a committed .env file fails even without a key in it", "[golive]") {
  TempRepo repo;
  repo.Write("app/.env", "WORKOS_CLIENT_ID=client_123\n");
  repo.Write(".gitignore", "node_modules/\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(AllDetails(r), Catch::Contains("app/.env: dotenv file is tracked"));
  // History adds nothing the tracked files already show.
  CHECK(AllDetails(r).find("added in history") == std::string::npos);

  repo.Write(".golive-allow", "env-file app/.env\n");
  CHECK(repo.Scan().status == g::Status::kPass);
  RunCommand({"/bin/rm", "-f", repo.dir + "/.golive-allow"});

  // Deleted since, but still in history.
  repo.Sh("git rm -q app/.env && git commit -q -m 'remove .env'");
  auto past = repo.Scan();
  INFO(AllDetails(past));
  CHECK(past.status == g::Status::kFail);
  CHECK_THAT(AllDetails(past), Catch::Contains("app/.env: dotenv file added in history"));
}

TEST_CASE("golive: a directory that is not a git checkout fails the scan", "[golive]") {
  char tmpl[] = "/tmp/golive-plain-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  g::RepoScanOptions o;
  o.repo = dir;
  auto r = g::CheckRepository(o);
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("not a git checkout") && Catch::Contains("--repo"));
  rmdir(dir.c_str());
}

// ================================================================== the app receives redirects

TEST_CASE("golive: an app that exchanges the code passes the redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback()));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("exchanged the code at /sso/token (200)") &&
                           Catch::Contains("answered the callback with 302"));
  CHECK(app.callbacks == 1);
  CHECK(AllDetails(r).find(t.env.api_key) == std::string::npos);
}

TEST_CASE("golive: an app that never exchanges the code fails with a clear reason", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kNeverExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback(), 1000));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("answered the callback with 200 but never exchanged the "
                                       "code at /sso/token") &&
                           Catch::Contains("getProfileAndToken"));
  CHECK(app.callbacks == 1);
}

TEST_CASE("golive: an app whose callback fails with a 5xx fails the redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchangeThen500);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback()));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("answered the callback with 500"));
  CHECK_THAT(AllDetails(r), Catch::Contains("session store <down>"));
}

TEST_CASE("golive: an app configured with the wrong client id fails with the token status",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kWrongClientId);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback(), 1000));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason,
             Catch::Contains("called /sso/token but got 4") && Catch::Contains("WORKOS_CLIENT_ID"));
}

TEST_CASE("golive: the redirect check explains set-up mistakes", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;

  SECTION("no callback URL or mock URL: skipped") {
    auto o = FlowFor(t, "");
    CHECK(g::CheckAppReceivesRedirects(o).status == g::Status::kSkip);
    o = FlowFor(t, app.callback());
    o.mock_url.clear();
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kSkip);
    CHECK_THAT(r.reason, Catch::Contains("--mock-url"));
  }
  SECTION("callback not registered") {
    auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback() + "/other"));
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("not a redirect URI of mock environment") &&
                             Catch::Contains(app.callback()));
  }
  SECTION("a key the mock does not know") {
    auto o = FlowFor(t, app.callback());
    o.mock_api_key = Key("test", "dW5rbm93bnVua25vd24");
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("does not know the key"));
    CHECK(r.reason.find(o.mock_api_key) == std::string::npos);
  }
  SECTION("not a mock") {
    auto o = FlowFor(t, app.callback());
    o.mock_url = "http://127.0.0.1:" + std::to_string(app.port);
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("is not a workos-mock"));
  }
  SECTION("the mock is not running") {
    auto o = FlowFor(t, app.callback());
    o.mock_url = "http://127.0.0.1:1";
    o.base.retry.max_retries = 0;
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("cannot reach workos-mock"));
  }
}

TEST_CASE("golive: the redirect check fails when the app is not running", "[golive]") {
  int port = 0;
  {
    FakeApp gone(FakeApp::Behaviour::kExchange);  // a port that just became free
    port = gone.port;
  }
  const std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  testsupport::TestEnv t(WithRedirect(callback));
  auto o = FlowFor(t, callback, 500);
  o.base.retry.max_retries = 0;
  auto r = g::CheckAppReceivesRedirects(o);
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("did not answer its callback URL"));
}

TEST_CASE("golive: the app's SDK from its manifests, and how to point each at the mock",
          "[golive]") {
  using g::Sdk;
  CHECK(g::SdkFromManifest("package.json", R"({"dependencies":{"@workos-inc/node":"^8"}})") ==
        Sdk::kNode);
  CHECK_FALSE(g::SdkFromManifest("package.json", R"({"dependencies":{"express":"^5"}})"));
  CHECK(g::SdkFromManifest("app/requirements.txt", "flask==3.0\nworkos>=5.0\n") == Sdk::kPython);
  CHECK(g::SdkFromManifest("requirements-dev.txt", "workos\n") == Sdk::kPython);
  CHECK_FALSE(g::SdkFromManifest("requirements.txt", "workos-helpers==1.0\nmyworkos\n"));
  CHECK(g::SdkFromManifest("pyproject.toml", "dependencies = [\"workos~=10.0\"]\n") ==
        Sdk::kPython);
  CHECK(g::SdkFromManifest("Gemfile", "gem 'workos', '~> 10'\n") == Sdk::kRuby);
  CHECK(g::SdkFromManifest("go.mod", "require github.com/workos/workos-go/v10 v10.1.1\n") ==
        Sdk::kGo);
  CHECK(g::SdkFromManifest("composer.json", R"({"require":{"workos/workos-php":"^9"}})") ==
        Sdk::kPhp);
  CHECK_FALSE(g::SdkFromManifest("README.md", "@workos-inc/node"));

  const std::string mock = "http://127.0.0.1:4400";
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kNode, mock),
             Catch::Contains("no base-URL variable") &&
                 Catch::Contains("apiHostname: '127.0.0.1', port: 4400, https: false"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kNode, "https://mock.internal"),
             Catch::Contains("apiHostname: 'mock.internal', https: true"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kPython, mock),
             Catch::Contains("WORKOS_BASE_URL=http://127.0.0.1:4400"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kRuby, mock), Catch::Contains("c.base_url = '" + mock));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kGo, mock), Catch::Contains("workos.WithBaseURL(\"" + mock));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kPhp, mock), Catch::Contains("baseUrl: '" + mock));
  for (Sdk s : {Sdk::kNode, Sdk::kRuby, Sdk::kGo, Sdk::kPhp}) {
    CHECK(g::SdkBaseUrlHint(s, mock).find("WORKOS_BASE_URL") == std::string::npos);
  }

  TempRepo repo;
  repo.Write("web/package.json", R"({"dependencies":{"@workos-inc/node":"11.0.0"}})");
  repo.Write("web/node_modules/x/package.json", R"({"dependencies":{"@workos-inc/node":"1"}})");
  repo.Write("vendor/go.mod", "require github.com/workos/workos-go/v10 v10.1.1\n");
  repo.Write("api/requirements.txt", "workos==10.2.0\n");
  repo.Commit();
  CHECK(g::DetectSdks(repo.dir) == std::vector<Sdk>{Sdk::kNode, Sdk::kPython});
  CHECK(g::DetectSdks("/nonexistent-golive-dir").empty());
}

// ================================================================== error redirects

namespace {
const g::CheckResult& ErrorCheck(const std::vector<g::CheckResult>& rs) {
  REQUIRE(rs.size() == 2);
  REQUIRE(rs[0].id == "app.receives_redirects");
  REQUIRE(rs[1].id == "app.handles_error_redirects");
  return rs[1];
}
}  // namespace

TEST_CASE("golive: an app that handles ?error= passes the error-redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(rs[0]) << "\n" << AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("a used link (400), an expired link (400) and an SSO error "
                                       "(400) without exchanging a code, and kept answering"));
  // The app saw what production sends: access_denied with a description and the state.
  REQUIRE(app.error_callbacks == 3);
  std::lock_guard<std::mutex> lock(app.mu);
  for (const auto& params : app.error_params) {
    auto get = [&](const std::string& k) {
      auto it = params.find(k);
      return it == params.end() ? std::string("<none>") : it->second;
    };
    CHECK(get("error") == "access_denied");
    CHECK(get("error_description") != "<none>");
    CHECK_THAT(get("state"), Catch::StartsWith("golive-"));
    CHECK(params.count("code") == 0);
  }
  CHECK(app.error_params[2].count("error_uri") == 1);  // the SSO error
  // Only the happy flow's code was exchanged.
  CHECK(testsupport::Requests(t.mock(), "POST", "/sso/token").size() == 1);
  // The expired link: the environment's clock moved past the link's 15 minutes, and says so.
  CHECK(t.mock().GetClock().offset_seconds >= 900);
  CHECK_THAT(AllDetails(r),
             Catch::Contains("moved the clock of the app's mock environment forward"));
  CHECK_THAT(AllDetails(r), Catch::Contains("used link: GET /callback?error=access_denied&"));
  CHECK_THAT(AllDetails(r), Catch::Contains("SSO error: GET /callback?error=access_denied&"));
}

TEST_CASE("golive: an app whose callback answers ?error= with a 500 fails, per case", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kFailsOnError);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);  // the happy path works
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::StartsWith("used link: answered 500; expired link: answered 500; "
                                         "SSO error: answered 500 — read ?error= before ?code="));
  CHECK_THAT(AllDetails(r), Catch::Contains("body: Internal Server Error: TypeError"));
  CHECK(app.error_callbacks == 3);
}

TEST_CASE("golive: an app that exchanges a code it never got fails, even with a 400 page",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchangesWithoutCode);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kFail);
  for (const char* name : {"used link", "expired link", "SSO error"}) {
    CHECK_THAT(r.reason,
               Catch::Contains(std::string(name) + ": answered 400, exchanged a code it never got "
                                                   "(POST /sso/token → 400)"));
  }
  CHECK(r.reason.find("stopped answering") == std::string::npos);
  CHECK(testsupport::Requests(t.mock(), "POST", "/sso/token").size() == 4);
}

TEST_CASE("golive: an app that crashes on ?error= fails: no answer, and it stopped answering",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kCrashesOnError);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto o = FlowFor(t, app.callback());
  o.base.retry.max_retries = 0;
  auto rs = g::CheckAppRedirects(o);
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::StartsWith("used link: no answer (") &&
                           Catch::Contains("exchanged a code it never got") &&
                           Catch::Contains("then stopped answering (GET /: connection failed)") &&
                           Catch::Contains("expired link: not run (the app stopped answering); "
                                           "SSO error: not run (the app stopped answering)"));
  CHECK(app.error_callbacks == 1);
  CHECK_THAT(AllDetails(r),
             Catch::Contains("\nexpired link → not run (the app stopped answering)"));
}

TEST_CASE("golive: the error-redirect check is skipped when off or when the app was not reached",
          "[golive]") {
  SECTION("turned off") {
    FakeApp app(FakeApp::Behaviour::kExchange);
    testsupport::TestEnv t(WithRedirect(app.callback()));
    app.config = t.config;
    auto o = FlowFor(t, app.callback());
    o.error_redirects = false;
    auto rs = g::CheckAppRedirects(o);
    CHECK(rs[0].status == g::Status::kPass);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
    CHECK_THAT(rs[1].reason, Catch::Contains("--no-error-redirects"));
    CHECK(app.error_callbacks == 0);
    CHECK(t.mock().GetClock().offset_seconds == 0);
  }
  SECTION("no callback URL") {
    testsupport::TestEnv t;
    auto rs = g::CheckAppRedirects(FlowFor(t, ""));
    CHECK(rs[0].status == g::Status::kSkip);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
  }
  SECTION("the app is not running") {
    int port = 0;
    {
      FakeApp gone(FakeApp::Behaviour::kExchange);
      port = gone.port;
    }
    const std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
    testsupport::TestEnv t(WithRedirect(callback));
    auto o = FlowFor(t, callback, 500);
    o.base.retry.max_retries = 0;
    auto rs = g::CheckAppRedirects(o);
    CHECK(rs[0].status == g::Status::kFail);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
    CHECK_THAT(rs[1].reason, Catch::Contains("did not get as far as the app's callback"));
  }
}

TEST_CASE("golive: an app that never exchanges gets the hint for its SDK", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kNeverExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto o = FlowFor(t, app.callback(), 500);
  o.sdks = {g::Sdk::kNode};
  auto r = g::CheckAppReceivesRedirects(o);
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("Node (@workos-inc/node): reads WORKOS_API_KEY and "
                                       "WORKOS_CLIENT_ID but no base-URL variable") &&
                           Catch::Contains("apiHostname: '127.0.0.1'"));
  CHECK(r.reason.find("WORKOS_BASE_URL") == std::string::npos);

  o.sdks.clear();  // unknown SDK: the reason stays short, the details name all five
  r = g::CheckAppReceivesRedirects(o);
  CHECK_THAT(r.reason, Catch::Contains("the details say how for each official SDK"));
  CHECK_THAT(AllDetails(r), Catch::Contains("Python (workos): reads WORKOS_BASE_URL") &&
                                Catch::Contains("Go (workos-go)") &&
                                Catch::Contains("Ruby (workos gem)") &&
                                Catch::Contains("PHP (workos/workos-php)"));
}

// ================================================================== the live check (mock only)

TEST_CASE("golive: the key check against an API (the mock stands in for the live one)",
          "[golive]") {
  testsupport::TestEnv t;
  auto base = testsupport::BaseConfig();
  CHECK(g::CheckLiveKey(false, t.env.api_key, base, testsupport::MockBaseUrl()).status ==
        g::Status::kSkip);
  auto ok = g::CheckLiveKey(true, t.env.api_key, base, testsupport::MockBaseUrl());
  INFO(ok.reason);
  CHECK(ok.status == g::Status::kPass);
  auto bad =
      g::CheckLiveKey(true, Key("live", "cmV2b2tlZHJldm9rZWQ"), base, testsupport::MockBaseUrl());
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(bad.reason, Catch::Contains("refused the key (401)"));
}

// ================================================================== output

TEST_CASE("golive: the table and the JUnit report", "[golive]") {
  g::Report report;
  report.checks.push_back(g::Pass("redirect_uri.https", "https://a.example/cb", "uses HTTPS"));
  auto f = g::Fail("repo.no_committed_secrets", ".", "1 committed secret: <remove> it & rotate");
  f.details.push_back("src/a.js:2: \"quoted\" 'single' \x01 control");
  report.checks.push_back(f);
  report.checks.push_back(g::Skip("api_key.live", "https://api.workos.com", "opt-in: --live"));
  CHECK_FALSE(report.ok());

  const std::string table = g::RenderTable(report);
  CHECK_THAT(table,
             Catch::Contains("RESULT") && Catch::Contains("FAIL   repo.no_committed_secrets"));
  CHECK_THAT(table, Catch::Contains("1 passed, 1 failed, 1 skipped"));
  CHECK_THAT(table, Catch::Contains("Details:") && Catch::Contains("src/a.js:2"));

  const std::string x = g::RenderJUnit(report);
  CHECK_THAT(x, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  CHECK_THAT(x, Catch::Contains("<testsuite name=\"workos-golive\" tests=\"3\" failures=\"1\" "
                                "errors=\"0\" skipped=\"1\""));
  CHECK_THAT(x, Catch::Contains("<testcase classname=\"golive.redirect_uri\" "
                                "name=\"redirect_uri.https [https://a.example/cb]\""));
  CHECK_THAT(x, Catch::Contains("message=\"1 committed secret: &lt;remove&gt; it &amp; rotate\""));
  CHECK_THAT(x, Catch::Contains("&quot;quoted&quot; &apos;single&apos;  control"));
  CHECK_THAT(x, Catch::Contains("<skipped message=\"opt-in: --live\"/>"));
  CHECK(x.find('\x01') == std::string::npos);
  CHECK(g::XmlEscape("a\xff"
                     "b") == "a?b");
}

// ================================================================== the CLI

TEST_CASE("golive CLI: exit codes, table, JUnit file, no key printed", "[golive]") {
  const std::string test_key = Key("test", "Y2xpY2xpY2xpY2xpY2xp");
  TempRepo repo;
  repo.Write("app.js", "// reads WORKOS_API_KEY\n");
  repo.Commit();
  const std::string junit = repo.dir + "-report.xml";

  auto bad_kind = RunCommand({WORKOS_CLIENT_CLI, "golive", "--kind", "prod"});
  CHECK(bad_kind.exit_code == 2);
  CHECK_THAT(bad_kind.err, Catch::Contains("--kind must be production or staging"));

  auto help = RunCommand({WORKOS_CLIENT_CLI, "golive", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--redirect-uri") && Catch::Contains("--junit"));

  auto failing =
      RunCommand({WORKOS_CLIENT_CLI, "golive", "--redirect-uri", "http://app.example.com/callback",
                  "--repo", repo.dir, "--junit", junit},
                 {"WORKOS_API_KEY=" + test_key, "WORKOS_CLIENT_ID=client_01CLI"});
  INFO(failing.out << failing.err);
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.out, Catch::Contains("FAIL   redirect_uri.https") &&
                              Catch::Contains("FAIL   api_key.production") &&
                              Catch::Contains("PASS   client_id.present") &&
                              Catch::Contains("PASS   repo.no_committed_secrets") &&
                              Catch::Contains("SKIP   app.receives_redirects") &&
                              Catch::Contains("SKIP   app.handles_error_redirects") &&
                              Catch::Contains("SKIP   api_key.live"));
  CHECK(failing.out.find(test_key) == std::string::npos);
  CHECK(failing.err.find(test_key) == std::string::npos);
  std::ifstream in(junit);
  std::string xml((std::istreambuf_iterator<char>(in)), {});
  CHECK_THAT(xml, Catch::Contains("failures=\"2\""));
  CHECK(xml.find(test_key) == std::string::npos);

  const std::string live_key = Key("live", "Y2xpY2xpY2xpY2xpY2xp");
  auto passing = RunCommand({WORKOS_CLIENT_CLI, "golive", "--repo", repo.dir, "--api-key-env",
                             "PROD_WORKOS_KEY", "--client-id-env", "PROD_CLIENT_ID"},
                            {"PROD_WORKOS_KEY=" + live_key, "PROD_CLIENT_ID=client_01PROD",
                             "WORKOS_REDIRECT_URI=https://app.example.com/callback, "
                             "https://www.example.com/callback"});
  INFO(passing.out << passing.err);
  CHECK(passing.exit_code == 0);
  CHECK_THAT(passing.out,
             Catch::Contains("https://www.example.com/callback") && Catch::Contains("0 failed"));
  CHECK(passing.out.find(live_key) == std::string::npos);
  std::remove(junit.c_str());
}
