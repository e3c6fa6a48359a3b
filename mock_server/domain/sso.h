// SSO sign-in through the mock IdP: GET /sso/authorize decoded into an AuthorizeRequest, and what
// the browser is to be shown next. Rules in Environment::Authorize (domain/sso.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"

namespace workos_mock {

struct AuthorizeRequest {
  // Query parameters; absent and "" are the same.
  std::string client_id, redirect_uri, response_type, state;
  std::string connection, organization, provider, domain;
  std::string login_hint, domain_hint, nonce, prompt;
  std::string code_challenge, code_challenge_method;
  std::vector<std::string> provider_scopes;  // repeated and comma-joined forms, flattened
  std::map<std::string, std::string> provider_query_params;
  // Server flag --interactive: show the IdP page even if the environment does not ask for it.
  bool interactive = false;
};

struct AuthorizeOutcome {
  enum class Kind {
    kRedirect,            // 302 to `location`: the app (code or error) or the mock's error page
    kInvalidRedirectUri,  // 302 to `location` (the mock's "Invalid Redirect URI" page)
    kErrorPage,  // 302 to `location`, another of the mock's error pages (never the app); `error`
                 // names it, e.g. code_challenge_missing
    kIdpPage,    // the interactive mock IdP: show `connection`'s users, post to login_id
    kLimitExceeded,  // the environment is full (max_stored): 429 with `error` as message
  };
  Kind kind = Kind::kRedirect;
  std::string location;
  // kRedirect to the app: the OAuth error code when it carries one (else a code was issued).
  std::string error;
  // kIdpPage
  std::string login_id;
  Connection connection;
  std::string login_hint;
};

// A sign-in waiting at the interactive IdP page (single use, lives as long as a code).
struct PendingLogin {
  std::string id;  // secret: it is the capability to finish the login
  std::string connection_id;
  std::string redirect_uri;
  std::string state;
  std::optional<std::string> code_challenge;
  std::string nonce;
  std::vector<std::string> provider_scopes;
  int64_t expires_ms = 0;
};

// The providers `provider=` takes (spec enum of /sso/authorize).
const std::vector<std::string>& OAuthProviders();
// Every connection type of the spec (v0.61.0, Connection.connection_type): what a configured
// connection's `type` may be.
const std::vector<std::string>& ConnectionTypes();
// True for the types whose token response carries `oauth_tokens` (the ...OAuth ones).
bool IsOAuthConnectionType(const std::string& type);

}  // namespace workos_mock
