// --state-file PATH: the whole registry (every environment's seed and runtime state, see
// config/state.h) persisted across restarts. Loaded once on start; written atomically (temp file
// + fsync + rename) by a timer whenever it changed, and once more on shutdown, so a SIGTERM
// loses nothing and a SIGKILL loses at most the last interval. One process at a time: Load()
// first takes an exclusive lock (flock) on PATH.lock, held until the process exits.
//
// "Changed" is decided by each environment's change counter (Environment::ChangeCount), not by
// serialising and comparing: an idle server does no work at all, and a busy one re-serialises
// only the environments that changed (the others' text is cached). Serialising happens outside
// the environment's lock (Environment::Snapshot copies pointers under it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  // Writes when an environment changed, appeared or went since the last write; true when it
  // wrote. Throws std::runtime_error when the file cannot be written.
  bool WriteIfChanged();
  // How many environment exports (serialisations) were made so far; for tests.
  uint64_t exports() const;
  // The timer: WriteIfChanged every interval (errors go to stderr, the server keeps serving).
  void Start();
  // Stops the timer and writes a last time.
  void Stop();

 private:
  // One environment's part of the file, as last serialised.
  struct Cached {
    std::weak_ptr<Environment> env;  // identity: a new environment of the same name differs
    uint64_t change_count = 0;
    std::shared_ptr<const std::string> text;  // shared: an unchanged part is never copied
  };
  void Loop();
  void Lock();
  // The parts for the registry as it is now, re-serialising only what changed; `changed` is
  // set when anything differs from cache_.
  std::vector<Cached> Collect(bool* changed);

  Registry& registry_;
  const std::string path_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mu_;  // guards cache_, exports_ and the file; stop_ is under it too
  std::condition_variable cv_;
  bool stop_ = false;
  std::vector<Cached> cache_;  // what the file holds, in registry order
  uint64_t exports_ = 0;
  std::thread thread_;
  int lock_fd_ = -1;  // PATH.lock, flock'ed; closed (unlocked) by the destructor
};

}  // namespace workos_mock
