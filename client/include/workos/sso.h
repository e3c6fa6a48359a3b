// SSO: the authorization URL (built locally), the code exchange and the profile.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/http.h"

namespace workos {

// Empty strings mean "absent". One of connection, organization, provider (or the deprecated
// domain) is required.
struct AuthorizationUrlOptions {
  std::string client_id;  // default: Config::client_id
  std::string redirect_uri;
  std::string state;
  std::string connection;
  std::string organization;
  std::string provider;  // GoogleOAuth, MicrosoftOAuth, GitHubOAuth, AppleOAuth, ...
  std::string domain;    // deprecated selector
  std::string domain_hint;
  std::string login_hint;
  std::vector<std::string> provider_scopes;
  std::string code_challenge;
  std::string code_challenge_method;  // "S256" when code_challenge is set and this is empty
  std::string nonce;
};

struct Profile {
  std::string object;  // "profile"
  std::string id;
  std::optional<std::string> organization_id;
  std::string connection_id;
  std::string connection_type;
  std::string idp_id;
  std::string email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> name;
  nlohmann::json raw_attributes;     // {} on live since 2026-04-15 (WorkOS's deprecation)
  nlohmann::json custom_attributes;  // the IdP's mapped claims; null when absent (live omits it)
  nlohmann::json raw;                // everything, incl. role, roles, groups
};

struct ProfileAndToken {
  std::string token_type;  // "Bearer"
  std::string access_token;
  std::int64_t expires_in = 0;
  Profile profile;
  nlohmann::json oauth_tokens;  // null when absent
  nlohmann::json raw;
};

// PKCE (RFC 7636, S256).
struct Pkce {
  std::string code_verifier;
  std::string code_challenge;
  std::string code_challenge_method = "S256";
};
Pkce GeneratePkce();

class Sso {
 public:
  explicit Sso(std::shared_ptr<Transport> transport) : t_(std::move(transport)) {}

  // <base>/sso/authorize?client_id=…&redirect_uri=…&response_type=code&…  (no request made)
  std::string GetAuthorizationUrl(const AuthorizationUrlOptions& options) const;

  // POST /sso/token (form-urlencoded client_id, client_secret, grant_type, code[, code_verifier]).
  // Without an API key (a public PKCE client) no client_secret is sent. Never retried unless
  // request.idempotency_key is set: a code is single-use.
  ProfileAndToken GetProfileAndToken(const std::string& code, const std::string& code_verifier = "",
                                     const RequestOptions& request = {});

  // GET /sso/profile with `Authorization: Bearer <access_token>`.
  Profile GetProfile(const std::string& access_token, const RequestOptions& request = {});

 private:
  std::shared_ptr<Transport> t_;
};

void from_json(const nlohmann::json& j, Profile& p);
void from_json(const nlohmann::json& j, ProfileAndToken& p);

}  // namespace workos
