// Helpers of the state tests (state_test.cc, state_file_test.cc, state_file_idle_test.cc): a
// session made over HTTP, and a workos-mock child process on a --state-file, reached with a plain
// httplib client, waited for, and its files read.
#pragma once

#include <httplib.h>
#include <sys/types.h>

#include <string>

#include "raw_client.h"
#include "test_server.h"

namespace workos_mock::testing {

// POST /passwordless/sessions for `email` (state "st"); REQUIREs a 201. Returns the link (and
// the session id in *id).
std::string CreateSession(const TestServer& s, const std::string& key, const std::string& email,
                          std::string* id = nullptr);

// The workos-mock binary (WORKOS_MOCK_BIN) started on --state-file `state_file`, its port read
// from `port_file`; REQUIREs that it comes up.
struct Proc {
  pid_t pid = -1;
  int port = 0;
};
Proc StartMock(const std::string& state_file, const std::string& port_file);

// Waiting for one of these processes to end: WaitForExit (raw_client.h).

// The whole file ("" when it cannot be read).
std::string Slurp(const std::string& path);

// A request to 127.0.0.1:`port` with the default environment's key as Bearer.
httplib::Result Call(int port, const std::string& method, const std::string& path,
                     const std::string& body = "", const std::string& type = "application/json");

}  // namespace workos_mock::testing
