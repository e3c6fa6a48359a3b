// Helpers of the golive tests (client/golive/*_test.cc): keys assembled at run time, finding a
// check in a result list, throw-away git repositories, and small fake apps on an ephemeral port
// for the redirect checks (one exchanges the code, one never does, one fails...).
//
// Keys in the tests are assembled at run time (Key(...)), so the files themselves hold nothing
// the repository scan would flag.
#pragma once

#include <httplib.h>

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "golive/golive.h"
#include "mock_server.h"

namespace golive_testing {

namespace g = workos::golive;
using testsupport::RunCommand;

// "sk_" + kind + "_" + body, never spelled out in the source.
std::string Key(const std::string& kind, const std::string& body);

const g::CheckResult* Find(const std::vector<g::CheckResult>& rs, const std::string& id,
                           const std::string& subject = "");
// The status of check `id` (for `subject`, when given); REQUIREs that there is one.
g::Status StatusOf(const std::vector<g::CheckResult>& rs, const std::string& id,
                   const std::string& subject = "");

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

// The reason and every detail line of a check, for INFO and Contains.
std::string AllDetails(const g::CheckResult& r);

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

  explicit FakeApp(Behaviour b);
  ~FakeApp();
  std::string callback() const { return "http://127.0.0.1:" + std::to_string(port) + "/callback"; }
};

// Options for a mock environment whose one redirect URI is `uri`.
workos::CreateEnvironmentOptions WithRedirect(const std::string& uri);
// The app-flow check's options against the test mock, for `callback`.
g::AppFlowOptions FlowFor(const testsupport::TestEnv& t, const std::string& callback,
                          int timeout_ms = 5000);

}  // namespace golive_testing
