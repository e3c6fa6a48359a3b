// Delayed side effects of a request (the scanner's delayed visits): a timer thread starts each job
// when it is due, on a thread of its own, so one slow job (a redirect followed to an app that
// does not answer) never holds back another environment's. At most kMaxRunning run at once; the
// rest wait their turn. Stop() drops the jobs not yet due and joins the running ones, so a server
// never shuts down under a running job's feet. Time and waiting come from the injected Clock:
// real seconds in the server, like a gateway; a ManualClock's in tests.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <thread>

#include "domain/clock.h"

namespace workos_mock {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(const Clock& clock) : clock_(clock) {}
  ~BackgroundWorker() { Stop(); }
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Runs `job` after `delay`. Ignored once stopped.
  void Schedule(std::chrono::milliseconds delay, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    if (!timer_.joinable()) timer_ = std::thread([this] { Loop(); });
    jobs_.emplace(clock_.NowMs() + delay.count(), std::move(job));
    Notify();
  }

  void Stop() {
    std::unique_lock<std::mutex> lock(mu_);
    stopped_ = true;
    jobs_.clear();
    Notify();
    cv_.wait(lock, [&] { return running_ == 0; });
    std::thread timer = std::move(timer_);
    lock.unlock();
    if (timer.joinable() && timer.get_id() != std::this_thread::get_id()) timer.join();
    ReapFinished();
  }

 private:
  static constexpr int kMaxRunning = 64;

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      if (jobs_.empty() || running_ >= kMaxRunning) {
        cv_.wait(lock);
        continue;
      }
      const int64_t wait = jobs_.begin()->first - clock_.NowMs();
      if (wait > 0) {
        // Until the first job is due, or anything changes (a job added, one finished, Stop).
        const uint64_t seen = changes_;
        clock_.WaitFor(cv_, lock, std::chrono::milliseconds(wait),
                       [&] { return changes_ != seen; });
        continue;
      }
      auto job = std::move(jobs_.begin()->second);
      jobs_.erase(jobs_.begin());
      ++running_;
      auto slot = threads_.emplace(threads_.end());
      *slot = std::thread([this, slot, job = std::move(job)] {
        job();  // I/O, never under the lock
        std::lock_guard<std::mutex> done(mu_);
        finished_.splice(finished_.end(), threads_, slot);
        --running_;
        Notify();
      });
      lock.unlock();
      ReapFinished();
      lock.lock();
    }
  }

  // With mu_ held: wakes Loop and Stop to look again.
  void Notify() {
    ++changes_;
    cv_.notify_all();
  }

  // Joins the job threads that have finished (each has left its function or is about to).
  void ReapFinished() {
    std::list<std::thread> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done.swap(finished_);
    }
    for (auto& t : done) t.join();
  }

  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t changes_ = 0;
  std::multimap<int64_t, std::function<void()>> jobs_;  // by when due, in the clock's ms
  bool stopped_ = false;
  int running_ = 0;
  std::list<std::thread> threads_, finished_;
  std::thread timer_;
};

}  // namespace workos_mock
