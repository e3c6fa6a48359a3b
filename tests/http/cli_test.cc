// The workos-mock command line as a CI job uses it: variables for every flag, --version, exit
// codes, `exec`, --host 0.0.0.0, JSON logs, and the environment listing.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <regex>
#include <string>

#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

std::string TempPath(const std::string& what) {
  return "/tmp/workos-mock-cli-" + std::to_string(getpid()) + "-" + what;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("--version prints the project's version; --help lists flags, variables, exit codes",
          "[cli]") {
  Finished v = RunMock({"--version"});
  CHECK(v.code == 0);
  CHECK(v.out == std::string("workos-mock ") + WORKOS_MOCK_VERSION + "\n");
  Finished h = RunMock({"--help"}, {{"WORKOS_MOCK_PORT", "not-a-port"}});
  CHECK(h.code == 0);  // --help works whatever else is set
  for (const char* s : {"--port PORT", "(env WORKOS_MOCK_PORT)", "(env WORKOS_MOCK_ADMIN_TOKEN)",
                        "(env WORKOS_MOCK_STATE_INTERVAL_MS)", "Exit codes:", "workos-mock exec"})
    CHECK(h.out.find(s) != std::string::npos);
}

TEST_CASE("every flag can come from WORKOS_MOCK_<FLAG>; the flag wins; a bad value names it",
          "[cli]") {
  const std::string port_file = TempPath("port");
  std::remove(port_file.c_str());
  SECTION("variables configure the server") {
    Finished bad = RunMock({}, {{"WORKOS_MOCK_MAX_CONNECTIONS", "lots"}});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("WORKOS_MOCK_MAX_CONNECTIONS must be a whole number") != std::string::npos);
    Finished bad_switch = RunMock({}, {{"WORKOS_MOCK_TLS", "maybe"}});
    CHECK(bad_switch.code == 2);
    CHECK(bad_switch.err.find("WORKOS_MOCK_TLS must be 1, true") != std::string::npos);
    Finished bad_flag = RunMock({"--port", "70000"});
    CHECK(bad_flag.code == 2);
    CHECK(bad_flag.err.find("--port must be a whole number from 0 to 65535, not '70000'") !=
          std::string::npos);
  }
  SECTION("exec picks up the variables, and the flag overrides the variable") {
    // WORKOS_MOCK_LOG=json would log JSON lines; --log off on the command line silences it.
    Finished f = RunMock({"--log", "off", "exec", "--", "true"},
                         {{"WORKOS_MOCK_PORT_FILE", port_file}, {"WORKOS_MOCK_LOG", "json"}});
    // "exec" must come first.
    CHECK(f.code == 2);
    Finished g = RunMock({"exec", "--log", "off", "--", "sh", "-c", "cat \"$0\"", port_file},
                         {{"WORKOS_MOCK_PORT_FILE", port_file}, {"WORKOS_MOCK_LOG", "json"}});
    CHECK(g.code == 0);
    CHECK(std::regex_match(g.out, std::regex("\\d+\n")));  // the port file, written at start
    CHECK(g.err.find("\"method\"") == std::string::npos);  // no JSON log lines
  }
  std::remove(port_file.c_str());
}

TEST_CASE("exec: CMD gets the connection, its exit status is ours, the server stops cleanly",
          "[cli][exec]") {
  const std::string state = TempPath("state.json");
  std::remove(state.c_str());
  Finished f = RunMock(
      {"exec", "--log", "off", "--state-file", state, "--", "sh", "-c",
       "echo \"$WORKOS_BASE_URL|$WORKOS_API_HOSTNAME|$WORKOS_API_PORT|$WORKOS_API_HTTPS|"
       "$WORKOS_API_KEY|$WORKOS_CLIENT_ID\"; "
       "curl -fsS -X POST \"$WORKOS_BASE_URL/passwordless/sessions\" -H \"Authorization: Bearer "
       "$WORKOS_API_KEY\" -d '{\"type\":\"MagicLink\",\"email\":\"exec@example.com\"}' "
       ">/dev/null && exit 7"});
  CHECK(f.code == 7);
  std::smatch m;
  REQUIRE(std::regex_search(f.out, m,
                            std::regex(R"(http://127\.0\.0\.1:(\d+)\|127\.0\.0\.1\|(\d+)\|false\|)"
                                       R"(sk_test_workos_mock\|client_workos_mock)")));
  CHECK(m[1] == m[2]);
  CHECK(m[1] != "4400");  // an ephemeral port
  // The listening line went to stderr: stdout is CMD's.
  CHECK(f.out.find("listening") == std::string::npos);
  CHECK(f.err.find("workos-mock listening on http://127.0.0.1:") != std::string::npos);
  // The state file was written on the way out, with the session CMD created.
  CHECK(Slurp(state).find("exec@example.com") != std::string::npos);
  std::remove(state.c_str());

  SECTION("CMD killed by a signal: 128+N") {
    CHECK(RunMock({"exec", "--log", "off", "--", "sh", "-c", "kill -TERM $$"}).code == 143);
  }
  SECTION("CMD that cannot run: 127") {
    CHECK(RunMock({"exec", "--log", "off", "--", "/nonexistent/cmd"}).code == 127);
  }
  SECTION("a server that cannot start: 2, with the reason, CMD never runs") {
    Finished bad = RunMock({"exec", "--config", "/nonexistent.json", "--", "sh", "-c", "exit 0"});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("/nonexistent.json") != std::string::npos);
  }
  SECTION("--tls: CMD is told which certificate to trust") {
    Finished tls = RunMock({"exec", "--log", "off", "--tls", "--", "sh", "-c",
                            "test \"$WORKOS_API_HTTPS\" = true && test -s \"$WORKOS_CA_FILE\" && "
                            "test \"$NODE_EXTRA_CA_CERTS\" = \"$WORKOS_CA_FILE\" && "
                            "curl -fsS --cacert \"$WORKOS_CA_FILE\" \"$WORKOS_BASE_URL/health\""});
    CHECK(tls.code == 0);
    CHECK(tls.out == R"({"status":"ok"})");
  }
}

