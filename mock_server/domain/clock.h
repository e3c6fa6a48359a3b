// Time source for the domain core. Domain code never reads the system clock directly: it asks a
// Clock, so tests can drive time and each environment can add its own virtual offset. Waiting
// goes through the clock too (as LevelDB's Env owns NowMicros and SleepForMicroseconds): the
// outbox long-poll, an injected fault's delay and the scanner's delayed visits, so a ManualClock
// drives them in tests.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace workos_mock {

// Milliseconds since the Unix epoch.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
  // The one way to wait: blocks on `cv` (`lock` held, as std::condition_variable::wait_for)
  // until `wake()` holds or `timeout` has passed on this clock; returns wake(). Whoever makes
  // wake() true notifies `cv`: that is how a shutdown ends every wait at once
  // (Registry::CancelWaits, ConnectionServer::Shutdown, BackgroundWorker::Stop).
  virtual bool WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
                       std::chrono::milliseconds timeout,
                       const std::function<bool()>& wake) const = 0;
};

// Wall-clock time; the only place the process reads the system clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  // Real time (steady: a change of the wall clock neither shortens nor stretches a wait).
  bool WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               std::chrono::milliseconds timeout, const std::function<bool()>& wake) const override;
};

// A clock that only moves when told to; for unit tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1700000000000) : now_ms_(start_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void AdvanceMs(int64_t ms) { now_ms_ += ms; }
  // Ends when wake() holds or AdvanceMs has moved the clock past the deadline: a frozen clock
  // never times out. AdvanceMs notifies nobody, so the wait looks at the clock every
  // millisecond of real time.
  bool WaitFor(std::condition_variable& cv, std::unique_lock<std::mutex>& lock,
               std::chrono::milliseconds timeout, const std::function<bool()>& wake) const override;

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace workos_mock
