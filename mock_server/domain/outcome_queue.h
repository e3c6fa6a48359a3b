// The sign-in outcomes queued through the control plane for the next sign-ins at the mock IdP
// (POST|GET|DELETE /_mock/sso/outcomes), oldest first. Rules it owns:
// - an entry is one of SignInOutcomes() (domain/sso.h) for 1 to 1,000,000 sign-ins, through one
//   connection or ("" connection) any;
// - at most kMaxEntries entries are queued;
// - a sign-in through a connection takes one use of the oldest entry for that connection, else
//   of the oldest environment-wide one; an entry goes when its uses are spent.
// The queue is not part of a snapshot (like the sign-in records). Not thread-safe by itself: the
// Environment keeps one under its lock (environment.h).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/sso.h"

namespace workos_mock {

class OutcomeQueue {
 public:
  static constexpr size_t kMaxEntries = 1000;

  // What is wrong with queueing `outcome` for `times` sign-ins (the outcome, then the count);
  // empty when nothing is.
  static std::vector<FieldError> Check(const std::string& outcome, int64_t times);
  // kLimitExceeded when kMaxEntries are queued already; ok when one more fits.
  Status CheckRoom() const;
  // Queues `entry` (checked, with room for it) at the back.
  void Push(QueuedOutcome entry) { entries_.push_back(std::move(entry)); }
  // The outcome the next sign-in through `connection_id` takes (one use of it), if any.
  std::optional<std::string> Take(const std::string& connection_id);

  std::vector<QueuedOutcome> List() const { return {entries_.begin(), entries_.end()}; }
  size_t size() const { return entries_.size(); }
  void Clear() { entries_.clear(); }

 private:
  std::deque<QueuedOutcome> entries_;  // oldest first
};

}  // namespace workos_mock
