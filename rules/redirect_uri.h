// Redirect-URI rules as the WorkOS dashboard and API apply them (CONTRACT.md, "Redirect URIs"),
// the one copy the mock (domain/environment.cc) and the go-live checker share.
// Pure functions: no I/O, no clock. Registration-time validation names the violated rule;
// use-time matching is exact, or follows WorkOS's documented wildcard rules when enabled.
#pragma once

#include <string>
#include <vector>

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
// environment's default redirect URI (a wildcard URI can never be the default). Reports the first
// of RedirectUriViolations.
RedirectUriCheck ValidateRegisteredRedirectUri(const std::string& uri,
                                               const RedirectUriPolicy& policy, bool is_default);

// Every rule `uri` breaks, in validation order (shape, query, fragment, userinfo, host, port,
// environment, wildcard); empty when it may be registered. The query and fragment rules are judged
// on the string, so they are listed even for a URI that is not absolute; the rules of the host,
// port, environment and wildcards only for one that is. For callers that report each rule on its
// own (workos-client golive) rather than the first.
std::vector<RedirectUriCheck> RedirectUriViolations(const std::string& uri,
                                                    const RedirectUriPolicy& policy,
                                                    bool is_default);

// An absolute `scheme://authority rest` URI split into its parts, as written (no case folding).
struct RedirectUriParts {
  std::string scheme;
  std::string authority;  // between "//" and the first '/', '?' or '#'
  bool has_userinfo = false;
  std::string host;  // includes the brackets of an IPv6 literal
  bool has_port = false;
  std::string port;  // digits expected, unchecked here
  std::string rest;  // path (plus any query/fragment), starts with '/', '?', '#' or is empty
};

// The parser the rules use. False when `uri` has no scheme or no "//" after it; the parts are
// not validated (RedirectUriViolations does that).
bool ParseRedirectUri(const std::string& uri, RedirectUriParts* out);

// Whether a `redirect_uri` sent with a request matches one registered entry: byte-exact, except
// that a registered wildcard entry (only possible when wildcards were allowed) matches exactly one
// host label of [A-Za-z0-9_-] in place of its `*`.
bool RedirectUriMatches(const std::string& registered, const std::string& requested);

}  // namespace workos_mock
