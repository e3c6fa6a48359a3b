#include "domain/profile_store.h"

#include "domain/text.h"

namespace workos_mock {

std::string ProfileStore::UserKey(const std::string& connection_id, const std::string& email) {
  return connection_id + "\n" + Lower(email);
}

const Profile* ProfileStore::FindByUser(const std::string& connection_id,
                                        const std::string& email) const {
  auto it = by_user_.find(UserKey(connection_id, email));
  return it == by_user_.end() ? nullptr : profiles_.Find(it->second);
}

const Profile& ProfileStore::Add(Profile profile) {
  by_user_[UserKey(profile.connection_id, profile.email)] = profile.id;
  const std::string id = profile.id;
  return profiles_.Put(id, std::move(profile));
}

void ProfileStore::Clear() {
  profiles_.Clear();
  by_user_.clear();
}

void ProfileStore::Prepare(std::vector<Profile> profiles, Prepared& out) {
  for (auto& p : profiles) {
    out.by_user[UserKey(p.connection_id, p.email)] = p.id;
    const std::string id = p.id;
    out.profiles.Put(id, std::move(p));
  }
}

ProfileStore::Retired ProfileStore::ReplaceWith(Prepared& fresh) {
  Retired old = profiles_.ReplaceWith(std::move(fresh.profiles));
  by_user_.swap(fresh.by_user);
  return old;
}

}  // namespace workos_mock
