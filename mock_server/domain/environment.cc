#include "domain/environment.h"
#include "domain/text.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "domain/email_address.h"
#include "domain/expiry.h"
#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/magic_link.h"
#include "domain/scanner_policy.h"

namespace workos_mock {
namespace {

std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64UrlEncode(std::string(reinterpret_cast<char*>(digest), sizeof digest));
}

bool ConstantTimeEquals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error InvalidGrant(const std::string& code) {
  return Error{ErrorKind::kInvalidGrant, "The code '" + code + "' has expired or is invalid.", {}};
}

Error InvalidClient() {
  return Error{ErrorKind::kInvalidClient, "Invalid client ID or secret.", {}};
}

}  // namespace

const char* KindName(EnvironmentKind kind) {
  return kind == EnvironmentKind::kProduction ? "production" : "staging";
}

namespace {

// A stream of deterministic mode (seed + environment name + purpose), or the CSPRNG.
IdGenerator StreamOf(const EnvironmentConfig& seed, const char* purpose) {
  if (seed.random_seed) return IdGenerator(*seed.random_seed, seed.name, purpose);
  return IdGenerator();
}

}  // namespace

Environment::Environment(EnvironmentConfig seed, const Clock& clock, std::string link_base,
                         TokenSigner* signer)
    : seed_(std::move(seed)),
      clock_(clock),
      link_base_(std::move(link_base)),
      signer_(signer              ? signer
              : seed_.random_seed ? &SeededTokenSigner(*seed_.random_seed)
                                  : &ProcessTokenSigner()),
      ids_(StreamOf(seed_, "objects")),
      request_ids_(StreamOf(seed_, "requests")),
      control_ids_(StreamOf(seed_, "control")) {
  MutexLock lock(mu_);
  LoadSeedLocked();
}

void Environment::LoadSeedLocked() {
  ChangedLocked();
  offset_ms_ = 0;
  // Deterministic mode: back to the start of every stream, so a reset replays byte for byte.
  ids_.Rewind();
  request_ids_.Rewind();
  control_ids_.Rewind();
  next_sweep_due_ms_ = 0;
  redirect_uris_.Replace(seed_.redirect_uris);
  organizations_.clear();
  for (const auto& org : seed_.organizations) organizations_[org.id] = org;
  connections_.clear();
  for (const auto& conn : seed_.connections) connections_[conn.id] = conn;
  profiles_.Clear();
  sessions_.Clear();
  codes_.Clear();
  access_tokens_.Clear();
  outbox_.Clear();
  idempotency_.Clear();
  pending_logins_.Clear();
  queued_outcomes_.clear();
  sign_ins_.clear();
  scanner_ = seed_.scanner;
  settings_ = seed_.settings;
}

bool Environment::HasApiKey(const std::string& key) const {
  bool found = false;
  for (const auto& k : seed_.api_keys) found |= ConstantTimeEquals(k, key);
  return found;
}

int64_t Environment::NowMsLocked() const {
  return (seed_.start_time_ms ? *seed_.start_time_ms : clock_.NowMs()) + offset_ms_;
}

int64_t Environment::NowMs() const {
  MutexLock lock(mu_);
  return NowMsLocked();
}

int64_t Environment::ClockOffsetSeconds() const {
  MutexLock lock(mu_);
  return offset_ms_ / 1000;
}

Result<int64_t> Environment::AdvanceClock(int64_t seconds) {
  if (auto error = CheckDuration("seconds", seconds, 0)) {
    error->code += "; the clock only moves forward";
    return ValidationError({*error});
  }
  MutexLock lock(mu_);
  // The offset has the same limit as one advance, so a snapshot of it always loads back.
  if (seconds * 1000 > kMaxDurationMs - offset_ms_) {
    return ValidationError(
        {{"seconds", "the clock can be at most " + std::to_string(kMaxDurationSeconds) +
                         " seconds (100 years) ahead of real time; it is " +
                         std::to_string(offset_ms_ / 1000) + " seconds ahead, so at most " +
                         std::to_string((kMaxDurationMs - offset_ms_) / 1000) +
                         " more can be added (POST /_mock/reset starts again)"}});
  }
  offset_ms_ += seconds * 1000;
  if (seconds > 0) ChangedLocked();
  return NowMsLocked();
}

void Environment::Reset() {
  MutexLock lock(mu_);
  LoadSeedLocked();
}

EnvironmentSettings Environment::settings() const {
  MutexLock lock(mu_);
  return settings_;
}

