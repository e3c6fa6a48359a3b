// Test support: one real workos-mock per test process, on an ephemeral port, and one isolated
// environment per test case.
#pragma once

#include <string>
#include <vector>

#include "workos/workos.h"

namespace testsupport {

// Starts `WORKOS_MOCK_BIN --port 0` on first use (SIGTERM at exit); its base URL.
const std::string& MockBaseUrl();

// A Config pointed at the mock, with short backoffs so retry tests stay fast.
workos::Config BaseConfig();

// A fresh isolated environment and a client for it.
struct TestEnv {
  explicit TestEnv(const workos::CreateEnvironmentOptions& options = {});
  ~TestEnv();
  TestEnv(const TestEnv&) = delete;
  TestEnv& operator=(const TestEnv&) = delete;

  workos::Environment env;
  workos::Config config;
  workos::Client client;
  workos::MockControl& mock() { return client.mock(); }
  std::string redirect_uri() const;
};

// Journal entries (newest first) for one method + path.
std::vector<workos::JournalEntry> Requests(workos::MockControl& mock, const std::string& method,
                                           const std::string& path);

// Runs a command line through /bin/sh; returns the exit code, stdout and stderr.
struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Run RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

// Session → sent → link clicked → code. Returns the code.
std::string MagicLinkCode(TestEnv& t, const std::string& email, const std::string& state = "");

}  // namespace testsupport
