// An environment is what a WorkOS environment is: keys, client id, redirect URIs, connections,
// sessions, codes, tokens, outbox and a virtual clock offset. Its methods are the flows' rules;
// the state they share lives in small units, each with its own header and tests: the
// redirect-URI allow-list (redirect_uri_list.h), the scanner policy (scanner_policy.h), the
// outbox (outbox.h), sessions by id and link token (session_store.h), profiles by user
// (profile_store.h), organizations and connections (directory.h), codes and access tokens
// (code_store.h), pending sign-ins (pending_logins.h), queued sign-in outcomes
// (outcome_queue.h), sign-in records (sign_in_log.h), the expiry predicate (expiry.h), the email
// check (email_address.h) and the link URL (magic_link.h). The methods are defined by flow:
// environment.cc, passwordless.cc, tokens.cc, sso.cc, sso_idp.cc, snapshot.cc.
//
// Locking (the one place it is described): each Environment has one mutex guarding all of its
// state, the units above included (they are not thread-safe by themselves); every public method
// takes it for its whole duration, so each method is atomic with respect to the others (e.g. two
// concurrent visits of one link: exactly one gets the code). The fields it guards are marked
// GUARDED_BY(mu_) and the helpers that expect it held REQUIRES(mu_); clang's -Wthread-safety checks
// both (scripts/thread-safety, run by scripts/test). The Registry has its own mutex for its maps
// only and never calls into an Environment while holding it, so no thread ever holds two of these
// locks. The IdempotencyStore's mutex and the TokenIndex's shard mutexes are leaf locks
// (domain/idempotency.h, domain/token_index.h).
//
// Snapshots without a long lock: the stores that grow (sessions, codes, access tokens,
// profiles, pending sign-ins) are EntryStores (domain/entry_store.h). Snapshot() holds the lock
// only to copy one pointer per entry out of their contiguous arrays (and the small rest), then
// copies, sorts and serialises the entries without it; entries changed meanwhile are copied
// first by their writer, so the snapshot is still one instant. Before, a 100,000-session export
// held the lock for the whole copy and stopped every request of the environment. Every change
// to exported state also bumps a change counter (ChangeCount), so --state-file serialises only
// what changed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/code_store.h"
#include "domain/directory.h"
#include "domain/email_message.h"
#include "domain/entry_store.h"
#include "domain/errors.h"
#include "domain/idempotency.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "domain/outbox.h"
#include "domain/outcome_queue.h"
#include "domain/pagination.h"
#include "domain/pending_logins.h"
#include "domain/profile_store.h"
#include "domain/redirect_uri_list.h"
#include "domain/scanner_policy.h"
#include "domain/session_store.h"
#include "domain/sign_in_log.h"
#include "domain/snapshot.h"
#include "domain/sso.h"
#include "domain/thread_annotations.h"
#include "domain/token_index.h"
#include "domain/token_signer.h"

