// Domain objects as the live API's JSON (field names, nulls, timestamps).
#pragma once

#include <nlohmann/json.hpp>

#include "domain/environment.h"

namespace workos_mock {

nlohmann::json SessionJson(const PasswordlessSession& s, const std::string& link);
nlohmann::json ProfileJson(const Profile& p);
nlohmann::json ConnectionJson(const Connection& c);
nlohmann::json OrganizationJson(const Organization& o);
nlohmann::json EmailJson(const Email& e);
nlohmann::json EnvironmentJson(const Environment& env);
nlohmann::json RedirectUrisJson(const std::vector<RedirectUriEntry>& uris);

}  // namespace workos_mock
