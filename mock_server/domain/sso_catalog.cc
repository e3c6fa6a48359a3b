// The SSO vocabulary of the spec and the reference: sign-in outcomes, OAuth providers,
// connection types.
#include <algorithm>
#include <string>
#include <vector>

#include "domain/sso.h"

namespace workos_mock {

const std::vector<std::string>& SignInOutcomes() {
  static const std::vector<std::string> kOutcomes = {
      "access_denied", "idp_initiated_sso_disabled",
      "oauth_failed",  "profile_not_allowed_outside_organization",
      "server_error",  "signin_consent_denied"};
  return kOutcomes;
}

bool IsSignInOutcome(const std::string& code) {
  const auto& all = SignInOutcomes();
  return std::find(all.begin(), all.end(), code) != all.end();
}

FieldError UnknownOutcomeError() {
  std::string all;
  for (const auto& o : SignInOutcomes()) all += (all.empty() ? "" : ", ") + o;
  return {"outcome", "outcome must be one of " + all};
}

std::string DefaultFailure(const std::string& connection_type) {
  return IsOAuthConnectionType(connection_type) ? "oauth_failed" : "server_error";
}

const std::vector<std::string>& OAuthProviders() {
  static const std::vector<std::string> kProviders = {"AppleOAuth",
                                                      "BitbucketOAuth",
                                                      "GitHubOAuth",
                                                      "GitLabOAuth",
                                                      "GoogleOAuth",
                                                      "IntuitOAuth",
                                                      "LinkedInOAuth",
                                                      "MicrosoftOAuth",
                                                      "SalesforceOAuth",
                                                      "SlackOAuth",
                                                      "VercelMarketplaceOAuth",
                                                      "VercelOAuth",
                                                      "XeroOAuth"};
  return kProviders;
}

const std::vector<std::string>& ConnectionTypes() {
  // The spec's Connection.connection_type enum, v0.61.0 (2026-08-07), in its order.
  static const std::vector<std::string> kTypes = {"Pending",         "ADFSSAML",
                                                  "AdpOidc",         "AppleOAuth",
                                                  "Auth0Migration",  "Auth0SAML",
                                                  "AzureSAML",       "BitbucketOAuth",
                                                  "CasSAML",         "ClassLinkSAML",
                                                  "CleverOIDC",      "CloudflareSAML",
                                                  "CyberArkSAML",    "DiscordOAuth",
                                                  "DuoSAML",         "EntraIdOIDC",
                                                  "GenericOIDC",     "GenericSAML",
                                                  "GitHubOAuth",     "GitLabOAuth",
                                                  "GoogleOAuth",     "GoogleOIDC",
                                                  "GoogleSAML",      "GrokOAuth",
                                                  "XOAuth",          "IntuitOAuth",
                                                  "JumpCloudSAML",   "KeycloakSAML",
                                                  "LastPassSAML",    "LinkedInOAuth",
                                                  "LoginGovOidc",    "MagicLink",
                                                  "MicrosoftOAuth",  "MiniOrangeSAML",
                                                  "NetIqSAML",       "OktaOIDC",
                                                  "OktaSAML",        "OneLoginSAML",
                                                  "OracleSAML",      "PingFederateSAML",
                                                  "PingOneSAML",     "RipplingSAML",
                                                  "SalesforceSAML",  "ShibbolethGenericSAML",
                                                  "ShibbolethSAML",  "SimpleSamlPhpSAML",
                                                  "SalesforceOAuth", "SlackOAuth",
                                                  "TestIdp",         "VercelMarketplaceOAuth",
                                                  "VercelOAuth",     "VMwareSAML",
                                                  "XeroOAuth"};
  return kTypes;
}

bool IsOAuthConnectionType(const std::string& type) {
  return type.size() > 5 && type.compare(type.size() - 5, 5, "OAuth") == 0;
}

}  // namespace workos_mock
