// The answer to a connection over --max-connections: 503 with Retry-After, then a graceful close.
// One thread refuses them all, so a flood of refusals costs no worker and no unbounded memory.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace workos_mock {

class ConnectionRefuser {
 public:
  explicit ConnectionRefuser(size_t cap);  // `cap` is named in the 503's message
  ~ConnectionRefuser();

  // Takes `fd`: reads and drops what the client already sent, sends the 503, shuts our side, and
  // keeps the socket until the client closes (at most kLinger) -- closing at once could reset
  // the connection and destroy the answer in flight.
  void Add(int fd);

 private:
  static constexpr std::chrono::milliseconds kLinger{2000};
  static constexpr size_t kMaxLingering = 4096;

  static bool Drain(int fd);
  void Wake();
  void Loop();

  const std::string reply_;
  int wake_ = -1;
  std::mutex mu_;
  bool stop_ = false;
  std::vector<std::pair<int, std::chrono::steady_clock::time_point>> incoming_;
  std::vector<std::pair<int, std::chrono::steady_clock::time_point>> lingering_;  // loop's only
  std::thread thread_;
};

}  // namespace workos_mock
