// --state-file at rest: only environments that changed are serialised, and an idle server with
// many sessions does (next to) no work.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>

#include "config/state.h"
#include "persistence/state_file.h"
#include "state_helpers.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const char* kKey = "sk_test_workos_mock";

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
  CHECK(WaitForExit(p.pid) == 0);
  REQUIRE(system(("rm -rf " + dir).c_str()) == 0);
}
