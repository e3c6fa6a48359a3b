// A keyed store of entries (sessions, codes, ...) that can be captured for a snapshot in time
// proportional to a memcpy, not to walking every entry: the owner's lock is held for
// BeginCapture (copies one pointer per entry out of a contiguous array) and EndCapture only,
// and the entries are copied, sorted and serialised after the lock is released.
//
// While a capture is open, an entry that existed when it began is never changed in place nor
// freed: FindMutable copies it first, Put/Erase/Clear/ReplaceWith retire the old object, and
// EndCapture hands the retired objects back to be freed outside the lock. Entries made during
// the capture are changed in place as usual. Not thread-safe by itself: every call is made
// under the owner's lock (environment.h), and the owner opens at most one capture at a time.
//
// A store made with a TokenIndex kind and attached to an index mirrors its keys there (every
// key added or removed by any path), as IndexedMap does (domain/token_index.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/spread_map.h"
#include "domain/token_index.h"

namespace workos_mock {

template <typename T>
class EntryStore {
 public:
  using Retired = std::vector<std::unique_ptr<T>>;

  EntryStore() = default;
  explicit EntryStore(TokenIndex::Kind kind) : kind_(kind) {}
  EntryStore(const EntryStore&) = delete;
  EntryStore& operator=(const EntryStore&) = delete;
  ~EntryStore() { Unindex(); }

  // Starts mirroring the keys into `tokens` under `owner` (the keys already present included).
  // Only for a store made with a kind.
  void Attach(std::shared_ptr<TokenIndex> tokens, const std::string& owner) {
    tokens_ = std::move(tokens);
    owner_ = owner;
    for (const Slot& slot : slots_) Indexed(slot.key, true);
  }

  size_t size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }
  bool contains(const std::string& key) const { return index_.count(key) > 0; }

  const T* Find(const std::string& key) const {
    const size_t* at = index_.Find(key);
    return at == nullptr ? nullptr : slots_[*at].value.get();
  }

  // The entry, to be changed in place; copied first when an open capture shares it.
  T* FindMutable(const std::string& key) {
    const size_t* at = index_.Find(key);
    if (at == nullptr) return nullptr;
    Slot& slot = slots_[*at];
    if (Shared(slot)) {
      auto copy = std::make_unique<T>(*slot.value);
      retired_.push_back(std::move(slot.value));
      slot.value = std::move(copy);
      slot.born = epoch_;
    }
    return slot.value.get();
  }

  // Inserts or replaces; returns the stored entry.
  T& Put(const std::string& key, T value) {
    auto fresh = std::make_unique<T>(std::move(value));
    if (const size_t* at = index_.Find(key)) {
      Slot& slot = slots_[*at];
      Drop(slot);
      slot.value = std::move(fresh);
      slot.born = epoch_;
      return *slot.value;
    }
    index_.Set(key, slots_.size());
    slots_.push_back(Slot{std::move(fresh), epoch_, key});
    Indexed(key, true);
    return *slots_.back().value;
  }

  bool Erase(const std::string& key) {
    const size_t* at = index_.Find(key);
    if (at == nullptr) return false;
    RemoveAt(*at);
    return true;
  }

  // Erases every entry for which pred(entry) holds, calling on_erase(entry) first; returns how
  // many went.
  template <typename Pred, typename OnErase>
  size_t EraseIf(Pred pred, OnErase on_erase) {
    size_t removed = 0;
    for (size_t i = slots_.size(); i-- > 0;) {
      if (!pred(static_cast<const T&>(*slots_[i].value))) continue;
      on_erase(static_cast<const T&>(*slots_[i].value));
      RemoveAt(i);  // moves the last slot (already visited) into i
      ++removed;
    }
    return removed;
  }

  // fn(key, entry) for every entry, in no particular order.
  template <typename F>
  void ForEach(F fn) const {
    for (const Slot& slot : slots_) fn(slot.key, static_cast<const T&>(*slot.value));
  }

