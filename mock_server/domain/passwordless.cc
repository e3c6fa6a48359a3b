// The passwordless flow's rules: a session's creation (validation, TTL, its MagicLink
// connection), the email, the link's visits (single use, expiry, HEAD), the profile it signs in.
#include <algorithm>

#include "domain/email_address.h"
#include "domain/environment.h"
#include "domain/expiry.h"
#include "domain/limits.h"
#include "domain/magic_link.h"
#include "domain/text.h"

namespace workos_mock {

// --- Passwordless --------------------------------------------------------------------------

const Connection& Environment::MagicLinkConnectionForLocked(const std::string& email) {
  const std::string domain = EmailDomain(email);
  if (const Connection* known = directory_.MagicLinkConnectionFor(domain)) return *known;
  // The product guide: a MagicLink connection is created for the email's domain when none exists.
  int64_t now = NowMsLocked();
  Connection conn;
  conn.id = ids_.NewId("conn", now);
  conn.type = "MagicLink";
  conn.name = "MagicLink";
  conn.state = "active";
  conn.domains.push_back({ids_.NewId("org_domain", now), domain});
  conn.organization_id = directory_.OrganizationWithDomain(domain);
  conn.created_ms = conn.updated_ms = now;
  ChangedLocked();
  return directory_.AddConnection(std::move(conn));
}

const Profile& Environment::ProfileForLocked(const Connection& connection, const IdpUser& user) {
  if (const Profile* known = profiles_.FindByUser(connection.id, user.email)) return *known;
  Profile p;
  p.id = ids_.NewId("prof", NowMsLocked());
  p.organization_id = connection.organization_id;
  p.connection_id = connection.id;
  p.connection_type = connection.type;
  // A 2024 capture shows Magic Link profiles carrying the email as idp_id.
  p.idp_id = user.idp_id.empty() ? user.email : user.idp_id;
  p.email = user.email;
  p.first_name = user.first_name;
  p.last_name = user.last_name;
  p.groups = user.groups;
  p.roles = user.roles;
  p.custom_attributes = user.custom_attributes;
  ChangedLocked();
  return profiles_.Add(std::move(p));
}

Result<PasswordlessSession> Environment::CreateSession(const CreateSessionRequest& request) {
  std::vector<FieldError> errors = request.decode_errors;
  auto has_error = [&](const std::string& field) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const FieldError& e) { return e.field == field; });
  };
  if (!has_error("email")) {
    if (!request.email || request.email->empty())
      errors.push_back({"email", "email must be a string"});
    else if (!IsPlausibleEmail(*request.email))
      errors.push_back({"email", "email must be an email"});
  }
  if (!has_error("type") && (!request.type || *request.type != "MagicLink"))
    errors.push_back({"type", "type must be a valid enum value (the only one is 'MagicLink')"});
  if (request.expires_in &&
      (*request.expires_in < seed_.expires_in_min || *request.expires_in > seed_.expires_in_max)) {
    errors.push_back({"expires_in", "expires_in must be a whole number of seconds between " +
                                        std::to_string(seed_.expires_in_min) + " and " +
                                        std::to_string(seed_.expires_in_max)});
  }

  MutexLock lock(mu_);
  MaybeSweepLocked();
  if (sessions_.size() >= max_stored())
    return Error{ErrorKind::kLimitExceeded,
                 "This environment holds the maximum of " + std::to_string(max_stored()) +
                     " (config max_stored) unexpired passwordless sessions",
                 {},
                 ControlHint::kWaitAdvanceClockOrReset};
  std::string redirect_uri;
  if (!has_error("redirect_uri")) {
    Result<std::string> resolved = redirect_uris_.Resolve(request.redirect_uri.value_or(""));
    if (resolved.ok())
      redirect_uri = resolved.value();
    else
      errors.push_back(resolved.error().errors.front());
  }
  const Connection* connection = nullptr;
  if (request.connection && !request.connection->empty() && !has_error("connection")) {
    const Connection* found = directory_.FindConnection(*request.connection);
    if (!found)
      errors.push_back({"connection", "connection '" + *request.connection +
                                          "' does not exist in this environment"});
    else if (found->state != "active")
      errors.push_back({"connection", "connection '" + *request.connection + "' is not active"});
    else
      connection = found;
  }
  if (!errors.empty()) return ValidationError(std::move(errors));

  if (connection == nullptr) connection = &MagicLinkConnectionForLocked(*request.email);
  const int64_t now = NowMsLocked();
  PasswordlessSession s;
  s.id = ids_.NewId("passwordless_session", now);
  s.email = *request.email;
  if (request.state && !request.state->empty()) s.state = request.state;
  s.connection_id = connection->id;
  s.token = ids_.Alphanumeric(25);  // live shape; 148 bits
  s.created_ms = now;
  s.expires_ms =
      SaturatingAdd(now, SecondsToMs(request.expires_in.value_or(seed_.link_ttl_seconds)));
  s.redirect_uri = std::move(redirect_uri);
  const PasswordlessSession& stored = sessions_.Put(std::move(s));  // moved: no copy under the lock
  ChangedLocked();
  NoteExpiryLocked(stored.expires_ms, true);
  return stored;
}

