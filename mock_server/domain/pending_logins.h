// The sign-ins waiting at the interactive IdP page, by id. The id is the secret that finishes
// one, so the ids are mirrored into the registry's TokenIndex once attached
// (domain/token_index.h). Rules it owns:
// - a pending sign-in can be completed strictly before its expiry (expiry.h), and only once:
//   completing it removes it;
// - it is useless the moment it expires, so a sweep drops it then (no grace period, unlike
//   sessions and codes: nobody inspects one afterwards).
// Not thread-safe by itself: the Environment keeps one under its lock (environment.h);
// snapshots capture it like an EntryStore.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/entry_store.h"
#include "domain/sso.h"
#include "domain/token_index.h"

namespace workos_mock {

class PendingLoginStore {
 public:
  using Retired = EntryStore<PendingLogin>::Retired;
  using Prepared = EntryStore<PendingLogin>;

  void Attach(std::shared_ptr<TokenIndex> index, const std::string& owner) {
    logins_.Attach(std::move(index), owner);
  }

  size_t size() const { return logins_.size(); }
  bool contains(const std::string& id) const { return logins_.contains(id); }
  // Stores `login` (its id new).
  void Add(PendingLogin login);
  // The login, if it can still be completed at `now_ms`; nullptr when unknown, completed or
  // expired.
  const PendingLogin* FindUsable(const std::string& id, int64_t now_ms) const;
  // Completed (or abandoned): it can never be completed again.
  void Remove(const std::string& id) { logins_.Erase(id); }

  // Drops the logins expired at `now_ms`; `earliest_kept` becomes the earliest expiry left, if
  // earlier. Returns how many went.
  size_t EraseExpired(int64_t now_ms, int64_t& earliest_kept);
  void Clear() { logins_.Clear(); }

  // A state import in two steps, as SessionStore's: Prepare without the lock (ids unique:
  // ValidateSnapshot), ReplaceWith under it (the old entries returned, to be freed outside it).
  static void Prepare(std::vector<PendingLogin> logins, Prepared& out);
  Retired ReplaceWith(Prepared& fresh) { return logins_.ReplaceWith(std::move(fresh)); }

  void BeginCapture(std::vector<const PendingLogin*>& out) { logins_.BeginCapture(out); }
  Retired EndCapture() { return logins_.EndCapture(); }

 private:
  EntryStore<PendingLogin> logins_{TokenIndex::Kind::kPendingLogin};
};

}  // namespace workos_mock
