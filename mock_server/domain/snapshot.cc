// Environment::Snapshot / Restore / Sweep: the runtime state as plain data, and its upkeep.
#include "domain/snapshot.h"
#include "domain/text.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <type_traits>
#include <unordered_map>

#include "domain/environment.h"
#include "domain/limits.h"
#include "domain/scanner_policy.h"

namespace workos_mock {
namespace {

std::string At(const char* list, size_t i, const char* field) {
  return std::string(list) + "[" + std::to_string(i) + "]." + field;
}

}  // namespace

Status ValidateSnapshot(const EnvironmentSnapshot& s, size_t max_stored) {
  std::vector<FieldError> errors;
  // The same range the clock can be advanced through (domain/limits.h): every offset the
  // environment can reach loads back, and no time arithmetic on a restored entry overflows.
  if (s.clock_offset_ms < 0 || s.clock_offset_ms > kMaxDurationMs)
    errors.push_back({"state.clock_offset_ms", "must be a whole number of milliseconds from 0 to " +
                                                   std::to_string(kMaxDurationMs) +
                                                   " (100 years)"});
  auto instant = [&](const std::string& path, int64_t ms) {
    if (ms < 0 || ms > kMaxTimeMs)
      errors.push_back({"state." + path, "must be a time in milliseconds since 1970 from 0 to " +
                                             std::to_string(kMaxTimeMs) + " (the year 9999)"});
  };
  for (size_t i = 0; i < s.organizations.size(); ++i) {
    instant(At("organizations", i, "created_ms"), s.organizations[i].created_ms);
    instant(At("organizations", i, "updated_ms"), s.organizations[i].updated_ms);
  }
  for (size_t i = 0; i < s.connections.size(); ++i) {
    instant(At("connections", i, "created_ms"), s.connections[i].created_ms);
    instant(At("connections", i, "updated_ms"), s.connections[i].updated_ms);
  }
  for (size_t i = 0; i < s.sessions.size(); ++i) {
    const auto& x = s.sessions[i];
    instant(At("sessions", i, "created_ms"), x.created_ms);
    instant(At("sessions", i, "expires_ms"), x.expires_ms);
    for (size_t j = 0; j < x.visits.size(); ++j)
      instant(At("sessions", i, "visits") + "[" + std::to_string(j) + "].at_ms", x.visits[j].at_ms);
  }
  for (size_t i = 0; i < s.codes.size(); ++i)
    instant(At("codes", i, "expires_ms"), s.codes[i].expires_ms);
  for (size_t i = 0; i < s.access_tokens.size(); ++i)
    instant(At("access_tokens", i, "expires_ms"), s.access_tokens[i].expires_ms);
  for (size_t i = 0; i < s.outbox.size(); ++i) {
    instant(At("outbox", i, "sent_ms"), s.outbox[i].sent_ms);
    if (s.outbox[i].scanner)
      instant(At("outbox", i, "scanner.visited_ms"), s.outbox[i].scanner->visited_ms);
    if (s.outbox[i].delivery)
      instant(At("outbox", i, "delivery.at_ms"), s.outbox[i].delivery->at_ms);
  }
  for (size_t i = 0; i < s.pending_logins.size(); ++i)
    instant(At("pending_logins", i, "expires_ms"), s.pending_logins[i].expires_ms);
  // Every `field` (taken by `of`) of the entries in `list` is non-empty and unique.
  auto unique = [&](const char* list, const char* field, const auto& entries, auto of) {
    std::set<std::string> seen;
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string& value = of(entries[i]);
      if (value.empty())
        errors.push_back({std::string("state.") + At(list, i, field), "must not be empty"});
      else if (!seen.insert(value).second)
        errors.push_back({std::string("state.") + At(list, i, field), "duplicate '" + value + "'"});
    }
  };
  auto id = [](const auto& x) -> const std::string& { return x.id; };
  unique("organizations", "id", s.organizations, id);
  unique("connections", "id", s.connections, id);
  unique("profiles", "id", s.profiles, id);
  unique("sessions", "id", s.sessions, id);
  unique("sessions", "token", s.sessions,
         [](const auto& x) -> const std::string& { return x.token; });
  unique("codes", "code", s.codes, [](const auto& x) -> const std::string& { return x.code; });
  unique("access_tokens", "token", s.access_tokens,
         [](const auto& x) -> const std::string& { return x.token; });
  unique("pending_logins", "id", s.pending_logins, id);
  std::set<std::string> profile_ids;
  for (const auto& p : s.profiles) profile_ids.insert(p.id);
  for (size_t i = 0; i < s.codes.size(); ++i)
    if (!profile_ids.count(s.codes[i].profile_id))
      errors.push_back({"state." + At("codes", i, "profile_id"),
                        "no profile with id '" + s.codes[i].profile_id + "' in state.profiles"});
  for (size_t i = 0; i < s.access_tokens.size(); ++i)
    if (!profile_ids.count(s.access_tokens[i].profile_id))
      errors.push_back(
          {"state." + At("access_tokens", i, "profile_id"),
           "no profile with id '" + s.access_tokens[i].profile_id + "' in state.profiles"});
  if (s.outbox.size() > kMaxOutbox || s.sessions.size() > max_stored ||
      s.codes.size() > max_stored || s.access_tokens.size() > max_stored ||
      s.pending_logins.size() > max_stored)
    errors.push_back(
        {"state", "more entries than the environment holds (caps: " + std::to_string(max_stored) +
                      " (config max_stored) sessions, codes, access tokens and "
                      "pending logins; " +
                      std::to_string(kMaxOutbox) + " emails)"});
  if (errors.empty()) return OkStatus();
  return ValidationError(std::move(errors));
}

