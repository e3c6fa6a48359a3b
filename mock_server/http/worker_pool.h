// httplib's TaskQueue, one job per accepted connection: a job goes to an idle worker when there
// is one and to a new worker otherwise, so no connection ever waits behind another. Workers
// beyond `warm` retire after kRetireAfter without work.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace workos_mock {

class WorkerPool : public httplib::TaskQueue {
 public:
  // `open` counts the jobs queued or running (the server's open connections). A job that would
  // make it exceed `max_open`, one enqueued after shutdown() and one no thread can be started
  // for is handed to `refuse` instead, which runs it on the caller's thread.
  WorkerPool(std::atomic<size_t>& open, size_t max_open, size_t warm,
             std::function<void(const std::function<void()>& job)> refuse)
      : open_(open), max_open_(max_open), warm_(warm), refuse_(std::move(refuse)) {}
  ~WorkerPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override;
  // Waits for every worker: the jobs running finish, the queued ones run first.
  void shutdown() override;

 private:
  void Work(uint64_t id);
  void JoinRetiredLocked();

  static constexpr std::chrono::milliseconds kRetireAfter{10000};
  std::atomic<size_t>& open_;
  const size_t max_open_, warm_;
  const std::function<void(const std::function<void()>&)> refuse_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::deque<std::function<void()>> jobs_;
  std::map<uint64_t, std::thread> threads_;
  std::vector<std::thread> retired_;
  uint64_t next_id_ = 0;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

}  // namespace workos_mock