namespace workos_mock {

struct CreateSessionRequest {
  std::optional<std::string> email, type, redirect_uri, state, connection;
  std::optional<int64_t> expires_in;
  // Problems found while decoding the wire format (e.g. "email must be a string"); reported
  // together with the domain's own validation errors.
  std::vector<FieldError> decode_errors;
};

struct LinkVisitOutcome {
  // kRedirect: the visit consumed the link and yielded a code. kValid: a HEAD on a usable link
  // that did not consume it (head_consumes_links off). kUsed / kExpired: no code.
  enum class Kind { kRedirect, kValid, kUsed, kExpired };
  Kind kind;
  // kRedirect: redirect_uri?code=...&state=...; kUsed / kExpired: redirect_uri?error=access_denied
  // &error_description=...&state=... (empty only when the environment has no redirect URI to send
  // the browser to: then an HTML page).
  std::string location;
  std::string session_id;
};

struct TokenRequest {
  std::string client_id, client_secret, grant_type, code, code_verifier;
};

// The identity provider's own tokens, sent with an OAuth connection's grant (spec
// SsoTokenResponse.oauth_tokens); the mock makes up opaque ones.
struct OAuthTokens {
  std::string provider;  // the connection type, e.g. GoogleOAuth
  std::string access_token, refresh_token;
  int64_t expires_at = 0;  // seconds since the epoch
  std::vector<std::string> scopes;
};

struct TokenGrant {
  std::string access_token;
  int64_t expires_in = 0;
  Profile profile;
  std::optional<OAuthTokens> oauth_tokens;  // only for OAuth connections, as live
};

// How much an environment holds right now (GET /_mock/environments).
struct EnvironmentCounts {
  size_t sessions = 0, codes = 0, access_tokens = 0, emails = 0, pending_logins = 0;
};

class Environment {
 public:
  // `link_base` is the public origin links point at, e.g. "http://127.0.0.1:4400". `signer`
  // signs access tokens (default: the process-wide RSA key).
  Environment(EnvironmentConfig seed, const Clock& clock, std::string link_base,
              TokenSigner* signer = nullptr);

  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  const std::string& name() const { return seed_.name; }
  EnvironmentKind kind() const { return seed_.kind; }
  const std::string& client_id() const { return seed_.client_id; }
  // Mirrors this environment's link tokens, access tokens and pending sign-ins into `index` from
  // now on (Registry::Add does it before the environment is reachable).
  void AttachTokenIndex(std::shared_ptr<TokenIndex> index);
  // Ends every wait in LatestEmail() now and makes later ones return at once (server shutdown:
  // a long-poll answers as if it had timed out).
  void CancelWaits();

  // Constant-time comparison against every key of the environment.
  bool HasApiKey(const std::string& key) const;
  std::vector<std::string> api_keys() const { return seed_.api_keys; }

  EnvironmentCounts Counts() const;

  // --- Deterministic mode ----------------------------------------------------------------
  // With a seed every id, secret and code below comes from seeded streams (one per purpose:
  // objects, public requests, control plane), so the same requests give the same answers.
  bool deterministic() const { return seed_.random_seed.has_value(); }
  // X-Request-ID of a public request to this environment (a UUID v4, as production sends).
  std::string NewRequestId() { return request_ids_.Uuid(); }
  // The journal's id for a public request at `now_ms`.
  std::string NewJournalId(int64_t now_ms) { return request_ids_.NewId("req", now_ms); }
  // X-Request-ID of a control-plane request, and ids the control plane makes (faults, queued
  // sign-in outcomes): a stream of their own, so polling the control plane never shifts the
  // ids the API hands out.
  std::string NewControlRequestId() { return control_ids_.Uuid(); }
  std::string NewControlId(const std::string& prefix) {
    return control_ids_.NewId(prefix, NowMs());
  }

  // --- Clock -----------------------------------------------------------------------------
  // The environment's time: the base clock (or, with start_time, that instant, frozen) plus the
  // offset POST /_mock/clock/advance added.
  int64_t NowMs() const;
  int64_t ClockOffsetSeconds() const;
  // Moves this environment's clock forward; `seconds` must be >= 0.
  Result<int64_t> AdvanceClock(int64_t seconds);

  // Back to the seed: sessions, codes, tokens, outbox, connections, clock, settings, stored
  // idempotent answers all reset.
  void Reset();

  // --- Settings (GET/PUT /_mock/settings, config keys) -------------------------------------
  EnvironmentSettings settings() const;
  void SetSettings(const EnvironmentSettings& settings);

  // --- Snapshots (domain/snapshot.cc) ----------------------------------------------------
  const EnvironmentConfig& seed() const { return seed_; }
  // The whole runtime state at one instant (one short lock: pointer copies), in a deterministic
  // order. `change_count`, when given, receives the ChangeCount() of that instant.
  EnvironmentSnapshot Snapshot(uint64_t* change_count = nullptr) const;
  // Grows with every change to what Snapshot() returns (never with reads, nor with state that
  // is not exported: idempotency replies); equal counts mean equal snapshots.
  uint64_t ChangeCount() const;
  // Replaces the runtime state with `snapshot` (validated first: nothing changes on error).
  Status Restore(EnvironmentSnapshot snapshot);

