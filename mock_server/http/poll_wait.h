// Waiting on a socket until a deadline, the one primitive the connection code blocks in: every
// wait is bounded, so no client can hold a worker past its deadline.
#pragma once

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>

namespace workos_mock {

using Steady = std::chrono::steady_clock;

// Milliseconds from now to `deadline` as poll() takes them: 0 once passed.
inline int MsUntil(Steady::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout, or when
// `wake_fd` (>= 0) becomes readable (shutdown). POLLHUP/POLLERR count as ready: the next read or
// write reports them.
inline bool WaitFor(int fd, short events, Steady::time_point deadline, int wake_fd) {
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int n = ::poll(fds, wake_fd >= 0 ? 2 : 1, MsUntil(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (wake_fd >= 0 && fds[1].revents) return false;
    return fds[0].revents != 0;
  }
}

}  // namespace workos_mock
