// A small owned worker for delayed side effects of a request (the scanner's delayed visits): one
// thread, jobs run in due order. Stop() drops the jobs not yet due and joins, so a server never
// shuts down under a running job's feet. Real time (it waits for real seconds, like a gateway).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
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

  // Runs `job` on the worker thread after `delay`. Ignored once stopped.
  void Schedule(std::chrono::milliseconds delay, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    jobs_.emplace(std::chrono::steady_clock::now() + delay, std::move(job));
    cv_.notify_all();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
      jobs_.clear();
    }
    cv_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      if (jobs_.empty()) {
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
      lock.unlock();  // never run a job (it does I/O) under the lock
      job();
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> jobs_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace workos_mock