void Environment::SetSettings(const EnvironmentSettings& settings) {
  MutexLock lock(mu_);
  settings_ = settings;
}

// --- Redirect URIs -------------------------------------------------------------------------

std::vector<RedirectUriEntry> Environment::redirect_uris() const {
  MutexLock lock(mu_);
  return redirect_uris_.entries();
}

Result<std::vector<RedirectUriEntry>> Environment::SetRedirectUris(
    std::vector<RedirectUriEntry> uris) {
  auto prepared = RedirectUriAllowList::Prepare(std::move(uris),
                                                {seed_.kind, seed_.allow_wildcard_redirect_uris});
  if (!prepared.ok()) return prepared;
  MutexLock lock(mu_);
  redirect_uris_.Replace(prepared.value());
  ChangedLocked();
  return prepared;
}

Result<std::string> Environment::ResolveRedirectUri(const std::string& requested) const {
  MutexLock lock(mu_);
  std::string error;
  std::string uri = redirect_uris_.Resolve(requested, &error);
  if (!error.empty()) return ValidationError({{"redirect_uri", error}});
  return uri;
}

// --- Passwordless --------------------------------------------------------------------------

Connection& Environment::MagicLinkConnectionForLocked(const std::string& email) {
  const std::string domain = EmailDomain(email);
  for (auto& [id, conn] : connections_) {
    if (conn.type != "MagicLink") continue;
    for (const auto& d : conn.domains)
      if (Lower(d.domain) == domain) return conn;
  }
  // The product guide: a MagicLink connection is created for the email's domain when none exists.
  int64_t now = NowMsLocked();
  Connection conn;
  conn.id = ids_.NewId("conn", now);
  conn.type = "MagicLink";
  conn.name = "MagicLink";
  conn.state = "active";
  conn.domains.push_back({ids_.NewId("org_domain", now), domain});
  for (const auto& [org_id, org] : organizations_) {
    for (const auto& d : org.domains)
      if (Lower(d.domain) == domain) conn.organization_id = org_id;
  }
  conn.created_ms = conn.updated_ms = now;
  ChangedLocked();
  return connections_[conn.id] = conn;
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
                     " (config max_stored) unexpired passwordless sessions; wait for them to "
                     "expire, advance the "
                     "clock, or POST /_mock/reset.",
                 {}};
  std::string redirect_uri;
  if (!has_error("redirect_uri")) {
    std::string error;
    redirect_uri = redirect_uris_.Resolve(request.redirect_uri.value_or(""), &error);
    if (!error.empty()) errors.push_back({"redirect_uri", error});
  }
  const Connection* connection = nullptr;
  if (request.connection && !request.connection->empty() && !has_error("connection")) {
    auto it = connections_.find(*request.connection);
    if (it == connections_.end())
      errors.push_back({"connection", "connection '" + *request.connection +
                                          "' does not exist in this environment"});
    else if (it->second.state != "active")
      errors.push_back({"connection", "connection '" + *request.connection + "' is not active"});
    else
      connection = &it->second;
  }
  if (!errors.empty()) return ValidationError(std::move(errors));

  if (connection == nullptr) connection = &MagicLinkConnectionForLocked(*request.email);
  const int64_t now = NowMsLocked();
  PasswordlessSession s;
  s.id = ids_.NewId("passwordless_session", now);
  s.email = *request.email;
  s.redirect_uri = redirect_uri;
  if (request.state && !request.state->empty()) s.state = request.state;
  s.connection_id = connection->id;
  s.token = ids_.Alphanumeric(25);  // live shape; 148 bits
  s.created_ms = now;
  s.expires_ms =
      SaturatingAdd(now, SecondsToMs(request.expires_in.value_or(seed_.link_ttl_seconds)));
  sessions_.Put(s);
  ChangedLocked();
  NoteExpiryLocked(s.expires_ms, true);
  return s;
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

