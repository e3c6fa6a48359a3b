// Which environment holds a link token, an access token or a pending sign-in. Those secrets
// carry no environment (as on the live API), so without an index a lookup would ask every
// environment in turn -- O(environments) per link visit with many parallel test workers.
//
// Environments keep the index in step through IndexedMap (below): every key added to or removed
// from one of those maps, by any path (create, sweep, reset, state import, destruction), is
// reported. A lookup still confirms with the environment it names, so a stale entry can never
// route a secret to the wrong place. Lock order: an Environment's mutex may be held while the
// index's shard lock is taken, never the reverse; the index never calls out.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "domain/spread_map.h"

namespace workos_mock {

class TokenIndex {
 public:
  enum class Kind { kLinkToken, kAccessToken, kPendingLogin };

  // `owner` is the environment's name. A key held by two environments (only possible through
  // imported fixtures) names the one that added it last.
  void Add(Kind kind, const std::string& key, const std::string& owner);
  // Removes the entry only when `owner` still holds it.
  void Remove(Kind kind, const std::string& key, const std::string& owner);
  // The owner's name, or "" when the key is unknown.
  std::string Find(Kind kind, const std::string& key) const;
  size_t size() const;

 private:
  static constexpr size_t kShards = 16;  // parallel workers rarely meet on one mutex
  struct Shard {
    mutable std::mutex mu;
    SpreadMap<std::string> owners;  // kind-tagged key -> environment name
  };
  static std::string Tagged(Kind kind, const std::string& key);
  Shard& ShardFor(const std::string& tagged) const;
  mutable std::array<Shard, kShards> shards_;
};

// A SpreadMap<V> (domain/spread_map.h) whose keys are mirrored in a TokenIndex once attached.
// Every mutation goes through here, so the index cannot drift.
template <typename V>
class IndexedMap {
 public:
  using Map = SpreadMap<V>;

  explicit IndexedMap(TokenIndex::Kind kind) : kind_(kind) {}
  IndexedMap(const IndexedMap&) = delete;
  IndexedMap& operator=(const IndexedMap&) = delete;
  ~IndexedMap() { Clear(); }

  // Starts mirroring into `index` under `owner` (the keys already present included).
  void Attach(std::shared_ptr<TokenIndex> index, const std::string& owner) {
    index_ = std::move(index);
    owner_ = owner;
    Mirror(true);
  }

  const V* Find(const std::string& key) const { return map_.Find(key); }
  size_t count(const std::string& key) const { return map_.count(key); }
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

  void Set(const std::string& key, V value) {
    if (map_.Set(key, std::move(value)) && index_) index_->Add(kind_, key, owner_);
  }
  bool Erase(const std::string& key) {
    if (!map_.Erase(key)) return false;
    if (index_) index_->Remove(kind_, key, owner_);
    return true;
  }
  void Clear() {
    Mirror(false);
    map_.Clear();
  }
  // Takes `other`'s contents (re-indexed) and gives it this map's.
  void Swap(Map& other) {
    Mirror(false);
    map_.Swap(other);
    Mirror(true);
  }

 private:
  void Mirror(bool present) {
    if (!index_) return;
    map_.ForEach([&](const std::string& key, const V&) {
      if (present)
        index_->Add(kind_, key, owner_);
      else
        index_->Remove(kind_, key, owner_);
    });
  }

  const TokenIndex::Kind kind_;
  std::shared_ptr<TokenIndex> index_;  // shared: an environment may outlive its registry
  std::string owner_;
  Map map_;
};

}  // namespace workos_mock
