#include "http/worker_pool.h"

#include <system_error>

namespace workos_mock {

void WorkerPool::enqueue(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(mu_);
  JoinRetiredLocked();
  if (open_.load() >= max_open_ || shutdown_) {
    lock.unlock();
    refuse_(fn);
    return;
  }
  ++open_;
  jobs_.push_back(std::move(fn));
  // Every queued job must have an idle worker of its own that will take it.
  if (jobs_.size() > idle_) {
    const uint64_t id = next_id_++;
    try {
      threads_.emplace(id, std::thread([this, id] { Work(id); }));
    } catch (const std::system_error&) {
      // No thread to be had (a pids or memory limit): refuse this one rather than queue it.
      fn = std::move(jobs_.back());
      jobs_.pop_back();
      --open_;
      lock.unlock();
      refuse_(fn);
    }
  } else {
    cv_.notify_one();
  }
}

void WorkerPool::shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  shutdown_ = true;
  cv_.notify_all();
  done_cv_.wait(lock, [&] { return threads_.empty(); });
  JoinRetiredLocked();
}

void WorkerPool::Work(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    const bool woken =
        cv_.wait_for(lock, kRetireAfter, [&] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      job = nullptr;  // the connection's captures go before the count does
      lock.lock();
      --open_;
      continue;
    }
    if (shutdown_) break;
    if (!woken && threads_.size() > warm_) break;  // retire
  }
  auto self = threads_.find(id);
  retired_.push_back(std::move(self->second));
  threads_.erase(self);
  if (threads_.empty()) done_cv_.notify_all();
}

void WorkerPool::JoinRetiredLocked() {
  // A retired worker has left its loop; joining it only waits for its last few instructions.
  for (auto& t : retired_) t.join();
  retired_.clear();
}

}  // namespace workos_mock