Email Environment::ComposeEmailLocked(const PasswordlessSession& s) const {
  Email e;
  e.id = ids_.NewId("email", NowMsLocked());
  e.to = s.email;
  e.from = seed_.email_from;
  e.subject = "Sign in to " + seed_.app_name;
  e.link = MagicLinkUrl(link_base_, s.token);
  const int64_t minutes = (s.expires_ms - s.created_ms) / 60000;
  e.text = "Sign in to " + seed_.app_name +
           "\n\nClick the link below to sign in. It can be used once and expires in " +
           std::to_string(minutes) + " minutes.\n\n" + e.link +
           "\n\nIf you did not request this email, you can ignore it.\n";
  e.html = "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>Sign in to " +
           HtmlEscape(seed_.app_name) +
           "</h1><p>Click the button below to sign in. The link can be used once and expires in " +
           std::to_string(minutes) + " minutes.</p><p><a href=\"" + HtmlEscape(e.link) +
           "\" style=\"padding:10px 16px;background:#6363f1;color:#fff;text-decoration:none;"
           "border-radius:6px\">Sign in</a></p><p>If you did not request this email, you can "
           "ignore it.</p></body></html>";
  e.session_id = s.id;
  e.sent_ms = NowMsLocked();
  return e;
}

Result<Email> Environment::SendSession(const std::string& session_id) {
  MutexLock lock(mu_);
  const PasswordlessSession* found = sessions_.Find(session_id);
  if (!found || found->used || Expired(NowMsLocked(), found->expires_ms)) {
    return Error{ErrorKind::kUnprocessable,
                 "The passwordless session '" + session_id + "' has expired or is invalid.",
                 {}};
  }
  PasswordlessSession& session = *sessions_.FindMutable(session_id);
  session.sends++;
  Email email = ComposeEmailLocked(session);
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
  auto conn = connections_.find(s.connection_id);
  if (s.used) {
    outcome = "used";
  } else if (Expired(now, s.expires_ms) || conn == connections_.end()) {
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
    const Profile& profile = ProfileForLocked(conn->second, user);
    s.code = IssueCodeLocked(profile, s.redirect_uri, s.id, std::nullopt);
    out.kind = LinkVisitOutcome::Kind::kRedirect;
    out.location = s.redirect_uri + (s.redirect_uri.find('?') == std::string::npos ? "?" : "&") +
                   "code=" + PercentEncode(s.code);
    if (s.state) out.location += "&state=" + PercentEncode(*s.state);
    outcome = "redirected";
  }
  if (out.kind == LinkVisitOutcome::Kind::kUsed || out.kind == LinkVisitOutcome::Kind::kExpired) {
    // The reference: an expired link redirects to the app with error=access_denied; a used link
    // has expired on its first visit (CONTRACT.md, evidence review 2026-11-29). Where to: the
    // session's redirect URI, else the environment's default; with neither, the HTML page.
    std::string error;
    std::string target =
        s.redirect_uri.empty() ? redirect_uris_.Resolve("", &error) : s.redirect_uri;
    if (!target.empty()) {
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

bool Environment::CodeExchanged(const std::string& code) const {
  MutexLock lock(mu_);
  const AuthorizationCode* c = codes_.Find(code);
  return c && c->used;
}

// --- Codes and tokens ----------------------------------------------------------------------

std::string Environment::IssueCodeLocked(const Profile& profile, const std::string& redirect_uri,
                                         const std::string& session_id,
                                         std::optional<std::string> code_challenge,
                                         std::vector<std::string> provider_scopes) {
  AuthorizationCode c;
  c.code = ids_.Crockford(26);  // ULID-shaped like live codes, but all 130 bits random
  c.profile_id = profile.id;
  c.connection_id = profile.connection_id;
  c.redirect_uri = redirect_uri;
  c.session_id = session_id;
  c.code_challenge = std::move(code_challenge);
  c.provider_scopes = std::move(provider_scopes);
  c.expires_ms = SaturatingAdd(NowMsLocked(), SecondsToMs(seed_.code_ttl_seconds));
  codes_.Put(c.code, c);
  ChangedLocked();
  NoteExpiryLocked(c.expires_ms, true);
  return c.code;
}

std::optional<Error> Environment::CheckTokenRequest(const TokenRequest& r) {
  if (r.grant_type != "authorization_code")
    return Error{ErrorKind::kUnsupportedGrant, "The grant type is not supported.", {}};
  // Live ignores HTTP Basic client authentication and names what the body lacks (a 2026 report
  // against AuthKit's authenticate; CONTRACT.md, evidence review 2026-11-29).
  if (r.client_id.empty())
    return Error{ErrorKind::kOAuthInvalidRequest, "Missing required parameter: client_id", {}};
  return std::nullopt;
}

Result<TokenGrant> Environment::ExchangeCode(const TokenRequest& r) {
  if (auto error = CheckTokenRequest(r)) return *error;
  if (!ConstantTimeEquals(r.client_id, seed_.client_id)) return InvalidClient();
  if (!r.client_secret.empty() && !HasApiKey(r.client_secret)) return InvalidClient();

  MutexLock lock(mu_);
  MaybeSweepLocked();
  const AuthorizationCode* stored = codes_.Find(r.code);
  const int64_t now = NowMsLocked();
  if (!stored || stored->used || Expired(now, stored->expires_ms)) return InvalidGrant(r.code);
  const AuthorizationCode code = *stored;
  if (code.code_challenge) {
    if (r.code_verifier.empty() || !ConstantTimeEquals(S256(r.code_verifier), *code.code_challenge))
      return InvalidGrant(r.code);
  } else if (r.client_secret.empty()) {
    // Only PKCE lets a public client exchange a code without the secret.
    return InvalidClient();
  }
  auto conn = connections_.find(code.connection_id);
  const Profile* found = profiles_.Find(code.profile_id);
  if (conn == connections_.end() || !found) return InvalidGrant(r.code);

  if (access_tokens_.size() >= max_stored())
    return Error{ErrorKind::kLimitExceeded,
                 "This environment holds the maximum of " + std::to_string(max_stored()) +
                     " (config max_stored) unexpired access tokens; wait for them to expire or "
                     "POST /_mock/reset.",
                 {}};
  // Burnt under the lock: a concurrent exchange of this code now fails.
  codes_.FindMutable(r.code)->used = true;
  ChangedLocked();
  const Profile profile = *found;
  std::optional<OAuthTokens> oauth;
  if (IsOAuthConnectionType(conn->second.type)) {
    // The IdP's tokens (made up: the mock IdP has no API they would open); an hour, like
    // Google's and Microsoft's access tokens.
    oauth = OAuthTokens{conn->second.type, "mock_oauth_access_" + ids_.Alphanumeric(32),
                        "mock_oauth_refresh_" + ids_.Alphanumeric(32), now / 1000 + 3600,
                        code.provider_scopes};
  }
  AccessToken token;
  token.profile_id = code.profile_id;
  token.expires_ms = SaturatingAdd(now, SecondsToMs(seed_.access_token_ttl_seconds));
  const nlohmann::json claims = {
      {"iss", link_base_},
      {"sub", code.profile_id},
      {"aud", seed_.client_id},
      {"iat", now / 1000},
      {"exp", token.expires_ms / 1000},
      {"jti", ids_.Ulid(now)},
      {"org_id", profile.organization_id ? nlohmann::json(*profile.organization_id)
                                         : nlohmann::json(nullptr)}};
  // The RSA signature is the expensive part of an exchange: made without the environment's lock,
  // so exchanges in one environment sign in parallel. The JWT is verifiable with
  // GET /sso/jwks/{client_id} and is also the key of the token -> profile map /sso/profile reads.
  lock.Unlock();
  token.token = signer_->Sign(claims, now);
  lock.Lock();
  access_tokens_.Put(token.token, token);
  ChangedLocked();
  NoteExpiryLocked(token.expires_ms, true);
  return TokenGrant{token.token, seed_.access_token_ttl_seconds, profile, std::move(oauth)};
}

std::optional<Profile> Environment::ProfileForAccessToken(const std::string& access_token) const {
  MutexLock lock(mu_);
  const AccessToken* token = access_tokens_.Find(access_token);
  if (!token || Expired(NowMsLocked(), token->expires_ms)) return std::nullopt;
  const Profile* p = profiles_.Find(token->profile_id);
  if (!p) return std::nullopt;
  return *p;
}

std::vector<JsonWebKey> Environment::Jwks() const { return signer_->Keys(NowMs()); }

// --- Outbox --------------------------------------------------------------------------------

std::vector<Email> Environment::Outbox(const std::string& to) const {
  MutexLock lock(mu_);
  return outbox_.To(to);
}

std::optional<Email> Environment::LatestEmail(const std::string& to,
                                              std::chrono::milliseconds wait) {
  MutexLock lock(mu_);
  std::optional<Email> found;
  lock.WaitFor(outbox_cv_, wait, [&]() REQUIRES(mu_) {
    found = outbox_.LatestTo(to);
    return found.has_value() || waits_cancelled_;
  });
  return found;
}

EnvironmentCounts Environment::Counts() const {
  MutexLock lock(mu_);
  EnvironmentCounts c;
  c.sessions = sessions_.size();
  c.codes = codes_.size();
  c.access_tokens = access_tokens_.size();
  c.emails = outbox_.size();
  c.pending_logins = pending_logins_.size();
  return c;
}

void Environment::AttachTokenIndex(std::shared_ptr<TokenIndex> index) {
  MutexLock lock(mu_);
  sessions_.Attach(index, seed_.name);
  access_tokens_.Attach(index, seed_.name);
  pending_logins_.Attach(index, seed_.name);
}

void Environment::CancelWaits() {
  {
    MutexLock lock(mu_);
    waits_cancelled_ = true;
  }
  outbox_cv_.notify_all();
}

bool Environment::RecordScan(const std::string& email_id, const ScanResult& result) {
  MutexLock lock(mu_);
  if (!outbox_.Update(email_id, [&](Email& e) { e.scanner = result; })) return false;
  ChangedLocked();
  return true;
}

bool Environment::RecordDelivery(const std::string& email_id, const DeliveryResult& result) {
  MutexLock lock(mu_);
  if (!outbox_.Update(email_id, [&](Email& e) { e.delivery = result; })) return false;
  ChangedLocked();
  return true;
}

// --- Email-scanner simulation --------------------------------------------------------------

ScannerSettings Environment::scanner() const {
  MutexLock lock(mu_);
  return scanner_;
}

Result<ScannerSettings> Environment::SetScanner(ScannerSettings settings) {
  if (auto error = ValidateScannerSettings(settings)) return *error;
  settings = NormalizedScannerSettings(std::move(settings));
  MutexLock lock(mu_);
  scanner_ = settings;
  ChangedLocked();
  return settings;
}

// --- Connections and organizations ---------------------------------------------------------

std::vector<Connection> Environment::Connections() const {
  MutexLock lock(mu_);
  std::vector<Connection> out;
  for (const auto& [id, c] : connections_) out.push_back(c);
  return out;
}

std::optional<Connection> Environment::FindConnection(const std::string& id) const {
  MutexLock lock(mu_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return std::nullopt;
  return it->second;
}

bool Environment::DeleteConnection(const std::string& id) {
  MutexLock lock(mu_);
  if (connections_.erase(id) == 0) return false;
  ChangedLocked();
  // Its unexchanged codes die with it; its sessions' links fail on visit (see VisitLink).
  std::vector<std::string> dead;
  codes_.ForEach([&](const std::string& key, const AuthorizationCode& c) {
    if (c.connection_id == id && !c.used) dead.push_back(key);
  });
  for (const auto& key : dead) codes_.FindMutable(key)->used = true;
  return true;
}

Result<Page<Connection>> Environment::ListConnections(const ConnectionFilter& f,
                                                      const PageRequest& page) const {
  std::vector<Connection> matching;
  {
    MutexLock lock(mu_);
    const std::string domain = Lower(f.domain), search = Lower(f.search);
    // The spec's list filter spells it GithubOAuth; objects say GitHubOAuth. Accept both.
    const std::string type = Lower(f.connection_type);
    for (const auto& [id, c] : connections_) {
      if (!type.empty() && Lower(c.type) != type) continue;
      if (!f.organization_id.empty() && c.organization_id.value_or("") != f.organization_id)
        continue;
      if (!domain.empty() && std::none_of(c.domains.begin(), c.domains.end(), [&](const Domain& d) {
            return Lower(d.domain) == domain;
          }))
        continue;
      if (!search.empty() && Lower(c.name).find(search) == std::string::npos) continue;
      matching.push_back(c);
    }
  }
  return Paginate(std::move(matching), page);
}

Result<Page<Organization>> Environment::ListOrganizations(const std::vector<std::string>& domains,
                                                          const PageRequest& page) const {
  std::vector<Organization> matching;
  {
    MutexLock lock(mu_);
    for (const auto& [id, o] : organizations_) {
      bool keep = domains.empty();
      for (const auto& want : domains)
        for (const auto& d : o.domains) keep |= Lower(d.domain) == Lower(want);
      if (keep) matching.push_back(o);
    }
  }
  return Paginate(std::move(matching), page);
}

std::vector<Organization> Environment::Organizations() const {
  MutexLock lock(mu_);
  std::vector<Organization> out;
  for (const auto& [id, o] : organizations_) out.push_back(o);
  return out;
}

std::optional<Organization> Environment::FindOrganization(const std::string& id) const {
  MutexLock lock(mu_);
  auto it = organizations_.find(id);
  if (it == organizations_.end()) return std::nullopt;
  return it->second;
}

}  // namespace workos_mock
