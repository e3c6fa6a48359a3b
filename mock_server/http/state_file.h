// --state-file PATH: the whole registry (every environment's seed and runtime state, see
// config/state.h) persisted across restarts. Loaded once on start; written atomically (temp file
// + fsync + rename) by a timer whenever it changed, and once more on shutdown, so a SIGTERM
// loses nothing and a SIGKILL loses at most the last interval. One process at a time: Load()
// first takes an exclusive lock (flock) on PATH.lock, held until the process exits.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "domain/registry.h"

namespace workos_mock {

class StateFile {
 public:
  StateFile(Registry& registry, std::string path, std::chrono::milliseconds interval);
  ~StateFile();
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  // Takes the lock (PATH.lock), then restores the file's environments when it exists (false
  // when it does not). Throws std::runtime_error naming the other process when another
  // workos-mock holds the lock (two writers of one file lose acknowledged state), ConfigError
  // naming the key path when it is not a valid state file.
  bool Load();
  // Writes when the state differs from what was last written; true when it wrote. Throws
  // std::runtime_error when the file cannot be written.
  bool WriteIfChanged();
  // The timer: WriteIfChanged every interval (errors go to stderr, the server keeps serving).
  void Start();
  // Stops the timer and writes a last time.
  void Stop();

 private:
  void Loop();
  void Lock();

  Registry& registry_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;  // guards last_written_ and the file; stop_ is under it too
  std::condition_variable cv_;
  bool stop_ = false;
  std::string last_written_;
  std::thread thread_;
  int lock_fd_ = -1;  // PATH.lock, flock'ed; closed (unlocked) by the destructor
};

}  // namespace workos_mock
