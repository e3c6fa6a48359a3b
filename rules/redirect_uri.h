// Redirect-URI rules as the WorkOS dashboard and API apply them (CONTRACT.md, "Redirect URIs"),
// the one copy the mock (domain/environment.cc) and the go-live checker share.
// Pure functions: no I/O, no clock. Registration-time validation names the violated rule;
// use-time matching is exact, or follows WorkOS's documented wildcard rules when enabled.
#pragma once

#include <string>

namespace workos_mock {

enum class EnvironmentKind { kStaging, kProduction };

struct RedirectUriPolicy {
  EnvironmentKind kind = EnvironmentKind::kStaging;
  // Off by default (Magic Link guide: "no wildcard subdomains"); on = WorkOS's SSO wildcard rules.
  bool allow_wildcards = false;
};

struct RedirectUriCheck {
  bool ok = true;
  std::string rule;     // stable id of the violated rule, e.g. "https_required"; empty when ok
  std::string message;  // one sentence that says what is wrong and how to fix it
};

// Whether `uri` may be registered in an environment's allow-list. `is_default` is true for the
// environment's default redirect URI (a wildcard URI can never be the default).
RedirectUriCheck ValidateRegisteredRedirectUri(const std::string& uri,
                                               const RedirectUriPolicy& policy, bool is_default);

// Whether a `redirect_uri` sent with a request matches one registered entry: byte-exact, except
// that a registered wildcard entry (only possible when wildcards were allowed) matches exactly one
// host label of [A-Za-z0-9_-] in place of its `*`.
bool RedirectUriMatches(const std::string& registered, const std::string& requested);

}  // namespace workos_mock
