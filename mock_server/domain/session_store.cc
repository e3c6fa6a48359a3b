#include "domain/session_store.h"

namespace workos_mock {

PasswordlessSession* SessionStore::FindMutableByToken(const std::string& token) {
  const std::string* id = by_token_.Find(token);
  return id == nullptr ? nullptr : sessions_.FindMutable(*id);
}

const PasswordlessSession& SessionStore::Put(PasswordlessSession session) {
  by_token_.Set(session.token, session.id);
  const std::string id = session.id;
  return sessions_.Put(id, std::move(session));
}

void SessionStore::Clear() {
  sessions_.Clear();
  by_token_.Clear();
}

void SessionStore::Prepare(std::vector<PasswordlessSession> sessions, Prepared& out) {
  for (auto& s : sessions) {
    out.by_token.Set(s.token, s.id);
    const std::string id = s.id;
    out.sessions.Put(id, std::move(s));
  }
}

SessionStore::Retired SessionStore::ReplaceWith(Prepared& fresh) {
  Retired old = sessions_.ReplaceWith(std::move(fresh.sessions));
  by_token_.Swap(fresh.by_token);
  return old;
}

}  // namespace workos_mock