  // --- Bounded resources (domain/snapshot.cc) --------------------------------------------
  // Drops sessions, codes, access tokens and pending logins that can no longer be used (expired
  // for longer than a grace period, so the lifecycle endpoint still shows a recently expired
  // session). Returns how many entries were removed.
  size_t Sweep();
  // Per-environment caps (EnvironmentConfig::max_stored of each kind): creating beyond them
  // (after a sweep) answers kLimitExceeded (429).
  size_t max_stored() const { return static_cast<size_t>(seed_.max_stored); }
  // How long (environment time) an expired entry is kept before a sweep drops it.

  // --- Passwordless (domain/passwordless.cc) ---------------------------------------------
  Result<PasswordlessSession> CreateSession(const CreateSessionRequest& request);
  // Emails the link. Unknown, used or expired sessions are refused with the live message.
  // `render` writes the email's subject, text and HTML (mail/magic_link_email.h: the HTTP layer
  // passes it); without one the email carries what the domain decides only -- recipient,
  // sender, link, times -- as the domain's own tests need.
  Result<Email> SendSession(const std::string& session_id, EmailRenderer render = nullptr);
  bool HasLinkToken(const std::string& token) const;
  // A visit of the link. GET consumes it (the first valid one yields a code, single use); so does
  // HEAD unless the head_consumes_links setting is off. A used or expired link redirects to the
  // session's redirect URI with error=access_denied. nullopt when the token is not this
  // environment's.
  std::optional<LinkVisitOutcome> VisitLink(const std::string& token, const std::string& method,
                                            const std::string& user_agent);
  std::optional<PasswordlessSession> FindSession(const std::string& id) const;
  // "issued", "sent", "scanned" (first consumed by the scanner), "confirmed", "expired"
  std::string SessionState(const PasswordlessSession& session) const;
  // The inbox's view of a session's link: "unused", "used", "scanned" or "expired".
  std::string LinkStatus(const std::string& session_id) const;
  bool CodeExchanged(const std::string& code) const;

  // --- Codes and tokens (domain/tokens.cc) -----------------------------------------------
  // Exchanges an authorization code. A failed attempt never burns the code.
  Result<TokenGrant> ExchangeCode(const TokenRequest& request);
  // The checks of a token request that need no environment, in order: the grant type, then a
  // client_id at all (an Authorization: Basic header does not count; CONTRACT.md).
  static Status CheckTokenRequest(const TokenRequest& request);
  std::optional<Profile> ProfileForAccessToken(const std::string& access_token) const;
  // The key set that verifies this environment's access tokens.
  std::vector<JsonWebKey> Jwks() const;

  // --- SSO (domain/sso.cc) ---------------------------------------------------------------
  // GET /sso/authorize after the client id was found to be this environment's.
  AuthorizeOutcome Authorize(const AuthorizeRequest& request);
  bool HasPendingLogin(const std::string& login_id) const;
  // Finishes a sign-in waiting at the interactive IdP page. `action` "" (or "sign_in") signs in
  // as `email`; "deny" ends it with access_denied, "cancel" with signin_consent_denied, "fail"
  // with `outcome` (one of SignInOutcomes(); "": DefaultFailure of the connection's type).
  // kNotFound when the login is unknown, used or expired; a validation error names a bad
  // email, action or outcome (the login then still waits).
  Result<AuthorizeOutcome> CompleteLogin(const std::string& login_id, const std::string& email,
                                         const std::string& action = "",
                                         const std::string& outcome = "");

  // --- Sign-in outcomes (domain/sso_idp.cc: /_mock/sso/outcomes, /_mock/sso/sign-ins) ----
  // Queues `outcome` for the next `times` sign-ins through `connection_id` ("": any connection).
  // A sign-in takes a use of the oldest entry for its connection, else of the oldest
  // environment-wide one. At most 1000 entries (kLimitExceeded beyond).
  Result<QueuedOutcome> QueueOutcome(const std::string& connection_id, const std::string& outcome,
                                     int64_t times);
  std::vector<QueuedOutcome> QueuedOutcomes() const;  // oldest first
  void ClearQueuedOutcomes();
  // The newest 1000 sign-ins that reached the mock IdP, newest first; "at_idp" ones past their
  // expiry show as "expired".
  std::vector<SsoSignIn> SignIns() const;

