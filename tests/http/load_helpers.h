// Helpers of the load tests (load_test.cc, slow_client_test.cc).
#pragma once

#include <httplib.h>

#include <chrono>

#include "raw_client.h"

namespace workos_mock::testing {

// One request on a new connection; its time in ms (-1 when it failed).
inline double TimedHealth(int port) {
  const auto start = std::chrono::steady_clock::now();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/health");
  return res && res->status == 200 ? MsSince(start) : -1;
}

}  // namespace workos_mock::testing
