// An environment's sent emails, newest first, at most kMaxOutbox (the oldest goes when another
// is sent). Emails are shared with snapshots and never changed in place: an update replaces the
// entry with a changed copy. Not thread-safe by itself: the Environment keeps one under its
// lock (environment.h), and waits for new mail on its own condition variable.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"

namespace workos_mock {

class Outbox {
 public:
  using Entry = std::shared_ptr<const Email>;

  void Add(Email email);
  // Newest first; `to` "" means every recipient, else the address compared case-insensitively.
  std::vector<Email> To(const std::string& to) const;
  // The newest email to `to` (same matching), if any.
  std::optional<Email> LatestTo(const std::string& to) const;
  // Replaces the email `id` with a copy changed by `change`; false when it is gone.
  bool Update(const std::string& id, const std::function<void(Email&)>& change);
  // Drops the emails whose session `keep_session(id)` says is gone; returns how many went.
  size_t DropOrphans(const std::function<bool(const std::string& session_id)>& keep_session);

  size_t size() const { return entries_.size(); }
  void Clear() { entries_.clear(); }
  const std::deque<Entry>& entries() const { return entries_; }
  // Takes `entries` (newest first, at most kMaxOutbox) in place of these.
  void Replace(std::deque<Entry> entries) { entries_.swap(entries); }

 private:
  std::deque<Entry> entries_;
};

}  // namespace workos_mock
