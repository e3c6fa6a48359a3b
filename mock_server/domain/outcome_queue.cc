#include "domain/outcome_queue.h"

namespace workos_mock {

std::vector<FieldError> OutcomeQueue::Check(const std::string& outcome, int64_t times) {
  std::vector<FieldError> errors;
  if (!IsSignInOutcome(outcome)) errors.push_back(UnknownOutcomeError());
  if (times < 1 || times > 1000000)
    errors.push_back({"times", "times must be a whole number from 1 to 1000000"});
  return errors;
}

Status OutcomeQueue::CheckRoom() const {
  if (entries_.size() < kMaxEntries) return OkStatus();
  return Error{
      ErrorKind::kLimitExceeded,
      "This environment already has " + std::to_string(kMaxEntries) + " queued sign-in outcomes",
      {},
      ControlHint::kClearQueuedOutcomes};
}

std::optional<std::string> OutcomeQueue::Take(const std::string& connection_id) {
  // This connection's entries first, then the environment-wide ones.
  for (bool specific : {true, false}) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (specific ? it->connection_id != connection_id : !it->connection_id.empty()) continue;
      std::string outcome = it->outcome;
      if (--it->remaining <= 0) entries_.erase(it);
      return outcome;
    }
  }
  return std::nullopt;
}

}  // namespace workos_mock
