// Idempotency-Key replay for one environment (used only when its idempotent_replay setting is on;
// see docs/control-plane.md "Idempotency"). The first request with a key owns it while its
// operation runs; later requests with the same key wait for it and get its answer, so concurrent
// retries make one operation and one answer. Only answers that completed the operation are kept.
//
// Locking: one mutex of its own, a leaf lock -- the store never calls out while holding it, so it
// may be used with or without the environment's lock held.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace workos_mock {

// The first answer for a key, replayed to the requests that repeat it.
struct StoredReply {
  int status = 0;
  std::string body;
  std::string content_type;
};

class IdempotencyStore {
 public:
  // At most `max_replies` answers are kept; the oldest go first beyond that.
  explicit IdempotencyStore(size_t max_replies = 10000) : max_replies_(max_replies) {}

  IdempotencyStore(const IdempotencyStore&) = delete;
  IdempotencyStore& operator=(const IdempotencyStore&) = delete;

  // True for an answer that completed the operation, which a retry must get back: 2xx, and 4xx
  // other than 429 (as payment APIs do). A 429 or a 5xx changed nothing the caller can rely on,
  // so a retry with the same key runs the operation again.
  static bool Storable(int status);

  struct Claim {
    enum class Kind {
      kOwner,   // run the operation, then call Finish(key, ...) exactly once
      kReplay,  // answer `reply`, the stored first answer
      kBusy,    // another request with the key still runs after the wait: answer 409
    };
    Kind kind = Kind::kOwner;
    StoredReply reply;
  };

  // A stored answer is replayed. While another request with the key runs, waits up to `wait` (real
  // time) for it to finish: then its stored answer is replayed, or, when it stored none (a 429 or
  // a 5xx), this request becomes the owner and runs the operation itself.
  Claim Begin(const std::string& key, std::chrono::milliseconds wait);
  // Ends the owner's claim, storing `reply` when there is one and Storable(reply->status), and
  // wakes the requests waiting for the key.
  void Finish(const std::string& key, const std::optional<StoredReply>& reply);
  // Forgets every stored answer (reset, state import); claims in flight finish normally.
  void Clear();
  size_t stored() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable finished_;
  const size_t max_replies_;
  std::unordered_map<std::string, StoredReply> replies_;
  std::deque<std::string> order_;  // stored keys, oldest first: the eviction order
  std::unordered_set<std::string> in_flight_;
};

}  // namespace workos_mock
