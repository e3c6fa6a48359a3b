// --state-file: a restart mid-flow (SIGKILL or SIGTERM), a corrupt or foreign file, the clock
// at its limit across a restart, and one server per file.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "state_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const char* kKey = "sk_test_workos_mock";

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
    CHECK(WaitForExit(p.pid) == (sig == SIGKILL ? 128 + SIGKILL : 0));
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
    CHECK(WaitForExit(q.pid) == 0);
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
  CHECK(WaitForExit(pid) == 2);
  std::remove(path.c_str());
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
  REQUIRE(WaitForExit(p.pid) == 0);
  Proc q = StartMock(state_file, port_file);  // REQUIREs that it comes up (it exited 2 before)
  auto clock = Call(q.port, "GET", "/_mock/clock");
  REQUIRE(clock);
  CHECK(json::parse(clock->body)["offset_seconds"] == 400000000);
  kill(q.pid, SIGTERM);
  CHECK(WaitForExit(q.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
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
  REQUIRE(WaitForExit(p.pid) == 0);
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
    CHECK(WaitForExit(pid, std::chrono::seconds(10)) == 2);
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
  CHECK(WaitForExit(q.pid) == 0);
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
  CHECK(WaitForExit(second, std::chrono::seconds(10)) == 1);
  const std::string err = Slurp(err_file);
  INFO(err);
  CHECK(err.find("is in use by another workos-mock (pid " + std::to_string(first.pid) + ")") !=
        std::string::npos);

  // The first server's acknowledged sessions all survive its restart.
  kill(first.pid, SIGTERM);
  REQUIRE(WaitForExit(first.pid) == 0);
  Proc again = StartMock(state_file, port_file);  // the lock went with the first process
  for (const auto& id : ids) {
    auto life = Call(again.port, "GET", "/_mock/passwordless/sessions/" + id);
    REQUIRE(life);
    CHECK(life->status == 200);
  }
  kill(again.pid, SIGKILL);  // a SIGKILL releases the lock as well
  WaitForExit(again.pid);
  Proc after_kill = StartMock(state_file, port_file);
  REQUIRE(Call(after_kill.port, "GET", "/health"));
  kill(after_kill.pid, SIGTERM);
  CHECK(WaitForExit(after_kill.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}
