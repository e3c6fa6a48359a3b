// An environment's profiles, by id and by who signed in (connection + email, case-insensitive):
// one profile per user of a connection. The second index is kept here and only here (create,
// reset, state import). Not thread-safe by itself: the Environment keeps one under its lock
// (environment.h); snapshots capture it like an EntryStore.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "domain/entry_store.h"
#include "domain/model.h"

namespace workos_mock {

class ProfileStore {
 public:
  using Retired = EntryStore<Profile>::Retired;

  size_t size() const { return profiles_.size(); }
  const Profile* Find(const std::string& id) const { return profiles_.Find(id); }
  // The profile of `email` at connection `connection_id`, if one was made.
  const Profile* FindByUser(const std::string& connection_id, const std::string& email) const;
  // Stores `profile` (its id new) and returns it.
  const Profile& Add(Profile profile);
  void Clear();
  // A state import in two steps, as SessionStore's: Prepare without the lock, ReplaceWith under
  // it (the old entries returned, to be freed outside it).
  struct Prepared {
    EntryStore<Profile> profiles;
    std::unordered_map<std::string, std::string> by_user;
  };
  static void Prepare(std::vector<Profile> profiles, Prepared& out);
  Retired ReplaceWith(Prepared& fresh);

  void BeginCapture(std::vector<const Profile*>& out) { profiles_.BeginCapture(out); }
  Retired EndCapture() { return profiles_.EndCapture(); }

 private:
  static std::string UserKey(const std::string& connection_id, const std::string& email);
  EntryStore<Profile> profiles_;
  std::unordered_map<std::string, std::string> by_user_;  // UserKey -> profile id
};

}  // namespace workos_mock
