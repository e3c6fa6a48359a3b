// The model objects whose JSON form the config file, the state and the HTTP views share: one
// reader and one writer each, so the forms cannot drift apart.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/json_reader.h"
#include "domain/model.h"

namespace workos_mock {

// {"uri": "...", "default": true|false}; "default" may be left out (false).
RedirectUriEntry ReadRedirectUri(const JsonReader& r, const nlohmann::json& o,
                                 const std::string& path);
// An organization domain's "state": "verified" (also when left out) or "pending".
std::string ReadDomainState(const JsonReader& r, const nlohmann::json& o, const std::string& path);
// A user of a connection's IdP. `outcome_problem` words the refusal of an "outcome" that is not
// a sign-in outcome (the config file lists them; the state, written by us, does not).
IdpUser ReadIdpUser(const JsonReader& r, const nlohmann::json& o, const std::string& path,
                    std::string (*outcome_problem)(const std::string& outcome));
// The scanner's keys (mode, allowlist, delay_ms) as given: the caller validates them.
ScannerSettings ReadScannerKeys(const JsonReader& r, const nlohmann::json& o,
                                const std::string& path);
// The settings keys of `o` (idempotent_replay, head_consumes_links) over `base`.
EnvironmentSettings ReadSettingsKeys(const JsonReader& r, const nlohmann::json& o,
                                     const std::string& path, EnvironmentSettings base);

// The value or null.
nlohmann::json NullableJson(const std::optional<std::string>& s);
// [{"uri": ..., "default": ...}]
nlohmann::json RedirectUrisJson(const std::vector<RedirectUriEntry>& uris);
// {"mode", "allowlist", "delay_ms"}
nlohmann::json ScannerFieldsJson(const ScannerSettings& s);
// {"idempotent_replay", "head_consumes_links"}
nlohmann::json SettingsFieldsJson(const EnvironmentSettings& s);
// A profile's fields that the state and the API's profile object write alike: id,
// organization_id, connection_id, connection_type, idp_id, email, first_name, last_name, groups.
nlohmann::json ProfileFieldsJson(const Profile& p);
// An email's fields that the state and GET /_mock/outbox write alike: id, to, from, subject,
// text, html, link, session_id.
nlohmann::json EmailFieldsJson(const Email& e);

}  // namespace workos_mock
