// workos-mock's command line: every server flag, the environment variable that sets it
// (WORKOS_MOCK_<FLAG>, upper case, '-' as '_'; the flag wins), and the commands (serve, exec,
// --help, --version, --print-default-config). One table drives parsing and --help.
#pragma once

#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/server.h"

namespace workos_mock {

// Exit codes (listed in --help).
constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;  // cannot serve: the port is busy, the state file is locked, ...
constexpr int kExitUsage = 2;    // a bad flag, variable, config or state file

struct CommandLine {
  enum class Command { kServe, kExec, kHelp, kVersion, kPrintDefaultConfig };
  Command command = Command::kServe;
  ServerOptions server;
  bool port_given = false;  // --port or WORKOS_MOCK_PORT (exec otherwise takes an ephemeral one)
  std::string config_path, port_file, state_file;
  long state_interval_ms = 2000;
  std::vector<std::string> exec_argv;   // exec: the command after "--"
  DeterministicDefaults deterministic;  // --seed, --start-time
};

// A flag or variable with a bad value; the message names it ("--port ..." or
// "WORKOS_MOCK_PORT ...") and says what would be right.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `getenv` reads one variable (null when unset); injected so tests need no real environment.
CommandLine ParseCommandLine(const std::vector<std::string>& args,
                             const std::function<const char*(const char*)>& getenv);

std::string UsageText();
std::string VersionText();

}  // namespace workos_mock