  void Clear() {
    Unindex();
    for (Slot& slot : slots_) Drop(slot);
    slots_.clear();
    index_.Clear();
  }

  // Takes `fresh`'s entries in place of these. The old entries are returned to be freed by the
  // caller after it released its lock (or kept until EndCapture when a capture shares them).
  Retired ReplaceWith(EntryStore&& fresh) {
    Unindex();
    Retired old;
    for (Slot& slot : slots_) (Shared(slot) ? retired_ : old).push_back(std::move(slot.value));
    slots_ = std::move(fresh.slots_);
    index_.Swap(fresh.index_);
    fresh.slots_.clear();
    fresh.index_.Clear();
    for (Slot& slot : slots_) {
      slot.born = epoch_;
      Indexed(slot.key, true);
    }
    return old;
  }

  // Opens a capture: `out` receives every entry as of now, valid and unchanged until
  // EndCapture. Size `out` beforehand (outside the lock) so that no memory is allocated or
  // faulted in here: a fresh 400 KB array cost up to 65 ms under the lock in page faults.
  void BeginCapture(std::vector<const T*>& out) {
    capturing_ = true;
    capture_epoch_ = ++epoch_;
    if (out.size() < slots_.size()) out.resize(slots_.size());
    for (size_t i = 0; i < slots_.size(); ++i) out[i] = slots_[i].value.get();
    out.resize(slots_.size());
  }

  // Closes it; the objects it kept alive are returned, to be freed outside the owner's lock.
  Retired EndCapture() {
    capturing_ = false;
    ++epoch_;
    Retired out;
    out.swap(retired_);
    return out;
  }

 private:
  struct Slot {
    std::unique_ptr<T> value;
    uint64_t born;  // epoch_ when this object was made
    std::string key;
  };

  // Made before the open capture began: the capture holds a pointer to it.
  bool Shared(const Slot& slot) const { return capturing_ && slot.born < capture_epoch_; }
  void Drop(Slot& slot) {
    if (Shared(slot))
      retired_.push_back(std::move(slot.value));
    else
      slot.value.reset();
  }
  void Indexed(const std::string& key, bool present) {
    if (!tokens_ || !kind_) return;
    if (present)
      tokens_->Add(*kind_, key, owner_);
    else
      tokens_->Remove(*kind_, key, owner_);
  }
  void Unindex() {
    for (const Slot& slot : slots_) Indexed(slot.key, false);
  }

  void RemoveAt(size_t i) {
    Indexed(slots_[i].key, false);
    Drop(slots_[i]);
    index_.Erase(slots_[i].key);
    if (i + 1 != slots_.size()) {
      slots_[i] = std::move(slots_.back());
      index_.Set(slots_[i].key, i);
    }
    slots_.pop_back();
  }

  std::optional<TokenIndex::Kind> kind_;  // set: the keys are secrets the registry looks up
  std::shared_ptr<TokenIndex> tokens_;
  std::string owner_;
  SpreadMap<size_t> index_;  // key -> position in slots_
  // A deque: growing never moves the slots already there (a vector's doubling copied them all,
  // under the owner's lock).
  std::deque<Slot> slots_;
  uint64_t epoch_ = 1;
  bool capturing_ = false;
  uint64_t capture_epoch_ = 0;
  Retired retired_;
};

// Erases the entries of `store` (an EntryStore, or a store with the same EraseIf) whose
// expires_ms is before `horizon`; `earliest_kept` becomes the smallest expires_ms left, if
// smaller. Returns how many went.
template <typename Store>
size_t EraseExpiredBefore(Store& store, int64_t horizon, int64_t& earliest_kept) {
  return store.EraseIf(
      [&](const auto& x) {
        if (x.expires_ms < horizon) return true;
        earliest_kept = std::min(earliest_kept, x.expires_ms);
        return false;
      },
      [](const auto&) {});
}

}  // namespace workos_mock
