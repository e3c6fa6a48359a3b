// Environment::Snapshot / Restore / Sweep: the runtime state as plain data, and its upkeep.
#include "domain/snapshot.h"
#include "domain/text.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "domain/environment.h"

namespace workos_mock {
namespace {

std::string At(const char* list, size_t i, const char* field) {
  return std::string(list) + "[" + std::to_string(i) + "]." + field;
}

}  // namespace

std::optional<Error> ValidateSnapshot(const EnvironmentSnapshot& s, size_t max_stored) {
  std::vector<FieldError> errors;
  constexpr int64_t kMaxOffsetMs = 10LL * 365 * 24 * 3600 * 1000;
  if (s.clock_offset_ms < 0 || s.clock_offset_ms > kMaxOffsetMs)
    errors.push_back(
        {"state.clock_offset_ms", "must be a whole number of milliseconds from 0 to 315360000000"});
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
  if (s.outbox.size() > 10000 || s.sessions.size() > max_stored || s.codes.size() > max_stored ||
      s.access_tokens.size() > max_stored || s.pending_logins.size() > max_stored)
    errors.push_back(
        {"state", "more entries than the environment holds (caps: " + std::to_string(max_stored) +
                      " (config max_stored) sessions, codes, access tokens and "
                      "pending logins; 10000 emails)"});
  if (errors.empty()) return std::nullopt;
  return ValidationError(std::move(errors));
}

EnvironmentSnapshot Environment::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  EnvironmentSnapshot s;
  s.clock_offset_ms = offset_ms_;
  s.redirect_uris = redirect_uris_;
  s.scanner = scanner_;
  s.settings = settings_;
  for (const auto& [id, o] : organizations_) s.organizations.push_back(o);
  for (const auto& [id, c] : connections_) s.connections.push_back(c);
  for (const auto& [id, p] : profiles_) s.profiles.push_back(p);
  for (const auto& [id, x] : sessions_) s.sessions.push_back(x);
  for (const auto& [id, x] : codes_) s.codes.push_back(x);
  for (const auto& [id, x] : access_tokens_) s.access_tokens.push_back(x);
  s.outbox.assign(outbox_.begin(), outbox_.end());
  for (const auto& [id, x] : pending_logins_) s.pending_logins.push_back(x);
  if (deterministic()) {
    s.id_streams["objects"] = ids_.position();
    s.id_streams["requests"] = request_ids_.position();
    s.id_streams["control"] = control_ids_.position();
  }
  std::sort(s.profiles.begin(), s.profiles.end(),
            [](const Profile& a, const Profile& b) { return a.id < b.id; });
  std::sort(s.sessions.begin(), s.sessions.end(),
            [](const PasswordlessSession& a, const PasswordlessSession& b) { return a.id < b.id; });
  std::sort(s.codes.begin(), s.codes.end(),
            [](const AuthorizationCode& a, const AuthorizationCode& b) { return a.code < b.code; });
  std::sort(s.access_tokens.begin(), s.access_tokens.end(),
            [](const AccessToken& a, const AccessToken& b) { return a.token < b.token; });
  std::sort(s.pending_logins.begin(), s.pending_logins.end(),
            [](const PendingLogin& a, const PendingLogin& b) { return a.id < b.id; });
  return s;
}

