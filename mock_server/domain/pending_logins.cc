#include "domain/pending_logins.h"

#include "domain/expiry.h"

namespace workos_mock {

void PendingLoginStore::Add(PendingLogin login) {
  const std::string id = login.id;
  logins_.Put(id, std::move(login));
}

const PendingLogin* PendingLoginStore::FindUsable(const std::string& id, int64_t now_ms) const {
  const PendingLogin* found = logins_.Find(id);
  return found && !Expired(now_ms, found->expires_ms) ? found : nullptr;
}

size_t PendingLoginStore::EraseExpired(int64_t now_ms, int64_t& earliest_kept) {
  // Expired(now, e) is now >= e, i.e. e < now + 1.
  return EraseExpiredBefore(logins_, now_ms + 1, earliest_kept);
}

void PendingLoginStore::Prepare(std::vector<PendingLogin> logins, Prepared& out) {
  for (auto& x : logins) {
    const std::string id = x.id;
    out.Put(id, std::move(x));
  }
}

}  // namespace workos_mock
