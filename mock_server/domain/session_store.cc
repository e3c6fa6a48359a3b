#include "domain/session_store.h"

namespace workos_mock {

PasswordlessSession* SessionStore::FindMutableByToken(const std::string& token) {
  auto it = by_token_.find(token);
  return it == by_token_.end() ? nullptr : sessions_.FindMutable(it->second);
}

void SessionStore::Put(PasswordlessSession session) {
  by_token_[session.token] = session.id;
  const std::string id = session.id;
  sessions_.Put(id, std::move(session));
}

void SessionStore::Clear() {
  sessions_.Clear();
  by_token_.clear();
}

void SessionStore::Prepare(std::vector<PasswordlessSession> sessions, Prepared& out) {
  for (auto& s : sessions) {
    out.by_token[s.token] = s.id;
    const std::string id = s.id;
    out.sessions.Put(id, std::move(s));
  }
}

SessionStore::Retired SessionStore::ReplaceWith(Prepared& fresh) {
  Retired old = sessions_.ReplaceWith(std::move(fresh.sessions));
  by_token_.swap(fresh.by_token);
  return old;
}

}  // namespace workos_mock