std::optional<Error> Environment::Restore(EnvironmentSnapshot s) {
  std::vector<FieldError> errors;
  if (auto e = ValidateSnapshot(s, max_stored())) errors = e->errors;
  if (auto e =
          ValidateRedirectUris(s.redirect_uris, {seed_.kind, seed_.allow_wildcard_redirect_uris}))
    for (auto& fe : e->errors) errors.push_back({"state." + fe.field, fe.code});
  if (auto e = ValidateScanner(s.scanner))
    for (auto& fe : e->errors) errors.push_back({"state.scanner." + fe.field, fe.code});
  for (const auto& [name, position] : s.id_streams) {
    if (name != "objects" && name != "requests" && name != "control")
      errors.push_back({"state.id_streams." + name, "unknown stream (objects, requests, control)"});
    else if (!IdGenerator(0, "", "check").Seek(position))
      errors.push_back({"state.id_streams." + name + ".last_ulid", "must be a ULID"});
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  for (auto& entry : s.scanner.allowlist) entry = Lower(entry);

  std::unique_lock<std::mutex> lock(mu_);
  offset_ms_ = s.clock_offset_ms;
  redirect_uris_ = std::move(s.redirect_uris);
  scanner_ = std::move(s.scanner);
  settings_ = s.settings.value_or(seed_.settings);
  organizations_.clear();
  for (auto& o : s.organizations) organizations_[o.id] = std::move(o);
  connections_.clear();
  for (auto& c : s.connections) connections_[c.id] = std::move(c);
  profiles_.clear();
  profile_by_user_.clear();
  for (auto& p : s.profiles) {
    profile_by_user_[p.connection_id + "\n" + Lower(p.email)] = p.id;
    profiles_[p.id] = std::move(p);
  }
  sessions_.clear();
  session_by_token_.clear();
  for (auto& x : s.sessions) {
    session_by_token_[x.token] = x.id;
    sessions_[x.id] = std::move(x);
  }
  codes_.clear();
  for (auto& x : s.codes) codes_[x.code] = std::move(x);
  access_tokens_.clear();
  for (auto& x : s.access_tokens) access_tokens_[x.token] = std::move(x);
  outbox_.assign(s.outbox.begin(), s.outbox.end());
  pending_logins_.clear();
  for (auto& x : s.pending_logins) pending_logins_[x.id] = std::move(x);
  // A state saved in deterministic mode goes on where it stood (without: the streams stay put).
  for (const auto& [name, position] : s.id_streams)
    (name == "objects" ? ids_ : name == "requests" ? request_ids_ : control_ids_).Seek(position);
  idempotency_.Clear();    // stored answers name objects that may no longer exist
  next_sweep_due_ms_ = 0;  // unknown: the next operation sweeps and works it out
  lock.unlock();
  outbox_cv_.notify_all();
  return std::nullopt;
}

namespace {

// Erases the entries of `map` whose expires_ms is before `horizon`, calling `on_erase` on each
// first; returns how many went. `earliest_kept` becomes the smallest expires_ms left, if smaller.
template <typename Map, typename OnErase>
size_t EraseExpired(Map& map, int64_t horizon, int64_t& earliest_kept, OnErase on_erase) {
  size_t removed = 0;
  for (auto it = map.begin(); it != map.end();) {
    if (it->second.expires_ms < horizon) {
      on_erase(it->second);
      it = map.erase(it);
      ++removed;
    } else {
      earliest_kept = std::min(earliest_kept, it->second.expires_ms);
      ++it;
    }
  }
  return removed;
}

}  // namespace

size_t Environment::SweepLocked() {
  ops_since_sweep_ = 0;
  last_sweep_ms_ = NowMsLocked();
  const int64_t grace = 1000 * seed_.sweep_after_seconds;
  const int64_t horizon = NowMsLocked() - grace;
  auto nothing = [](const auto&) {};
  int64_t kept = std::numeric_limits<int64_t>::max();  // earliest expiry left (with a grace)
  size_t removed = EraseExpired(sessions_, horizon, kept, [this](const PasswordlessSession& s) {
    session_by_token_.erase(s.token);
  });
  // An email outlives its session only until the session is swept: its link is dead by then,
  // and without this a busy environment keeps up to 10,000 rendered emails for ever.
  const size_t emails = outbox_.size();
  outbox_.erase(std::remove_if(outbox_.begin(), outbox_.end(),
                               [this](const Email& e) { return !sessions_.count(e.session_id); }),
                outbox_.end());
  removed += emails - outbox_.size();
  removed += EraseExpired(codes_, horizon, kept, nothing);
  removed += EraseExpired(access_tokens_, horizon, kept, nothing);
  next_sweep_due_ms_ = kept == std::numeric_limits<int64_t>::max()
                           ? std::numeric_limits<int64_t>::max()
                           : kept + grace + 1;
  // A pending login is useless the moment it expires: nobody inspects it afterwards.
  int64_t pending_kept = std::numeric_limits<int64_t>::max();
  removed += EraseExpired(pending_logins_, NowMsLocked() + 1, pending_kept, nothing);
  next_sweep_due_ms_ = std::min(next_sweep_due_ms_, pending_kept);
  return removed;
}

void Environment::NoteExpiryLocked(int64_t expires_ms, bool with_grace) {
  next_sweep_due_ms_ = std::min(
      next_sweep_due_ms_, expires_ms + (with_grace ? 1000 * seed_.sweep_after_seconds + 1 : 0));
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
  const bool full = sessions_.size() >= cap || codes_.size() >= cap ||
                    access_tokens_.size() >= cap || pending_logins_.size() >= cap;
  if (++ops_since_sweep_ >= 4096 || (full && NowMsLocked() - last_sweep_ms_ >= 1000)) SweepLocked();
}

size_t Environment::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  return SweepLocked();
}

}  // namespace workos_mock
