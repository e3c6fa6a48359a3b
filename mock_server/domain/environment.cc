#include "domain/environment.h"

#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/scanner_policy.h"

namespace workos_mock {

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
  Directory::Prepared directory = Directory::Prepare(seed_.organizations, seed_.connections);
  directory_.ReplaceWith(directory);
  profiles_.Clear();
  sessions_.Clear();
  codes_.Clear();
  outbox_.Clear();
  idempotency_.Clear();
  pending_logins_.Clear();
  queued_outcomes_.Clear();
  sign_ins_.Clear();
  scanner_ = seed_.scanner;
  settings_ = seed_.settings;
}

// Needs no lock (offset_ms_ is atomic); NowMsLocked stays for the callers that hold it.
int64_t Environment::NowMsLocked() const { return NowMs(); }

int64_t Environment::NowMs() const {
  return (seed_.start_time_ms ? *seed_.start_time_ms : clock_.NowMs()) + offset_ms_.load();
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
        {{"seconds",
          "the clock can be at most " + std::to_string(kMaxDurationSeconds) +
              " seconds (100 years) ahead of real time; it is " +
              std::to_string(offset_ms_ / 1000) + " seconds ahead, so at most " +
              std::to_string((kMaxDurationMs - offset_ms_) / 1000) + " more can be added",
          ControlHint::kResetStartsAgain}});
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
  return redirect_uris_.Resolve(requested);
}

// --- Outbox --------------------------------------------------------------------------------

std::vector<Email> Environment::Outbox(const std::string& to) const {
  MutexLock lock(mu_);
  return outbox_.To(to);
}

std::optional<Email> Environment::LatestEmail(const std::string& to,
                                              std::chrono::milliseconds wait) {
  MutexLock lock(mu_);
  std::optional<Email> found;
  clock_.WaitFor(outbox_cv_, lock.native(), wait, [&]() REQUIRES(mu_) {
    found = outbox_.LatestTo(to);
    return found.has_value() || waits_cancelled_;
  });
  return found;
}

EnvironmentCounts Environment::Counts() const {
  MutexLock lock(mu_);
  EnvironmentCounts c;
  c.sessions = sessions_.size();
  c.codes = codes_.codes();
  c.access_tokens = codes_.access_tokens();
  c.emails = outbox_.size();
  c.pending_logins = pending_logins_.size();
  return c;
}

void Environment::AttachTokenIndex(std::shared_ptr<TokenIndex> index) {
  MutexLock lock(mu_);
  sessions_.Attach(index, seed_.name);
  codes_.Attach(index, seed_.name);
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
  if (Status valid = ValidateScannerSettings(settings); !valid.ok()) return valid.error();
  settings = NormalizedScannerSettings(std::move(settings));
  MutexLock lock(mu_);
  scanner_ = settings;
  ChangedLocked();
  return settings;
}

// --- Connections and organizations ---------------------------------------------------------

std::vector<Connection> Environment::Connections() const {
  MutexLock lock(mu_);
  return directory_.Connections();
}

std::optional<Connection> Environment::FindConnection(const std::string& id) const {
  MutexLock lock(mu_);
  const Connection* found = directory_.FindConnection(id);
  if (!found) return std::nullopt;
  return *found;
}

bool Environment::DeleteConnection(const std::string& id) {
  MutexLock lock(mu_);
  if (!directory_.RemoveConnection(id)) return false;
  ChangedLocked();
  // Its unexchanged codes die with it; its sessions' links fail on visit (see VisitLink).
  codes_.BurnCodesOf(id);
  return true;
}

Result<Page<Connection>> Environment::ListConnections(const ConnectionFilter& f,
                                                      const PageRequest& page) const {
  std::vector<Connection> matching;
  {
    MutexLock lock(mu_);
    matching = directory_.ConnectionsMatching(f);
  }
  return Paginate(std::move(matching), page);
}

Result<Page<Organization>> Environment::ListOrganizations(const std::vector<std::string>& domains,
                                                          const PageRequest& page) const {
  std::vector<Organization> matching;
  {
    MutexLock lock(mu_);
    matching = directory_.OrganizationsWithDomains(domains);
  }
  return Paginate(std::move(matching), page);
}

std::optional<Organization> Environment::FindOrganization(const std::string& id) const {
  MutexLock lock(mu_);
  const Organization* found = directory_.FindOrganization(id);
  if (!found) return std::nullopt;
  return *found;
}

}  // namespace workos_mock
