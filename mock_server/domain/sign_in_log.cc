#include "domain/sign_in_log.h"

#include "domain/expiry.h"

namespace workos_mock {

SsoSignIn& SignInLog::RecordOf(const Connection& conn, const PendingLogin& login, int64_t now_ms) {
  if (!login.id.empty())
    for (auto& r : records_)
      if (r.login_id == login.id) return r;
  SsoSignIn r;
  r.login_id = login.id;
  r.started_ms = now_ms;
  r.expires_ms = login.expires_ms;
  r.connection_id = conn.id;
  r.connection_type = conn.type;
  r.organization_id = conn.organization_id;
  r.redirect_uri = login.redirect_uri;
  r.state = login.state;
  r.status = "at_idp";
  records_.push_front(std::move(r));
  if (records_.size() > kMaxRecords) records_.pop_back();
  return records_.front();
}

std::vector<SsoSignIn> SignInLog::List(int64_t now_ms) const {
  std::vector<SsoSignIn> out(records_.begin(), records_.end());
  for (auto& r : out)
    if (r.status == "at_idp" && Expired(now_ms, r.expires_ms)) r.status = "expired";
  return out;
}

}  // namespace workos_mock
