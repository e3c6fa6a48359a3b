// An environment's passwordless sessions, by id and by link token. The token index is kept here
// and only here: every path that adds or removes a session (create, sweep, reset, state import)
// goes through this class, so the index cannot drift. The tokens are mirrored into the
// registry's TokenIndex once attached (domain/token_index.h). Not thread-safe by itself: the
// Environment keeps one under its lock (environment.h); snapshots capture it like an EntryStore.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "domain/entry_store.h"
#include "domain/model.h"
#include "domain/spread_map.h"
#include "domain/token_index.h"

namespace workos_mock {

class SessionStore {
 public:
  using Retired = EntryStore<PasswordlessSession>::Retired;

  void Attach(std::shared_ptr<TokenIndex> index, const std::string& owner) {
    by_token_.Attach(std::move(index), owner);
  }

  size_t size() const { return sessions_.size(); }
  bool contains(const std::string& id) const { return sessions_.contains(id); }
  const PasswordlessSession* Find(const std::string& id) const { return sessions_.Find(id); }
  // Change a session only through this (copy-on-write while a snapshot is open).
  PasswordlessSession* FindMutable(const std::string& id) { return sessions_.FindMutable(id); }
  bool HasToken(const std::string& token) const { return by_token_.count(token) > 0; }
  // The session whose link token is `token`, to be changed; nullptr when none is.
  PasswordlessSession* FindMutableByToken(const std::string& token);

  // Stores `session` (replacing one with its id); the stored copy, valid until the next change.
  const PasswordlessSession& Put(PasswordlessSession session);
  void Clear();
  // Erases the sessions for which pred(session) holds, calling on_erase(session) first.
  template <typename Pred, typename OnErase>
  size_t EraseIf(Pred pred, OnErase on_erase) {
    std::vector<std::string> tokens;
    size_t removed = sessions_.EraseIf(pred, [&](const PasswordlessSession& s) {
      on_erase(s);
      tokens.push_back(s.token);
    });
    for (const auto& token : tokens) by_token_.Erase(token);
    return removed;
  }
  // A state import in two steps: Prepare builds the new contents without the lock (ids and
  // tokens unique: ValidateSnapshot), ReplaceWith swaps them in under it and returns the old
  // entries, to be freed outside it.
  struct Prepared {
    EntryStore<PasswordlessSession> sessions;
    SpreadMap<std::string> by_token;
  };
  static void Prepare(std::vector<PasswordlessSession> sessions, Prepared& out);
  Retired ReplaceWith(Prepared& fresh);

  void BeginCapture(std::vector<const PasswordlessSession*>& out) { sessions_.BeginCapture(out); }
  Retired EndCapture() { return sessions_.EndCapture(); }

 private:
  EntryStore<PasswordlessSession> sessions_;
  IndexedMap<std::string> by_token_{TokenIndex::Kind::kLinkToken};  // token -> id
};

}  // namespace workos_mock
