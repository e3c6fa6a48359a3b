// The JSON form of an environment's state: GET/PUT /_mock/state and the --state-file.
//
//   {"object": "mock_state", "version": 1,
//    "environment": {...the seed, in the config-file format of docs/config.md...},
//    "state": {"clock_offset_ms", "redirect_uris", "scanner", "organizations", "connections",
//              "profiles", "sessions", "codes", "access_tokens", "outbox", "pending_logins"}}
//
// The state file holds {"object": "mock_state_file", "version": 1, "environments": [<that>...]}.
// Times are integer milliseconds since the Unix epoch (lossless; "*_ms" keys). docs/state.md
// describes every key.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "domain/registry.h"
#include "domain/snapshot.h"

namespace workos_mock {

// The seed in the config-file format (ParseConfig reads it back).
nlohmann::json SeedJson(const EnvironmentConfig& seed);
nlohmann::json SnapshotJson(const EnvironmentSnapshot& snapshot);
// Throws ConfigError naming the key path ("state.sessions[0].token") on bad input. `path` is the
// prefix of the paths (e.g. "state").
EnvironmentSnapshot ParseSnapshot(const nlohmann::json& state, const std::string& path);

// {"object": "mock_state", "version": 1, "environment": ..., "state": ...}; `change_count`,
// when given, receives the environment's ChangeCount() at the instant exported.
nlohmann::json ExportEnvironment(const Environment& env, uint64_t* change_count = nullptr);
// Replaces `env`'s runtime state with `doc` (a mock_state object; only "state" is used; an
// "environment" part, when present, must be a valid seed but is not applied: a running
// environment's keys and client id cannot change). Validation failures as field errors.
Status ImportEnvironment(Environment& env, const nlohmann::json& doc);

// A --state-file read back (persistence/state_file.cc writes it one environment at a time):
// environments named in the file are created from their seed when missing, then their state is
// restored. Throws ConfigError on bad input.
void ImportRegistry(Registry& registry, const nlohmann::json& doc, const std::string& source);

}  // namespace workos_mock
