#include "http/control_state.h"

namespace workos_mock {

std::optional<Fault> ControlState::TakeFault(const std::string& method, const std::string& path) {
  // Every API request asks; almost none finds a fault. Not taking the lock then keeps requests of
  // one environment from queuing on it (the fault was added by an earlier, answered request, so
  // its count is visible here).
  if (fault_count_.load(std::memory_order_acquire) == 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if ((it->method == "*" || it->method == method) && it->path == path) {
      Fault f = *it;
      if (--it->remaining <= 0) {
        faults_.erase(it);
        fault_count_.store(faults_.size(), std::memory_order_release);
      }
      return f;
    }
  }
  return std::nullopt;
}

bool ControlState::AddFault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  if (faults_.size() >= kMaxFaults) return false;
  faults_.push_back(std::move(fault));
  fault_count_.store(faults_.size(), std::memory_order_release);
  return true;
}

std::vector<Fault> ControlState::Faults() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_;
}

void ControlState::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
  fault_count_.store(0, std::memory_order_release);
}

void ControlState::Record(JournalEntry entry) {
  std::vector<JournalEntry> dropped;  // destroyed after the lock is released
  std::lock_guard<std::mutex> lock(mu_);
  journal_bytes_ += entry.bytes;
  journal_.push_front(std::move(entry));
  // The oldest go first; the newest entry is always kept (one entry is bounded by itself).
  while (journal_.size() > 1 &&
         (journal_.size() > kMaxJournal || journal_bytes_ > journal_max_bytes_)) {
    journal_bytes_ -= journal_.back().bytes;
    dropped.push_back(std::move(journal_.back()));
    journal_.pop_back();
  }
}

nlohmann::json ControlState::Journal() const {
  std::deque<JournalEntry> copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    copy = journal_;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : copy) out.push_back(RenderJournalEntry(e));
  return out;
}

void ControlState::ClearJournal() {
  std::lock_guard<std::mutex> lock(mu_);
  journal_.clear();
  journal_bytes_ = 0;
}

void ControlState::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.clear();
  fault_count_.store(0, std::memory_order_release);
  journal_.clear();
  journal_bytes_ = 0;
}

}  // namespace workos_mock