std::string Environment::SessionStateLocked(const PasswordlessSession& s) const {
  if (s.used) {
    // The first consuming visit is the one that yielded the code.
    for (const auto& v : s.visits)
      if (v.outcome == "redirected")
        return v.user_agent == kScannerUserAgent ? "scanned" : "confirmed";
    return "confirmed";
  }
  if (Expired(NowMsLocked(), s.expires_ms)) return "expired";
  return s.sends > 0 ? "sent" : "issued";
}

std::string Environment::SessionState(const PasswordlessSession& s) const {
  MutexLock lock(mu_);
  return SessionStateLocked(s);
}

std::string Environment::LinkStatus(const std::string& session_id) const {
  MutexLock lock(mu_);
  const PasswordlessSession* session = sessions_.Find(session_id);
  if (!session) return "expired";  // gone with a reset: nothing can use it
  const std::string state = SessionStateLocked(*session);
  if (state == "confirmed") return "used";
  if (state == "scanned" || state == "expired") return state;
  return "unused";
}

Email Environment::ComposeEmailLocked(const PasswordlessSession& s, EmailRenderer render) const {
  Email e;
  e.id = ids_.NewId("email", NowMsLocked());
  e.to = s.email;
  e.from = seed_.email_from;
  e.link = MagicLinkUrl(link_base_, s.token);
  if (render) {
    EmailContent content =
        render({e.to, e.from, seed_.app_name, e.link, (s.expires_ms - s.created_ms) / 60000});
    e.subject = std::move(content.subject);
    e.text = std::move(content.text);
    e.html = std::move(content.html);
  }
  e.session_id = s.id;
  e.sent_ms = NowMsLocked();
  return e;
}

Result<Email> Environment::SendSession(const std::string& session_id, EmailRenderer render) {
  MutexLock lock(mu_);
  const PasswordlessSession* found = sessions_.Find(session_id);
  if (!found || found->used || Expired(NowMsLocked(), found->expires_ms)) {
    return Error{ErrorKind::kUnprocessable,
                 "The passwordless session '" + session_id + "' has expired or is invalid.",
                 {}};
  }
  PasswordlessSession& session = *sessions_.FindMutable(session_id);
  session.sends++;
  Email email = ComposeEmailLocked(session, render);
  outbox_.Add(email);
  ChangedLocked();
  lock.Unlock();
  outbox_cv_.notify_all();
  return email;
}

bool Environment::HasLinkToken(const std::string& token) const {
  MutexLock lock(mu_);
  return sessions_.HasToken(token);
}

