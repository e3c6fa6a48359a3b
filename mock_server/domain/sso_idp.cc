// The mock IdP's control: the interactive page's choices (CompleteLogin), the queue of sign-in
// outcomes (POST|GET|DELETE /_mock/sso/outcomes) and the sign-in records (GET
// /_mock/sso/sign-ins). The sign-in itself is in sso.cc.
#include "domain/email_address.h"
#include "domain/environment.h"
#include "domain/text.h"

namespace workos_mock {

bool Environment::HasPendingLogin(const std::string& login_id) const {
  MutexLock lock(mu_);
  return pending_logins_.contains(login_id);
}

Result<AuthorizeOutcome> Environment::CompleteLogin(const std::string& login_id,
                                                    const std::string& email,
                                                    const std::string& action,
                                                    const std::string& chosen) {
  MutexLock lock(mu_);
  const PendingLogin* found = pending_logins_.FindUsable(login_id, NowMsLocked());
  if (!found)
    return Error{ErrorKind::kNotFound,
                 "This sign-in has expired or was already completed. Start again from the app.",
                 {}};
  const PendingLogin p = *found;
  const Connection* conn = directory_.FindConnection(p.connection_id);
  if (!conn) {  // deleted while the page waited
    pending_logins_.Remove(login_id);
    ChangedLocked();
    AuthorizeOutcome out;
    out.error = "connection_invalid";
    out.location = AppRedirectLocked(p.redirect_uri, p.state, out.error,
                                     "No Connection found with ID '" + p.connection_id + "'");
    return out;
  }
  // The person's choice on the page.
  std::string outcome;
  if (action == "deny") {
    outcome = "access_denied";
  } else if (action == "cancel") {
    outcome = "signin_consent_denied";
  } else if (action == "fail") {
    outcome = chosen.empty() ? DefaultFailure(conn->type) : chosen;
    if (!IsSignInOutcome(outcome)) return ValidationError({UnknownOutcomeError()});
  } else if (!action.empty() && action != "sign_in") {
    return ValidationError({{"action", "action must be sign_in, deny, cancel or fail"}});
  }
  if (!outcome.empty()) {
    pending_logins_.Remove(login_id);
    ChangedLocked();
    return SignInLocked(*conn, IdpUser{}, p, outcome, "idp_page");
  }
  if (!IsPlausibleEmail(email))
    return ValidationError({{"email", "email must be an email address, e.g. ann@example.com"}});
  pending_logins_.Remove(login_id);
  ChangedLocked();
  IdpUser user;
  user.email = email;
  for (const auto& u : conn->users)
    if (Lower(u.email) == Lower(email)) user = u;
  return SignInLocked(*conn, user, p);
}

Result<QueuedOutcome> Environment::QueueOutcome(const std::string& connection_id,
                                                const std::string& outcome, int64_t times) {
  std::vector<FieldError> errors = OutcomeQueue::Check(outcome, times);
  MutexLock lock(mu_);
  if (!connection_id.empty() && !directory_.FindConnection(connection_id))
    errors.push_back(
        {"connection", "connection '" + connection_id + "' does not exist in this environment"});
  if (!errors.empty()) return ValidationError(std::move(errors));
  if (Status room = queued_outcomes_.CheckRoom(); !room.ok()) return room.error();
  QueuedOutcome q;
  q.id = control_ids_.NewId("sso_outcome", NowMsLocked());
  q.connection_id = connection_id;
  q.outcome = outcome;
  q.times = q.remaining = times;
  queued_outcomes_.Push(q);
  return q;
}

std::vector<QueuedOutcome> Environment::QueuedOutcomes() const {
  MutexLock lock(mu_);
  return queued_outcomes_.List();
}

void Environment::ClearQueuedOutcomes() {
  MutexLock lock(mu_);
  queued_outcomes_.Clear();
}

std::vector<SsoSignIn> Environment::SignIns() const {
  MutexLock lock(mu_);
  return sign_ins_.List(NowMsLocked());
}

}  // namespace workos_mock
