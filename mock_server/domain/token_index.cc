#include "domain/token_index.h"

namespace workos_mock {

std::string TokenIndex::Tagged(Kind kind, const std::string& key) {
  std::string tagged;
  tagged.reserve(key.size() + 1);
  tagged += static_cast<char>('0' + static_cast<int>(kind));
  tagged += key;
  return tagged;
}

TokenIndex::Shard& TokenIndex::ShardFor(const std::string& tagged) const {
  return shards_[std::hash<std::string>()(tagged) % kShards];
}

void TokenIndex::Add(Kind kind, const std::string& key, const std::string& owner) {
  const std::string tagged = Tagged(kind, key);
  Shard& shard = ShardFor(tagged);
  std::lock_guard<std::mutex> lock(shard.mu);
  shard.owners.Set(tagged, owner);
}

void TokenIndex::Remove(Kind kind, const std::string& key, const std::string& owner) {
  const std::string tagged = Tagged(kind, key);
  Shard& shard = ShardFor(tagged);
  std::lock_guard<std::mutex> lock(shard.mu);
  const std::string* held = shard.owners.Find(tagged);
  if (held != nullptr && *held == owner) shard.owners.Erase(tagged);
}

std::string TokenIndex::Find(Kind kind, const std::string& key) const {
  const std::string tagged = Tagged(kind, key);
  const Shard& shard = ShardFor(tagged);
  std::lock_guard<std::mutex> lock(shard.mu);
  const std::string* held = shard.owners.Find(tagged);
  return held == nullptr ? std::string() : *held;
}

size_t TokenIndex::size() const {
  size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.owners.size();
  }
  return n;
}

}  // namespace workos_mock