namespace {

// Sorts the captured entries by `key` and copies them into `out` (outside the lock).
template <typename T, typename Key>
void Materialize(std::vector<const T*>& captured, std::vector<T>& out, Key key) {
  std::sort(captured.begin(), captured.end(),
            [&](const T* a, const T* b) { return key(*a) < key(*b); });
  out.reserve(captured.size());
  for (const T* x : captured) out.push_back(*x);
}

}  // namespace

EnvironmentSnapshot Environment::Snapshot(uint64_t* change_count) const {
  // See "Snapshots without a long lock" in environment.h. The entry stores are not const
  // (opening a capture makes their writers copy before changing); the state they hold is.
  auto* self = const_cast<Environment*>(this);
  MutexLock one_at_a_time(snapshot_mu_);
  EnvironmentSnapshot s;
  std::vector<const Profile*> profiles;
  std::vector<const PasswordlessSession*> sessions;
  std::vector<const AuthorizationCode*> codes;
  std::vector<const AccessToken*> tokens;
  std::vector<const PendingLogin*> logins;
  std::vector<std::shared_ptr<const Email>> outbox;
  {
    // The arrays the captures fill are allocated and touched before the lock is taken.
    size_t sizes[5];
    {
      MutexLock lock(mu_);
      sizes[0] = profiles_.size();
      sizes[1] = sessions_.size();
      sizes[2] = codes_.codes();
      sizes[3] = codes_.access_tokens();
      sizes[4] = pending_logins_.size();
    }
    auto room = [](size_t n) { return n + n / 8 + 64; };  // what may be added meanwhile
    profiles.resize(room(sizes[0]));
    sessions.resize(room(sizes[1]));
    codes.resize(room(sizes[2]));
    tokens.resize(room(sizes[3]));
    logins.resize(room(sizes[4]));
    outbox.reserve(kMaxOutbox);
  }
  {
    MutexLock lock(mu_);
    if (change_count) *change_count = changes_;
    s.clock_offset_ms = offset_ms_;
    s.redirect_uris = redirect_uris_.entries();
    s.scanner = scanner_;
    s.organizations = directory_.Organizations();
    s.settings = settings_;
    s.connections = directory_.Connections();
    // (self == this: the stores are reached through `this` so the analysis sees mu_ held.)
    const_cast<ProfileStore&>(profiles_).BeginCapture(profiles);
    const_cast<SessionStore&>(sessions_).BeginCapture(sessions);
    const_cast<CodeStore&>(codes_).BeginCapture(codes, tokens);
    const_cast<PendingLoginStore&>(pending_logins_).BeginCapture(logins);
    outbox.assign(outbox_.entries().begin(), outbox_.entries().end());
    if (deterministic()) {
      s.id_streams["objects"] = ids_.position();
      s.id_streams["requests"] = request_ids_.position();
      s.id_streams["control"] = control_ids_.position();
    }
  }
  // Whatever happens below, the captures are closed and what they kept alive is freed (after
  // the lock).
  struct Close {
    Environment* env;
    ~Close() {
      EntryStore<Profile>::Retired p;
      EntryStore<PasswordlessSession>::Retired s;
      CodeStore::Retired c;
      EntryStore<PendingLogin>::Retired l;
      MutexLock lock(env->mu_);
      p = env->profiles_.EndCapture();
      s = env->sessions_.EndCapture();
      c = env->codes_.EndCapture();
      l = env->pending_logins_.EndCapture();
    }  // the lock is released before the retired entries are destroyed (declared first)
  } close{self};
  Materialize(profiles, s.profiles, [](const Profile& x) -> const std::string& { return x.id; });
  Materialize(sessions, s.sessions,
              [](const PasswordlessSession& x) -> const std::string& { return x.id; });
  Materialize(codes, s.codes,
              [](const AuthorizationCode& x) -> const std::string& { return x.code; });
  Materialize(tokens, s.access_tokens,
              [](const AccessToken& x) -> const std::string& { return x.token; });
  Materialize(logins, s.pending_logins,
              [](const PendingLogin& x) -> const std::string& { return x.id; });
  s.outbox.reserve(outbox.size());
  for (const auto& e : outbox) s.outbox.push_back(*e);  // already newest first
  return s;
}