  // --- Outbox ----------------------------------------------------------------------------
  // Newest first; `to` empty means every recipient. Comparison is case-insensitive.
  std::vector<Email> Outbox(const std::string& to) const;
  // The newest email to `to`, waiting up to `wait` (real time) for one to arrive.
  std::optional<Email> LatestEmail(const std::string& to, std::chrono::milliseconds wait);

  // Records what the scanner / the SMTP delivery did with an email; false when the email is gone.
  bool RecordScan(const std::string& email_id, const ScanResult& result);
  bool RecordDelivery(const std::string& email_id, const DeliveryResult& result);

  // --- Email-scanner simulation ----------------------------------------------------------
  ScannerSettings scanner() const;
  // Validates (mode, delay_ms 0..600000, non-empty entries) and replaces the settings; entries
  // are kept lower case.
  Result<ScannerSettings> SetScanner(ScannerSettings settings);
  // The scanner's rules (domain/scanner_policy.h), under the names callers know.
  static Status ValidateScanner(const ScannerSettings& settings) {
    return ValidateScannerSettings(settings);
  }
  static bool ScannerAllowlisted(const ScannerSettings& settings, const std::string& recipient) {
    return ScannerSkipsRecipient(settings, recipient);
  }
  const std::string& smtp_url() const { return seed_.smtp_url; }

  // --- Redirect URIs ---------------------------------------------------------------------
  std::vector<RedirectUriEntry> redirect_uris() const;
  Result<std::vector<RedirectUriEntry>> SetRedirectUris(std::vector<RedirectUriEntry> uris);
  // The registered URI `requested` resolves to (the default when empty), or a field error.
  Result<std::string> ResolveRedirectUri(const std::string& requested) const;

  // --- Connections and organizations -----------------------------------------------------
  std::vector<Connection> Connections() const;
  std::optional<Connection> FindConnection(const std::string& id) const;
  bool DeleteConnection(const std::string& id);
  Result<Page<Connection>> ListConnections(const ConnectionFilter& filter,
                                           const PageRequest& page) const;
  // `domains`: organizations having any of these domains (case-insensitive); empty = all.
  Result<Page<Organization>> ListOrganizations(const std::vector<std::string>& domains,
                                               const PageRequest& page) const;
  std::optional<Organization> FindOrganization(const std::string& id) const;

  // --- Idempotency -----------------------------------------------------------------------
  // Answers stored per Idempotency-Key (used while settings().idempotent_replay is on).
  IdempotencyStore& idempotency() { return idempotency_; }

  // Validates an allow-list as the dashboard does (domain/redirect_uri_list.h).
  static Status ValidateRedirectUris(const std::vector<RedirectUriEntry>& uris,
                                     const RedirectUriPolicy& policy) {
    return RedirectUriAllowList::Validate(uris, policy);
  }

