#include "domain/clock.h"

#include <chrono>

namespace workos_mock {

int64_t SystemClock::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool SystemClock::WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          std::chrono::milliseconds timeout,
                          const std::function<bool()>& wake) const {
  return cv.wait_for(lock, timeout, wake);
}

bool ManualClock::WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                          std::chrono::milliseconds timeout,
                          const std::function<bool()>& wake) const {
  const int64_t deadline = NowMs() + timeout.count();
  while (!wake()) {
    if (NowMs() >= deadline) return false;
    cv.wait_for(lock, std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace workos_mock
