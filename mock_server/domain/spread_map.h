// A string-keyed hash map spread over kParts std::unordered_maps by the key's hash once it holds
// kSpreadAt keys, so that growing it rehashes one part (1/64 of the keys) at a time instead of
// every key at once. Below kSpreadAt it is one map: an environment has several of these and there
// may be 20,000 environments, so the 64 parts are made only for the few that grow.
//
// Why: the stores' indexes live under an environment's lock. One std::unordered_map of 500,000
// keys rehashes all of them inside a single insert -- tens of milliseconds of pointer chasing
// while every request queued on that lock waits, which is what set create-session's p99 in
// scripts/bench. Spread over 64 parts, the parts cross their thresholds on different inserts and
// each rehash walks 1/64 of the keys. Lookups cost one extra hash of the key. Not thread-safe by
// itself: its owner's lock guards it.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace workos_mock {

template <typename V>
class SpreadMap {
 public:
  static constexpr size_t kParts = 64;
  static constexpr size_t kSpreadAt = 4096;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t count(const std::string& key) const { return Part(key).count(key); }

  // The value under `key`, or nullptr.
  const V* Find(const std::string& key) const {
    const auto& part = Part(key);
    auto it = part.find(key);
    return it == part.end() ? nullptr : &it->second;
  }
  V* Find(const std::string& key) {
    auto& part = Part(key);
    auto it = part.find(key);
    return it == part.end() ? nullptr : &it->second;
  }

  // Inserts `value` under `key`, or replaces the value there; true when the key is new.
  bool Set(const std::string& key, V value) {
    auto [it, inserted] = Part(key).insert_or_assign(key, std::move(value));
    (void)it;
    if (!inserted) return false;
    if (++size_ == kSpreadAt && parts_.size() == 1) Spread();
    return true;
  }

  // Removes `key`; true when it was there.
  bool Erase(const std::string& key) {
    if (Part(key).erase(key) == 0) return false;
    --size_;
    return true;
  }

  void Clear() {
    parts_.assign(1, Map{});
    size_ = 0;
  }

  void Swap(SpreadMap& other) {
    parts_.swap(other.parts_);
    std::swap(size_, other.size_);
  }

  // fn(key, value) for every entry, in no particular order.
  template <typename F>
  void ForEach(F fn) const {
    for (const auto& part : parts_)
      for (const auto& [key, value] : part) fn(key, value);
  }

 private:
  using Map = std::unordered_map<std::string, V>;
  // The hash's top bits pick the part; the part's own buckets use it modulo a prime, so the two
  // choices do not correlate.
  static_assert(kParts == 64, "PartOf takes the hash's top 6 bits");
  static size_t PartOf(const std::string& key) {
    return std::hash<std::string>{}(key) >> (sizeof(size_t) * 8 - 6);
  }
  Map& Part(const std::string& key) { return parts_.size() == 1 ? parts_[0] : parts_[PartOf(key)]; }
  const Map& Part(const std::string& key) const {
    return parts_.size() == 1 ? parts_[0] : parts_[PartOf(key)];
  }

  // One map becomes kParts; the nodes move without being copied or reallocated.
  void Spread() {
    std::vector<Map> parts(kParts);
    for (auto& part : parts) part.reserve(2 * kSpreadAt / kParts);
    Map& one = parts_[0];
    while (!one.empty()) {
      auto node = one.extract(one.begin());
      parts[PartOf(node.key())].insert(std::move(node));
    }
    parts_.swap(parts);
  }

  std::vector<Map> parts_ = std::vector<Map>(1);
  size_t size_ = 0;
};

}  // namespace workos_mock