 private:
  int64_t NowMsLocked() const REQUIRES(mu_);
  void ChangedLocked() REQUIRES(mu_) { ++changes_; }
  size_t SweepLocked() REQUIRES(mu_);
  // Sweeps every few thousand operations, or when a map reaches its cap.
  void MaybeSweepLocked() REQUIRES(mu_);
  // Lowers next_sweep_due_ms_ for a new entry expiring at expires_ms (swept after the grace
  // period, or at once when with_grace is false).
  void NoteExpiryLocked(int64_t expires_ms, bool with_grace) REQUIRES(mu_);
  std::string SessionStateLocked(const PasswordlessSession& session) const REQUIRES(mu_);
  // Keeps `visit` (its User-Agent cut) within the per-session bound, or counts it.
  static void RecordVisit(PasswordlessSession& session, LinkVisit visit);
  void LoadSeedLocked() REQUIRES(mu_);
  const Connection& MagicLinkConnectionForLocked(const std::string& email) REQUIRES(mu_);
  const Profile& ProfileForLocked(const Connection& connection, const IdpUser& user) REQUIRES(mu_);
  std::string IssueCodeLocked(const Profile& profile, const std::string& redirect_uri,
                              const std::string& session_id,
                              std::optional<std::string> code_challenge,
                              std::vector<std::string> provider_scopes = {}) REQUIRES(mu_);
  Email ComposeEmailLocked(const PasswordlessSession& session, EmailRenderer render) const
      REQUIRES(mu_);
  // SSO helpers (domain/sso.cc)
  std::string AppRedirectLocked(
      const std::string& redirect_uri, const std::string& state, const std::string& error,
      const std::string& description,
      const std::vector<std::pair<std::string, std::string>>& extra = {}) const;
  // How the IdP ends a sign-in as `user` through `connection` for the request `login` (a
  // pending login, or the request of a direct sign-in): with `outcome` when given (a choice on
  // the interactive page), else a queued outcome, the user's configured one, the organization's
  // domain policy, or a code. Recorded in sign_ins_.
  AuthorizeOutcome SignInLocked(const Connection& connection, const IdpUser& user,
                                const PendingLogin& login, std::string outcome = "",
                                std::string source = "") REQUIRES(mu_);
  // Why `email` may not sign in through `connection` (the organization's verified domains), or
  // "" when it may.
  std::string DomainPolicyLocked(const Connection& connection, const std::string& email) const
      REQUIRES(mu_);

  const EnvironmentConfig seed_;
  const Clock& clock_;
  const std::string link_base_;
  IdempotencyStore idempotency_;  // locked by itself (a leaf lock)
  TokenSigner* const signer_;
  // Deterministic mode's streams (or the CSPRNG); internally locked, so const methods may draw.
  mutable IdGenerator ids_;          // ids, link tokens, codes, access token ids, login ids
  mutable IdGenerator request_ids_;  // X-Request-ID and journal ids of public requests
  mutable IdGenerator control_ids_;  // the control plane's request ids and ids

  // One Snapshot() at a time (taken before mu_, never after).
  mutable Mutex snapshot_mu_ ACQUIRED_BEFORE(mu_);
  // The one lock of the environment (see "Locking" at the top): everything below is guarded
  // by it, and the compiler checks it (clang -Wthread-safety, scripts/test).
  mutable Mutex mu_;
  std::condition_variable outbox_cv_;
  bool waits_cancelled_ GUARDED_BY(mu_) = false;
  // Changed only under mu_ (with the state it moves in step with), but atomic so that NowMs(),
  // which every request's journal entry asks for, needs no lock.
  std::atomic<int64_t> offset_ms_{0};
  RedirectUriAllowList redirect_uris_ GUARDED_BY(mu_);
  Directory directory_ GUARDED_BY(mu_);  // organizations and connections
  // Snapshot-friendly stores (see "Snapshots without a long lock" above): change an entry only
  // through FindMutable/Put. The outbox (at most kMaxOutbox) shares its emails the simple way.
  ProfileStore profiles_ GUARDED_BY(mu_);       // by id and by connection + email
  SessionStore sessions_ GUARDED_BY(mu_);       // by id and by link token
  CodeStore codes_ GUARDED_BY(mu_);             // codes and access tokens
  workos_mock::Outbox outbox_ GUARDED_BY(mu_);  // (Outbox() is also a method)
  EnvironmentSettings settings_ GUARDED_BY(mu_);
  PendingLoginStore pending_logins_ GUARDED_BY(mu_);
  uint64_t changes_ GUARDED_BY(mu_) = 0;  // see ChangeCount()
  OutcomeQueue queued_outcomes_ GUARDED_BY(mu_);
  SignInLog sign_ins_ GUARDED_BY(mu_);
  ScannerSettings scanner_ GUARDED_BY(mu_);
  uint64_t ops_since_sweep_ GUARDED_BY(mu_) = 0;
  int64_t last_sweep_ms_ GUARDED_BY(mu_) = 0;  // environment time of the last sweep
  // Environment time before which no stored entry can be swept; 0 means "not known yet".
  int64_t next_sweep_due_ms_ GUARDED_BY(mu_) = 0;
};

}  // namespace workos_mock