uint64_t Environment::ChangeCount() const {
  MutexLock lock(mu_);
  return changes_;
}

Status Environment::Restore(EnvironmentSnapshot s) {
  std::vector<FieldError> errors;
  if (Status valid = ValidateSnapshot(s, max_stored()); !valid.ok()) errors = valid.error().errors;
  if (Status uris = RedirectUriAllowList::Validate(
          s.redirect_uris, {seed_.kind, seed_.allow_wildcard_redirect_uris});
      !uris.ok())
    for (auto& fe : uris.error().errors) errors.push_back({"state." + fe.field, fe.code});
  if (Status scanner = ValidateScannerSettings(s.scanner); !scanner.ok())
    for (auto& fe : scanner.error().errors)
      errors.push_back({"state.scanner." + fe.field, fe.code});
  for (const auto& [name, position] : s.id_streams) {
    if (name != "objects" && name != "requests" && name != "control")
      errors.push_back({"state.id_streams." + name, "unknown stream (objects, requests, control)"});
    else if (!IdGenerator(0, "", "check").Seek(position))
      errors.push_back({"state.id_streams." + name + ".last_ulid", "must be a ULID"});
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  s.scanner = NormalizedScannerSettings(std::move(s.scanner));

  // Everything is built before the lock is taken, swapped in under it, and the old contents
  // freed after it: a 64 MiB import stops the environment's requests only for the swap.
  Directory::Prepared directory =
      Directory::Prepare(std::move(s.organizations), std::move(s.connections));
  ProfileStore::Prepared profiles;
  ProfileStore::Prepare(std::move(s.profiles), profiles);
  for (auto& x : s.sessions) {
    // A hand-written or older snapshot may carry more visits or longer User-Agents than the
    // environment keeps: bounded the same way as live visits.
    if (x.visits.size() > kMaxVisits) {
      std::vector<LinkVisit> visits;
      visits.swap(x.visits);
      for (auto& v : visits) RecordVisit(x, std::move(v));
    } else {
      for (auto& v : x.visits) v.user_agent = TruncateValue(v.user_agent, kMaxStoredHeaderBytes);
    }
  }
  SessionStore::Prepared sessions;
  SessionStore::Prepare(std::move(s.sessions), sessions);
  CodeStore::Prepared codes;
  CodeStore::Prepare(std::move(s.codes), std::move(s.access_tokens), codes);
  std::deque<std::shared_ptr<const Email>> outbox;
  for (auto& e : s.outbox) outbox.push_back(std::make_shared<const Email>(std::move(e)));
  PendingLoginStore::Prepared logins;
  PendingLoginStore::Prepare(std::move(s.pending_logins), logins);
  // The old entries, freed after the lock is released.
  EntryStore<Profile>::Retired old_profiles;
  EntryStore<PasswordlessSession>::Retired old_sessions;
  CodeStore::Retired old_codes;
  EntryStore<PendingLogin>::Retired old_logins;

  MutexLock lock(mu_);
  ChangedLocked();
  offset_ms_ = s.clock_offset_ms;
  redirect_uris_.Replace(std::move(s.redirect_uris));
  scanner_ = std::move(s.scanner);
  settings_ = s.settings.value_or(seed_.settings);
  directory_.ReplaceWith(directory);
  old_profiles = profiles_.ReplaceWith(profiles);
  old_sessions = sessions_.ReplaceWith(sessions);
  old_codes = codes_.ReplaceWith(codes);
  outbox_.Replace(std::move(outbox));
  old_logins = pending_logins_.ReplaceWith(logins);
  // A state saved in deterministic mode goes on where it stood (without: the streams stay put).
  for (const auto& [name, position] : s.id_streams)
    (name == "objects" ? ids_ : name == "requests" ? request_ids_ : control_ids_).Seek(position);
  idempotency_.Clear();    // stored answers name objects that may no longer exist
  next_sweep_due_ms_ = 0;  // unknown: the next operation sweeps and works it out
  lock.Unlock();
  outbox_cv_.notify_all();
  return OkStatus();
}

size_t Environment::SweepLocked() {
  ops_since_sweep_ = 0;
  last_sweep_ms_ = NowMsLocked();
  const int64_t grace = std::max<int64_t>(0, SecondsToMs(seed_.sweep_after_seconds));
  const int64_t horizon = SaturatingAdd(NowMsLocked(), -grace);
  int64_t kept = std::numeric_limits<int64_t>::max();  // earliest expiry left (with a grace)
  size_t removed = EraseExpiredBefore(sessions_, horizon, kept);
  // An email outlives its session only until the session is swept: its link is dead by then,
  // and without this a busy environment keeps up to 10,000 rendered emails for ever.
  removed += outbox_.DropOrphans([&](const std::string& id)
                                     REQUIRES(mu_) { return sessions_.contains(id); });
  removed += codes_.EraseExpiredBefore(horizon, kept);
  next_sweep_due_ms_ = kept == std::numeric_limits<int64_t>::max()
                           ? std::numeric_limits<int64_t>::max()
                           : SaturatingAdd(SaturatingAdd(kept, grace), 1);
  // A pending login is useless the moment it expires: nobody inspects it afterwards.
  int64_t pending_kept = std::numeric_limits<int64_t>::max();
  removed += pending_logins_.EraseExpired(NowMsLocked(), pending_kept);
  next_sweep_due_ms_ = std::min(next_sweep_due_ms_, pending_kept);
  if (removed > 0) ChangedLocked();
  return removed;
}

void Environment::NoteExpiryLocked(int64_t expires_ms, bool with_grace) {
  const int64_t grace =
      with_grace ? SaturatingAdd(std::max<int64_t>(0, SecondsToMs(seed_.sweep_after_seconds)), 1)
                 : 0;
  next_sweep_due_ms_ = std::min(next_sweep_due_ms_, SaturatingAdd(expires_ms, grace));
}

void Environment::MaybeSweepLocked() {
  // Nothing can be dropped before the earliest stored expiry (plus the grace period): no scan
  // at all until then. Without this every 4096th request walked every stored entry under the
  // lock -- the 10-15 ms create-session p99 of scripts/bench.
  if (NowMsLocked() < next_sweep_due_ms_) return;
  // At a cap, sweep again once a second of environment time has passed (Retry-After: 1): a sweep
  // is O(n) and a client hammering a full environment must not turn every request into one, but
  // the first request after the clock moved on (or was advanced) must find the room.
  const size_t cap = max_stored();
  const bool full = sessions_.size() >= cap || codes_.codes() >= cap ||
                    codes_.access_tokens() >= cap || pending_logins_.size() >= cap;
  if (++ops_since_sweep_ >= 4096 || (full && NowMsLocked() - last_sweep_ms_ >= 1000)) SweepLocked();
}

size_t Environment::Sweep() {
  MutexLock lock(mu_);
  return SweepLocked();
}

}  // namespace workos_mock
