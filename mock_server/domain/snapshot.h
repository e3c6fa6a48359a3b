// A plain-data copy of an environment's runtime state (everything that is not its seed): what
// GET /_mock/state exports, PUT /_mock/state imports and --state-file persists across restarts.
// Environment::Snapshot() / Restore() take the environment's lock once (see environment.h), so a
// snapshot is a consistent point in time. The JSON mapping lives in config/state.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/ids.h"
#include "domain/model.h"
#include "domain/sso.h"

namespace workos_mock {

struct EnvironmentSnapshot {
  int64_t clock_offset_ms = 0;
  std::vector<RedirectUriEntry> redirect_uris;
  ScannerSettings scanner;
  // nullopt (a state file written before settings existed): the seed's settings.
  std::optional<EnvironmentSettings> settings;
  std::vector<Organization> organizations;
  std::vector<Connection> connections;
  std::vector<Profile> profiles;
  std::vector<PasswordlessSession> sessions;  // sorted by id (= creation order)
  std::vector<AuthorizationCode> codes;       // sorted by code
  std::vector<AccessToken> access_tokens;     // sorted by token
  std::vector<Email> outbox;                  // newest first
  std::vector<PendingLogin> pending_logins;   // sorted by id
  // Deterministic mode: where each of the environment's id streams stands (by purpose), so a
  // restored environment goes on where it was instead of repeating ids. Empty otherwise.
  std::map<std::string, IdGenerator::Position> id_streams;
};

// Everything inconsistent in a snapshot (duplicate ids or tokens, references to missing
// profiles, a bad clock offset), as field errors with key paths like "sessions[2].token";
// ok when it can be restored. Redirect URIs and the scanner are checked by Restore against the
// environment's kind; `max_stored` is its cap per kind.
Status ValidateSnapshot(const EnvironmentSnapshot& snapshot, size_t max_stored);

}  // namespace workos_mock