TEST_CASE("--host 0.0.0.0 prints the address it listens on and warns where links point", "[cli]") {
  Finished f = RunMock(
      {"exec", "--host", "0.0.0.0", "--log", "off", "--", "sh", "-c", "echo \"$WORKOS_BASE_URL\""});
  CHECK(f.code == 0);
  CHECK(f.err.find("workos-mock listening on http://0.0.0.0:") != std::string::npos);
  CHECK(f.err.find("set --public-url") != std::string::npos);
  CHECK(f.out.rfind("http://127.0.0.1:", 0) == 0);
  Finished quiet = RunMock({"exec", "--host", "0.0.0.0", "--public-url", "http://mock:4400",
                            "--log", "off", "--", "true"});
  CHECK(quiet.code == 0);
  CHECK(quiet.err.find("set --public-url") == std::string::npos);
}

TEST_CASE("--log json: one object per request with ts, environment, latency and bytes",
          "[cli][http]") {
  Finished f = RunMock(
      {"exec", "--log", "json", "--", "sh", "-c",
       "curl -fsS -X POST \"$WORKOS_BASE_URL/passwordless/sessions\" -H \"Authorization: Bearer "
       "$WORKOS_API_KEY\" -d '{\"type\":\"MagicLink\",\"email\":\"log@example.com\"}'"});
  REQUIRE(f.code == 0);
  json create;
  size_t start = 0;
  for (size_t end; (end = f.err.find('\n', start)) != std::string::npos; start = end + 1) {
    json line = json::parse(f.err.substr(start, end - start), nullptr, false);
    if (line.is_object() && line.value("path", "") == "/passwordless/sessions") create = line;
  }
  REQUIRE(create.is_object());
  CHECK(std::regex_match(create["ts"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(create["environment"] == "default");
  CHECK(create["method"] == "POST");
  CHECK(create["status"] == 201);
  CHECK(create["latency_ms"].is_number());
  CHECK(create["bytes"] == f.out.size());
  CHECK(create["request_id"].is_string());
}

TEST_CASE("GET /_mock/environments lists them; the 401 names the default key only while it works",
          "[http][control]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  REQUIRE(
      Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"a@ex.com"})", env.api_key)
          .status == 201);
  Reply list = Get(s, "/_mock/environments");
  REQUIRE(list.status == 200);
  REQUIRE(list.json["data"].size() == 2);
  bool found = false;
  for (const auto& e : list.json["data"]) {
    CHECK_FALSE(e.contains("api_key"));
    if (e["name"] != env.name) continue;
    found = true;
    CHECK(e["kind"] == "staging");
    CHECK(e["client_id"] == env.client_id);
    CHECK(e["sessions"] == 1);
    CHECK(e["codes"] == 0);
    CHECK(e["emails"] == 0);
  }
  CHECK(found);
  Reply before = Get(s, "/_mock/clock", "sk_test_nope");
  CHECK(before.status == 401);
  CHECK(before.json["message"].get<std::string>().find("sk_test_workos_mock") != std::string::npos);
  REQUIRE(Delete(s, "/_mock/environments/default").status == 204);
  Reply after = Get(s, "/_mock/clock", "sk_test_nope");
  CHECK(after.status == 401);
  CHECK(after.json["message"].get<std::string>().find("sk_test_workos_mock") == std::string::npos);
}
