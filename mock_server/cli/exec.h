// `workos-mock exec [flags] -- CMD ARGS...`: run CMD against a mock that lives exactly as long
// as CMD does (like `firebase emulators:exec`), with the connection in CMD's environment.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "http/server.h"

namespace workos_mock {

// What CMD is told about the running mock (names documented in --help and docs/ci.md).
std::map<std::string, std::string> ConnectionEnvironment(const MockServer& server,
                                                         const std::string& admin_token);

// Starts CMD with `env` added to this process's environment and waits for it; SIGTERM/SIGINT
// sent to workos-mock meanwhile are passed on to CMD (see main.cc). Returns CMD's exit status,
// 128+N when it died of signal N, 127 when it could not be started.
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::atomic<pid_t>* child);

}  // namespace workos_mock