std::optional<LinkVisitOutcome> Environment::VisitLink(const std::string& token,
                                                       const std::string& method,
                                                       const std::string& user_agent) {
  MutexLock lock(mu_);
  PasswordlessSession* found = sessions_.FindMutableByToken(token);  // every visit is recorded
  if (!found) return std::nullopt;
  PasswordlessSession& s = *found;
  ChangedLocked();
  const int64_t now = NowMsLocked();
  LinkVisitOutcome out{LinkVisitOutcome::Kind::kUsed, "", s.id};
  std::string outcome;
  const Connection* conn = directory_.FindConnection(s.connection_id);
  if (s.used) {
    outcome = "used";
  } else if (Expired(now, s.expires_ms) || !conn) {
    // A deleted connection kills its sessions' links as expiry does.
    out.kind = LinkVisitOutcome::Kind::kExpired;
    outcome = "expired";
  } else if (method == "HEAD" && !settings_.head_consumes_links) {
    // A HEAD-safe server: link checkers that only send HEAD (e.g. Mailpit) leave it usable.
    out.kind = LinkVisitOutcome::Kind::kValid;
    outcome = "head";
  } else {
    // GET, and HEAD by default: the live stack (Express) runs the GET handler for a HEAD.
    s.used = true;  // single use: expires on the first visit
    IdpUser user;
    user.email = s.email;
    const Profile& profile = ProfileForLocked(*conn, user);
    s.code = IssueCodeLocked(profile, s.redirect_uri, s.id, std::nullopt);
    out.kind = LinkVisitOutcome::Kind::kRedirect;
    // '&': a session from PUT /_mock/state or --state-file keeps its redirect_uri unchecked.
    out.location = s.redirect_uri + (s.redirect_uri.find('?') == std::string::npos ? "?" : "&") +
                   "code=" + PercentEncode(s.code);
    if (s.state) out.location += "&state=" + PercentEncode(*s.state);
    outcome = "redirected";
  }
  if (out.kind == LinkVisitOutcome::Kind::kUsed || out.kind == LinkVisitOutcome::Kind::kExpired) {
    // The reference: an expired link redirects to the app with error=access_denied; a used link
    // has expired on its first visit (CONTRACT.md, evidence review 2026-11-29). Where to: the
    // session's redirect URI, else the environment's default; with neither, the HTML page.
    std::string target = s.redirect_uri;
    if (target.empty())
      if (Result<std::string> fallback = redirect_uris_.Resolve(""); fallback.ok())
        target = fallback.value();
    if (!target.empty()) {
      // '&' for the session's redirect_uri from a state import (above); a default has no query.
      out.location = target + (target.find('?') == std::string::npos ? "?" : "&") +
                     "error=access_denied&error_description=" +
                     PercentEncode(out.kind == LinkVisitOutcome::Kind::kUsed
                                       ? "The Magic Link has already been used. Request a new "
                                         "one to sign in."
                                       : "The Magic Link has expired. Request a new one to sign "
                                         "in.");
      if (s.state) out.location += "&state=" + PercentEncode(*s.state);
    }
  }
  RecordVisit(s, {now, method, user_agent, outcome});
  return out;
}

void Environment::RecordVisit(PasswordlessSession& s, LinkVisit visit) {
  // Bounded whatever a client sends: repeat visits of a used link, each with an 8 KiB
  // User-Agent, used to be kept for ever (21k of them: +190 MB, a 161 MB lifecycle answer).
  if (s.visits.size() >= kMaxVisits && visit.outcome != "redirected") {
    ++s.visits_omitted;
    return;
  }
  visit.user_agent = TruncateValue(visit.user_agent, kMaxStoredHeaderBytes);
  s.visits.push_back(std::move(visit));
}

std::optional<PasswordlessSession> Environment::FindSession(const std::string& id) const {
  MutexLock lock(mu_);
  const PasswordlessSession* s = sessions_.Find(id);
  if (!s) return std::nullopt;
  return *s;
}

}  // namespace workos_mock
