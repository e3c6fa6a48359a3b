// Delayed side effects of a request (the scanner's delayed visits): a timer thread starts each job
// when it is due, on a thread of its own, so one slow job (a redirect followed to an app that
// does not answer) never holds back another environment's. At most kMaxRunning run at once; the
// rest wait their turn. Stop() drops the jobs not yet due and joins the running ones, so a server
// never shuts down under a running job's feet. Real time (it waits for real seconds, like a
// gateway).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <thread>

namespace workos_mock {

class BackgroundWorker {
 public:
  BackgroundWorker() = default;
  ~BackgroundWorker() { Stop(); }
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Runs `job` after `delay`. Ignored once stopped.
  void Schedule(std::chrono::milliseconds delay, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    if (!timer_.joinable()) timer_ = std::thread([this] { Loop(); });
    jobs_.emplace(std::chrono::steady_clock::now() + delay, std::move(job));
    cv_.notify_all();
  }

  void Stop() {
    std::unique_lock<std::mutex> lock(mu_);
    stopped_ = true;
    jobs_.clear();
    cv_.notify_all();
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
      auto due = jobs_.begin()->first;
      if (std::chrono::steady_clock::now() < due) {
        cv_.wait_until(lock, due);
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
        cv_.notify_all();
      });
      lock.unlock();
      ReapFinished();
      lock.lock();
    }
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

  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> jobs_;
  bool stopped_ = false;
  int running_ = 0;
  std::list<std::thread> threads_, finished_;
  std::thread timer_;
};

}  // namespace workos_mock
