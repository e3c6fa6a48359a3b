// Domain objects as the live API's JSON (field names, nulls, timestamps).
#pragma once

#include <nlohmann/json.hpp>

#include "domain/environment.h"

namespace workos_mock {

nlohmann::json SessionJson(const PasswordlessSession& s, const std::string& link);
nlohmann::json ProfileJson(const Profile& p);
nlohmann::json OAuthTokensJson(const OAuthTokens& t);
nlohmann::json ConnectionJson(const Connection& c);
nlohmann::json OrganizationJson(const Organization& o);
nlohmann::json EmailJson(const Email& e);
nlohmann::json ScanJson(const ScanResult& r);
nlohmann::json DeliveryJson(const DeliveryResult& d);
nlohmann::json ScannerSettingsJson(const ScannerSettings& s);
nlohmann::json SettingsJson(const EnvironmentSettings& s);
nlohmann::json EnvironmentJson(const Environment& env);
nlohmann::json QueuedOutcomeJson(const QueuedOutcome& q);
// One sign-in of GET /_mock/sso/sign-ins; `code_exchanged` tells whether its code was redeemed.
nlohmann::json SignInJson(const SsoSignIn& s, bool code_exchanged);
nlohmann::json JwksJson(const std::vector<JsonWebKey>& keys);
// {"object":"list","data":[...],"list_metadata":{"before":...,"after":...}}
template <typename T, typename F>
nlohmann::json ListJson(const Page<T>& page, F to_json) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& item : page.data) data.push_back(to_json(item));
  auto cursor = [](const std::optional<std::string>& c) {
    return c ? nlohmann::json(*c) : nlohmann::json(nullptr);
  };
  return {{"object", "list"},
          {"data", data},
          {"list_metadata", {{"before", cursor(page.before)}, {"after", cursor(page.after)}}}};
}

}  // namespace workos_mock
