// The pages of the mock's error host: where a sign-in ends that must not go back to the app
// (live, WorkOS's own error pages). The domain sends the browser there (Environment::Authorize)
// and the HTTP layer serves them (http/sso_routes.cc); their paths are written here only.
#pragma once

#include <string>

namespace workos_mock {

inline constexpr const char* kClientIdInvalidPage = "client-id-invalid";
inline constexpr const char* kRedirectUriInvalidPage = "redirect-uri-invalid";
inline constexpr const char* kCodeChallengeMissingPage = "code_challenge_missing";
inline constexpr const char* kInvalidConnectionSelectorPage = "invalid-connection-selector";

// The path of `page`, one of the names above.
inline std::string ErrorPagePath(const std::string& page) { return "/sso/" + page; }
// Its URL under the public origin `link_base`, e.g. "http://127.0.0.1:4400".
inline std::string ErrorPageUrl(const std::string& link_base, const std::string& page) {
  return link_base + ErrorPagePath(page);
}

}  // namespace workos_mock
