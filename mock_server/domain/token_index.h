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
#include <unordered_map>

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
    std::unordered_map<std::string, std::string> owners;  // kind-tagged key -> environment name
  };
  static std::string Tagged(Kind kind, const std::string& key);
  Shard& ShardFor(const std::string& tagged) const;
  mutable std::array<Shard, kShards> shards_;
};

// A std::unordered_map<std::string, V> (the subset Environment uses) whose keys are mirrored in a
// TokenIndex once attached. Every mutation goes through here, so the index cannot drift.
template <typename V>
class IndexedMap {
 public:
  using Map = std::unordered_map<std::string, V>;
  using iterator = typename Map::iterator;
  using const_iterator = typename Map::const_iterator;

  explicit IndexedMap(TokenIndex::Kind kind) : kind_(kind) {}
  IndexedMap(const IndexedMap&) = delete;
  IndexedMap& operator=(const IndexedMap&) = delete;
  ~IndexedMap() { clear(); }

  // Starts mirroring into `index` under `owner` (the keys already present included).
  void Attach(std::shared_ptr<TokenIndex> index, const std::string& owner) {
    index_ = std::move(index);
    owner_ = owner;
    if (index_)
      for (const auto& [key, value] : map_) index_->Add(kind_, key, owner_);
  }

  V& operator[](const std::string& key) {
    auto it = map_.find(key);
    if (it != map_.end()) return it->second;
    if (index_) index_->Add(kind_, key, owner_);
    return map_[key];
  }
  iterator erase(const_iterator it) {
    if (index_) index_->Remove(kind_, it->first, owner_);
    return map_.erase(it);
  }
  iterator erase(iterator it) { return erase(const_iterator(it)); }
  size_t erase(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return 0;
    erase(it);
    return 1;
  }
  void clear() {
    if (index_)
      for (const auto& [key, value] : map_) index_->Remove(kind_, key, owner_);
    map_.clear();
  }
  // Takes `other`'s contents (re-indexed) and gives it this map's.
  void swap(Map& other) {
    if (index_)
      for (const auto& [key, value] : map_) index_->Remove(kind_, key, owner_);
    map_.swap(other);
    if (index_)
      for (const auto& [key, value] : map_) index_->Add(kind_, key, owner_);
  }

  iterator find(const std::string& key) { return map_.find(key); }
  const_iterator find(const std::string& key) const { return map_.find(key); }
  size_t count(const std::string& key) const { return map_.count(key); }
  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }
  iterator begin() { return map_.begin(); }
  iterator end() { return map_.end(); }
  const_iterator begin() const { return map_.begin(); }
  const_iterator end() const { return map_.end(); }

 private:
  const TokenIndex::Kind kind_;
  std::shared_ptr<TokenIndex> index_;  // shared: an environment may outlive its registry
  std::string owner_;
  Map map_;
};

}  // namespace workos_mock
