// Waiting goes through the injected Clock (domain/clock.h): a ManualClock drives the outbox
// long-poll and the scanner's delayed visits (BackgroundWorker), and a cancel or Stop still ends
// every wait at once, frozen clock or not. Real time is bounded only to catch a stall (seconds
// for what takes milliseconds). Threads: "[concurrency]", so scripts/test runs it under TSan.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <thread>

#include "domain/environment.h"
#include "http/background.h"

using namespace workos_mock;
using namespace std::chrono_literals;

namespace {

EnvironmentConfig Seed() {
  EnvironmentConfig seed;
  seed.name = "test";
  seed.api_keys = {"sk_test_test"};
  seed.client_id = "client_test";
  seed.redirect_uris = {{"http://localhost:3000/callback", true}};
  return seed;
}

// True once `done` holds, polling for up to 5 s of real time (a stall guard, not a speed target).
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 5000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// Runs `f` when the scope ends: a failed REQUIRE then releases a waiting thread instead of
// leaving the test blocked in the destructor of its std::future.
struct AtExit {
  std::function<void()> f;
  ~AtExit() { f(); }
};

}  // namespace

TEST_CASE("ManualClock::WaitFor times out on the clock's time, not on real time",
          "[concurrency][clock]") {
  ManualClock clock;
  std::mutex mu;
  std::condition_variable cv;
  auto waited = std::async(std::launch::async, [&] {
    std::unique_lock<std::mutex> lock(mu);
    return clock.WaitFor(cv, lock, std::chrono::hours(1), [] { return false; });
  });
  AtExit release{[&] { clock.AdvanceMs(3600 * 1000); }};
  // A frozen clock: the hour never passes, however long the test waits.
  CHECK(waited.wait_for(50ms) == std::future_status::timeout);
  clock.AdvanceMs(3600 * 1000 - 1);
  CHECK(waited.wait_for(50ms) == std::future_status::timeout);
  clock.AdvanceMs(1);
  REQUIRE(waited.wait_for(5s) == std::future_status::ready);
  CHECK_FALSE(waited.get());  // timed out: wake() never held
}

TEST_CASE("Clock::WaitFor ends at once when woken, frozen clock or real", "[concurrency][clock]") {
  ManualClock manual;
  SystemClock system;
  for (const Clock* clock :
       {static_cast<const Clock*>(&manual), static_cast<const Clock*>(&system)}) {
    std::mutex mu;
    std::condition_variable cv;
    bool woken = false;
    auto waited = std::async(std::launch::async, [&] {
      std::unique_lock<std::mutex> lock(mu);
      return clock->WaitFor(cv, lock, std::chrono::hours(1), [&] { return woken; });
    });
    AtExit release{[&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        woken = true;
      }
      cv.notify_all();
    }};
    CHECK(waited.wait_for(20ms) == std::future_status::timeout);
    {
      std::lock_guard<std::mutex> lock(mu);
      woken = true;
    }
    cv.notify_all();
    REQUIRE(waited.wait_for(5s) == std::future_status::ready);
    CHECK(waited.get());
  }
}

TEST_CASE("the outbox long-poll waits on the environment's clock; CancelWaits ends it",
          "[concurrency][clock]") {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};
  auto polled = std::async(std::launch::async, [&] {
    return env.LatestEmail("nobody@example.com", std::chrono::hours(1));
  });
  AtExit release{[&] { env.CancelWaits(); }};
  CHECK(polled.wait_for(50ms) == std::future_status::timeout);  // an hour never passes, frozen
  clock.AdvanceMs(3600 * 1000);
  REQUIRE(polled.wait_for(5s) == std::future_status::ready);
  CHECK_FALSE(polled.get().has_value());

  // A shutdown (Registry::CancelWaits) still wakes a sleeper at once, the clock frozen.
  auto cancelled = std::async(std::launch::async, [&] {
    return env.LatestEmail("nobody@example.com", std::chrono::hours(1));
  });
  CHECK(cancelled.wait_for(50ms) == std::future_status::timeout);
  env.CancelWaits();
  REQUIRE(cancelled.wait_for(5s) == std::future_status::ready);
  CHECK_FALSE(cancelled.get().has_value());
}

TEST_CASE("BackgroundWorker runs a job when it is due on its clock; Stop drops the rest",
          "[concurrency][clock]") {
  ManualClock clock;
  BackgroundWorker worker(clock);
  std::atomic<int> ran{0};
  worker.Schedule(std::chrono::hours(1), [&] { ran += 1; });
  worker.Schedule(std::chrono::hours(2), [&] { ran += 10; });
  std::this_thread::sleep_for(50ms);
  CHECK(ran == 0);  // nothing is due: the clock has not moved
  clock.AdvanceMs(3600 * 1000 - 1);
  std::this_thread::sleep_for(20ms);
  CHECK(ran == 0);
  clock.AdvanceMs(1);
  CHECK(Eventually([&] { return ran == 1; }));
  std::this_thread::sleep_for(20ms);
  CHECK(ran == 1);  // the later job waits for its own time
  worker.Stop();    // ... and is dropped, the clock frozen short of it
  clock.AdvanceMs(3600 * 1000);
  std::this_thread::sleep_for(20ms);
  CHECK(ran == 1);
}
