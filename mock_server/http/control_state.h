// Per-environment state of the control plane that concerns HTTP itself: injected faults and the
// request journal. Kept beside, not inside, the domain Environment; reset and dropped with it.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/journal.h"

namespace workos_mock {

struct Fault {
  std::string id;
  std::string method;  // "POST", or "*" for any
  std::string path;    // exact request path
  int status = 0;      // 0: no canned answer (delay only, then the real handler)
  std::string body;
  std::map<std::string, std::string> headers;
  int64_t delay_ms = 0;
  int times = 1;                   // as requested
  int remaining = 1;               // uses left
  std::string action = "respond";  // or "close": drop the connection mid-response
};

class ControlState {
 public:
  // `journal_max_bytes`: the journal keeps the newest entries within this many bytes
  // (JournalEntry::bytes) and at most kMaxJournal entries (EnvironmentConfig).
  explicit ControlState(size_t journal_max_bytes = 4 << 20)
      : journal_max_bytes_(journal_max_bytes) {}

  // Takes one use of the first fault matching method and path, if any.
  std::optional<Fault> TakeFault(const std::string& method, const std::string& path);
  // False when the environment already has kMaxFaults faults (nothing is replaced).
  bool AddFault(Fault fault);
  static constexpr size_t kMaxFaults = 100;
  std::vector<Fault> Faults() const;
  void ClearFaults();

  void Record(JournalEntry entry);
  nlohmann::json Journal() const;  // rendered and redacted, newest first
  void ClearJournal();

  void Reset();

 private:
  static constexpr size_t kMaxJournal = 2000;
  const size_t journal_max_bytes_;
  mutable std::mutex mu_;
  std::vector<Fault> faults_;
  std::atomic<size_t> fault_count_{0};  // faults_.size(), readable without mu_
  std::deque<JournalEntry> journal_;
  size_t journal_bytes_ = 0;  // sum of journal_[i].bytes
};

}  // namespace workos_mock
