#include "domain/idempotency.h"

namespace workos_mock {

bool IdempotencyStore::Storable(int status) {
  return (status >= 200 && status < 300) || (status >= 400 && status < 500 && status != 429);
}

IdempotencyStore::Claim IdempotencyStore::Begin(const std::string& key,
                                                std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto stored = replies_.find(key);
    if (stored != replies_.end()) return {Claim::Kind::kReplay, stored->second};
    if (in_flight_.insert(key).second) return {Claim::Kind::kOwner, {}};
    // Someone else runs the operation for this key: wait for its answer.
    if (finished_.wait_until(lock, deadline) == std::cv_status::timeout && in_flight_.count(key) &&
        !replies_.count(key))
      return {Claim::Kind::kBusy, {}};
  }
}

void IdempotencyStore::Finish(const std::string& key, const std::optional<StoredReply>& reply) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_flight_.erase(key);
    if (reply && Storable(reply->status) && replies_.emplace(key, *reply).second) {
      order_.push_back(key);
      while (replies_.size() > max_replies_ && !order_.empty()) {
        replies_.erase(order_.front());
        order_.pop_front();
      }
    }
  }
  finished_.notify_all();
}

void IdempotencyStore::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  replies_.clear();
  order_.clear();
}

size_t IdempotencyStore::stored() const {
  std::lock_guard<std::mutex> lock(mu_);
  return replies_.size();
}

}  // namespace workos_mock
