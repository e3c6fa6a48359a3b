// GET/PUT /_mock/state and --state-file: export, import, validation, and a restart mid-flow.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "config/state.h"
#include "persistence/state_file.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const char* kKey = "sk_test_workos_mock";

std::string CreateSession(const TestServer& s, const std::string& key, const std::string& email,
                          std::string* id = nullptr) {
  Reply r = Post(s, "/passwordless/sessions",
                 json({{"email", email}, {"type", "MagicLink"}, {"state", "st"}}).dump(), key);
  REQUIRE(r.status == 201);
  if (id) *id = r.json["id"];
  return r.json["link"];
}

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

namespace {

struct Proc {
  pid_t pid = -1;
  int port = 0;
};

Proc StartMock(const std::string& state_file, const std::string& port_file) {
  std::remove(port_file.c_str());
  Proc p;
  p.pid = fork();
  REQUIRE(p.pid >= 0);
  if (p.pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<std::string> args = {
        WORKOS_MOCK_BIN, "--port",       "0",        "--port-file",         port_file, "--log",
        "off",           "--state-file", state_file, "--state-interval-ms", "200"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(WORKOS_MOCK_BIN, argv.data());
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(port_file);
    if (in >> p.port) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(p.port > 0);
  return p;
}

int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The exit status, or -1 after killing a process still running after `seconds` (a server that
// should have refused to start must not hang the test).
int WaitExitWithin(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

httplib::Result Call(int port, const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& type = "application/json") {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + kKey}};
  if (method == "GET") return c.Get(path.c_str(), h);
  return c.Post(path.c_str(), h, body, type.c_str());
}

}  // namespace

TEST_CASE("--state-file: a link issued before a restart (SIGKILL or SIGTERM) works after it",
          "[state][binary]") {
  const std::string dir = "/tmp/workos-mock-state-" + std::to_string(getpid());
  REQUIRE(system(("mkdir -p " + dir).c_str()) == 0);
  const std::string state_file = dir + "/state.json", port_file = dir + "/port";
  std::remove(state_file.c_str());

  for (const int sig : {SIGKILL, SIGTERM}) {
    INFO("signal " << sig);
    Proc p = StartMock(state_file, port_file);
    auto created = Call(p.port, "POST", "/passwordless/sessions",
                        R"({"email":"dee@example.com","type":"MagicLink","state":"s1"})");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    const json session = json::parse(created->body);
    const std::string id = session["id"];
    REQUIRE(Call(p.port, "POST", "/passwordless/sessions/" + id + "/send", "{}")->status == 201);
    if (sig == SIGKILL) {
      // A timer write must have happened before the kill: wait until the file holds the send.
      bool written = false;
      for (int i = 0; i < 200 && !written; ++i) {
        std::string text = Slurp(state_file);
        written =
            text.find(id) != std::string::npos && text.find("\"sends\": 1") != std::string::npos;
        if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(25));
      }
      REQUIRE(written);
    }
    kill(p.pid, sig);
    CHECK(WaitExit(p.pid) == (sig == SIGKILL ? 128 + SIGKILL : 0));
    // Whatever the timing, the file is whole JSON (atomic rename): never a torn write.
    REQUIRE_FALSE(json::parse(Slurp(state_file), nullptr, false).is_discarded());

    Proc q = StartMock(state_file, port_file);
    auto outbox = Call(q.port, "GET", "/_mock/outbox?email=dee@example.com");
    REQUIRE(outbox);
    const json emails = json::parse(outbox->body)["data"];
    REQUIRE(!emails.empty());
    CHECK(emails[0]["session_id"] == id);
    // The old link still points at the old port: visit its path on the new server.
    const std::string link = session["link"];
    const std::string path = link.substr(link.find("/passwordless/"));
    auto visit = Call(q.port, "GET", path);
    REQUIRE(visit);
    REQUIRE(visit->status == 302);
    const std::string location = visit->get_header_value("Location");
    CHECK(QueryParam(location, "state") == "s1");
    const std::string code = QueryParam(location, "code");
    auto token = Call(q.port, "POST", "/sso/token",
                      "client_id=client_workos_mock&client_secret=sk_test_workos_mock&grant_type="
                      "authorization_code&code=" +
                          code,
                      "application/x-www-form-urlencoded");
    REQUIRE(token);
    CHECK(token->status == 200);
    CHECK(json::parse(token->body)["profile"]["email"] == "dee@example.com");
    kill(q.pid, SIGTERM);
    CHECK(WaitExit(q.pid) == 0);
    std::remove(state_file.c_str());
  }
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("--state-file: a corrupt file stops the start with exit status 2", "[state][binary]") {
  const std::string path = "/tmp/workos-mock-badstate-" + std::to_string(getpid()) + ".json";
  {
    std::ofstream out(path);
    out << R"({"object":"mock_state_file","version":1,"environments":[{"environment":{"name":"x"}}]})";
  }
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(WORKOS_MOCK_BIN, WORKOS_MOCK_BIN, "--port", "0", "--state-file", path.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  CHECK(WaitExit(pid) == 2);
  std::remove(path.c_str());
}

TEST_CASE("an environment's max_stored cap answers 429 with Retry-After", "[caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"max_stored", 100}});
  const std::string body = R"({"type":"MagicLink","email":"cap@example.com"})";
  for (int i = 0; i < 100; ++i)
    REQUIRE(Post(s, "/passwordless/sessions", body, env.api_key).status == 201);
  Reply full = Post(s, "/passwordless/sessions", body, env.api_key);
  CHECK(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  CHECK(full.json["code"] == "rate_limit_exceeded");
  CHECK(full.json["message"].get<std::string>().find("100 (config max_stored)") !=
        std::string::npos);
  // Other environments are not affected.
  CHECK(Post(s, "/passwordless/sessions", body, "sk_test_workos_mock").status == 201);
  // Out of range: a validation error naming the key.
  Reply bad = Post(s, "/_mock/environments", R"({"max_stored":5})");
  CHECK(bad.status == 422);
  CHECK(bad.body.find("max_stored") != std::string::npos);
}

TEST_CASE("whatever the clock reaches exports and loads back: PUT /_mock/state and a restart",
          "[state][limits][binary]") {
  {
    TestServer s;
    for (int i = 0; i < 2; ++i) {
      Reply adv = Post(s, "/_mock/clock/advance", R"({"seconds": 200000000})", kKey);
      REQUIRE(adv.status == 200);
    }
    CreateSession(s, kKey, "far@example.com");
    Reply state = Get(s, "/_mock/state", kKey);
    REQUIRE(state.status == 200);
    CHECK(state.json["state"]["clock_offset_ms"] == 400000000000);
    Reply put = Put(s, "/_mock/state", state.body, kKey);
    CHECK(put.status == 200);
    CHECK(put.json["state"] == state.json["state"]);
    // The limit is on the total: 100 years ahead at most, and the refusal names the key.
    Reply over = Post(s, "/_mock/clock/advance", R"({"seconds": 3000000000})", kKey);
    CHECK(over.status == 422);
    CHECK(over.json["errors"][0]["field"] == "seconds");
    CHECK(Get(s, "/_mock/clock", kKey).json["offset_seconds"] == 400000000);
  }

  const std::string dir = "/tmp/workos-mock-far-" + std::to_string(getpid());
  REQUIRE(system(("mkdir -p " + dir).c_str()) == 0);
  const std::string state_file = dir + "/state.json", port_file = dir + "/port";
  Proc p = StartMock(state_file, port_file);
  for (int i = 0; i < 2; ++i)
    REQUIRE(Call(p.port, "POST", "/_mock/clock/advance", R"({"seconds": 200000000})")->status ==
            200);
  kill(p.pid, SIGTERM);
  REQUIRE(WaitExit(p.pid) == 0);
  Proc q = StartMock(state_file, port_file);  // REQUIREs that it comes up (it exited 2 before)
  auto clock = Call(q.port, "GET", "/_mock/clock");
  REQUIRE(clock);
  CHECK(json::parse(clock->body)["offset_seconds"] == 400000000);
  kill(q.pid, SIGTERM);
  CHECK(WaitExit(q.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("durations out of range are refused with 422 naming the key", "[limits]") {
  TestServer s;
  for (const char* key : {"link_ttl_seconds", "code_ttl_seconds", "access_token_ttl_seconds",
                          "sweep_after_seconds"}) {
    INFO(key);
    Reply r = Post(s, "/_mock/environments", std::string("{\"") + key + "\": 9223372036854775807}");
    CHECK(r.status == 422);
    CHECK(r.json["errors"][0]["field"] == key);
  }
}

TEST_CASE("--state-file: another version, another object or unknown keys stop the start (exit 2)",
          "[state][binary]") {
  const std::string dir = "/tmp/workos-mock-strict-" + std::to_string(getpid());
  REQUIRE(system(("mkdir -p " + dir).c_str()) == 0);
  const std::string state_file = dir + "/state.json", port_file = dir + "/port";
  // A real state file to start from.
  Proc p = StartMock(state_file, port_file);
  REQUIRE(Call(p.port, "POST", "/passwordless/sessions",
               R"({"email":"eve@example.com","type":"MagicLink"})")
              ->status == 201);
  kill(p.pid, SIGTERM);
  REQUIRE(WaitExit(p.pid) == 0);
  const json good = json::parse(Slurp(state_file));
  REQUIRE(good["environments"][0]["state"]["sessions"].size() == 1);

  struct Case {
    const char* what;
    json doc;
    std::string path;  // the key path the message names
  };
  json v2 = good;
  v2["version"] = 2;
  json no_version = good;
  no_version.erase("version");
  json other = good;
  other["object"] = "mock_state";
  json in_session = good;
  in_session["environments"][0]["state"]["sessions"][0]["token_v2"] = "x";
  json in_visit = good;
  in_visit["environments"][0]["state"]["sessions"][0]["visits"] =
      json::array({{{"at_ms", 1}, {"method", "GET"}, {"outcome", "redirected"}, {"ip", "x"}}});
  json env_v2 = good;
  env_v2["environments"][0]["version"] = 2;
  json top = good;
  top["checksum"] = "abc";
  const std::vector<Case> cases = {
      {"version 2", v2, "version"},
      {"no version", no_version, "version"},
      {"another object", other, "object"},
      {"unknown key in a session", in_session, "environments[0].state.sessions[0].token_v2"},
      {"unknown key in a visit", in_visit, "environments[0].state.sessions[0].visits[0].ip"},
      {"an environment of version 2", env_v2, "environments[0].version"},
      {"unknown top-level key", top, "checksum"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    std::ofstream(state_file) << c.doc.dump(1);
    const std::string err_file = dir + "/stderr";
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int devnull = ::open("/dev/null", O_WRONLY);
      int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(devnull, 1);
      dup2(err, 2);
      execl(WORKOS_MOCK_BIN, WORKOS_MOCK_BIN, "--port", "0", "--log", "off", "--state-file",
            state_file.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    CHECK(WaitExitWithin(pid, 10) == 2);
    const std::string err = Slurp(err_file);
    CHECK(err.find(state_file + ": " + c.path + ":") != std::string::npos);
    INFO(err);
    // The file is left as it was: nothing overwrote it.
    CHECK(json::parse(Slurp(state_file)) == c.doc);
  }
  // The good file still loads.
  std::ofstream(state_file) << good.dump(1);
  Proc q = StartMock(state_file, port_file);
  // Serving (a SIGTERM before the listener runs is lost: main.cc, issue 13's shutdown work).
  REQUIRE(Call(q.port, "GET", "/health"));
  kill(q.pid, SIGTERM);
  CHECK(WaitExit(q.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE(
    "--state-file: a second server on the same file refuses to start (exit 1, names the first)",
    "[state][binary]") {
  const std::string dir = "/tmp/workos-mock-lock-" + std::to_string(getpid());
  REQUIRE(system(("mkdir -p " + dir).c_str()) == 0);
  const std::string state_file = dir + "/state.json", port_file = dir + "/port";
  Proc first = StartMock(state_file, port_file);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto created = Call(first.port, "POST", "/passwordless/sessions",
                        R"({"email":"lock@example.com","type":"MagicLink"})");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    ids.push_back(json::parse(created->body)["id"]);
  }

  const std::string err_file = dir + "/stderr";
  pid_t second = fork();
  REQUIRE(second >= 0);
  if (second == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(devnull, 1);
    dup2(err, 2);
    execl(WORKOS_MOCK_BIN, WORKOS_MOCK_BIN, "--port", "0", "--log", "off", "--state-file",
          state_file.c_str(), "--state-interval-ms", "50", static_cast<char*>(nullptr));
    _exit(127);
  }
  CHECK(WaitExitWithin(second, 10) == 1);
  const std::string err = Slurp(err_file);
  INFO(err);
  CHECK(err.find("is in use by another workos-mock (pid " + std::to_string(first.pid) + ")") !=
        std::string::npos);

  // The first server's acknowledged sessions all survive its restart.
  kill(first.pid, SIGTERM);
  REQUIRE(WaitExit(first.pid) == 0);
  Proc again = StartMock(state_file, port_file);  // the lock went with the first process
  for (const auto& id : ids) {
    auto life = Call(again.port, "GET", "/_mock/passwordless/sessions/" + id);
    REQUIRE(life);
    CHECK(life->status == 200);
  }
  kill(again.pid, SIGKILL);  // a SIGKILL releases the lock as well
  WaitExit(again.pid);
  Proc after_kill = StartMock(state_file, port_file);
  REQUIRE(Call(after_kill.port, "GET", "/health"));
  kill(after_kill.pid, SIGTERM);
  CHECK(WaitExit(after_kill.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("--state-file serialises only environments that changed, nothing when idle",
          "[state][idle]") {
  workos_mock::SystemClock clock;
  workos_mock::Registry registry(clock, "http://127.0.0.1:1");
  auto config = workos_mock::DefaultConfig();
  REQUIRE(registry.Add(config.environments[0]).ok());
  auto other = registry.Generate(workos_mock::EnvironmentKind::kStaging);
  other.redirect_uris = {{"http://localhost:3000/callback", true}};
  REQUIRE(registry.Add(other).ok());
  const std::string path = "/tmp/workos-mock-idle-" + std::to_string(getpid()) + ".json";
  std::remove(path.c_str());
  std::remove((path + ".lock").c_str());
  {
    workos_mock::StateFile file(registry, path, std::chrono::milliseconds(10));
    CHECK_FALSE(file.Load());
    CHECK(file.WriteIfChanged());  // the first write: both environments
    CHECK(file.exports() == 2);
    for (int i = 0; i < 5; ++i) CHECK_FALSE(file.WriteIfChanged());
    CHECK(file.exports() == 2);  // idle: nothing serialised at all

    workos_mock::CreateSessionRequest r;
    r.email = "idle@example.com";
    r.type = "MagicLink";
    auto session = registry.ByName("default")->CreateSession(r);
    REQUIRE(session.ok());
    CHECK(file.WriteIfChanged());
    CHECK(file.exports() == 3);  // only the environment that changed
    CHECK(Slurp(path).find(session.value().id) != std::string::npos);
    (void)registry.ByName("default")->FindSession(session.value().id);  // a read
    CHECK_FALSE(file.WriteIfChanged());

    REQUIRE(registry.Remove(other.name));  // an environment gone is a change too
    CHECK(file.WriteIfChanged());
    CHECK(file.exports() == 3);
    CHECK(Slurp(path).find(other.name) == std::string::npos);
  }
  // What was written loads back.
  workos_mock::Registry restored(clock, "http://127.0.0.1:1");
  REQUIRE(restored.Add(config.environments[0]).ok());
  workos_mock::ImportRegistry(restored, json::parse(Slurp(path)), path);
  CHECK(restored.ByName("default")->FindSession(
      json::parse(Slurp(path))["environments"][0]["state"]["sessions"][0]["id"]
          .get<std::string>()));
  std::remove(path.c_str());
  std::remove((path + ".lock").c_str());
}

namespace {

// User + system CPU time of a process, in milliseconds (/proc/PID/stat).
double CpuMs(pid_t pid) {
  std::string stat = Slurp("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return 1000.0 * static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

TEST_CASE("--state-file: an idle server with 20,000 sessions does no work",
          "[state][idle][binary]") {
  // It used to serialise the whole registry every interval to find out whether it changed:
  // with 100,000 sessions an idle server used 40% of a core. Not a speed target: idle means
  // (next to) nothing, against a core's worth before.
  const std::string dir = "/tmp/workos-mock-idlecpu-" + std::to_string(getpid());
  REQUIRE(system(("mkdir -p " + dir).c_str()) == 0);
  const std::string state_file = dir + "/state.json", port_file = dir + "/port";
  Proc p = StartMock(state_file, port_file);
  auto created = Call(p.port, "POST", "/passwordless/sessions",
                      R"({"email":"idle@example.com","type":"MagicLink"})");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto exported = Call(p.port, "GET", "/_mock/state");
  REQUIRE(exported);
  json doc = json::parse(exported->body);
  const json one = doc["state"]["sessions"][0];
  json sessions = json::array();
  for (int i = 0; i < 20000; ++i) {
    json s = one;
    s["id"] = one["id"].get<std::string>() + std::to_string(i);
    s["token"] = one["token"].get<std::string>() + std::to_string(i);
    sessions.push_back(s);
  }
  doc["state"]["sessions"] = sessions;
  httplib::Client c("127.0.0.1", p.port);
  c.set_read_timeout(60);
  auto put = c.Put("/_mock/state", {{"Authorization", std::string("Bearer ") + kKey}}, doc.dump(),
                   "application/json");
  REQUIRE(put);
  REQUIRE(put->status == 200);
  // Wait for the write of the new state, then let it sit idle (interval: 200 ms).
  bool written = false;
  for (int i = 0; i < 300 && !written; ++i) {
    written = Slurp(state_file).find(one["id"].get<std::string>() + "19999") != std::string::npos;
    if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(written);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double before = CpuMs(p.pid);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double idle_ms = CpuMs(p.pid) - before;
  INFO("CPU used while idle for 2 s: " << idle_ms << " ms");
  CHECK(idle_ms < 300);
  kill(p.pid, SIGTERM);
  CHECK(WaitExit(p.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}

TEST_CASE("faults are capped per environment: the 101st is 429, nothing replaced", "[caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  const std::string fault = R"({"path": "/passwordless/sessions", "status": 503})";
  for (int i = 0; i < 100; ++i) REQUIRE(Post(s, "/_mock/faults", fault, env.api_key).status == 201);
  Reply full = Post(s, "/_mock/faults", fault, env.api_key);
  CHECK(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  CHECK(full.json["code"] == "rate_limit_exceeded");
  CHECK(Get(s, "/_mock/faults", env.api_key).json["data"].size() == 100);
  REQUIRE(Delete(s, "/_mock/faults", env.api_key).status == 204);
  CHECK(Post(s, "/_mock/faults", fault, env.api_key).status == 201);
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
