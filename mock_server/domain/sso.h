// SSO sign-in through the mock IdP: GET /sso/authorize decoded into an AuthorizeRequest, and what
// the browser is to be shown next. Rules in Environment::Authorize (domain/sso.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
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
    kLimitExceeded,  // the environment is full (max_stored): 429 with `error` as message, and
                     // the hint ControlHint::kWaitAdvanceClockOrReset (domain/errors.h)
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

// A failure queued through the control plane (POST /_mock/sso/outcomes) for the next sign-ins.
struct QueuedOutcome {
  std::string id;             // sso_outcome_...
  std::string connection_id;  // "": any connection of the environment
  std::string outcome;        // one of SignInOutcomes()
  int64_t times = 1;          // as queued
  int64_t remaining = 1;      // sign-ins it still fails
};

// One sign-in that reached the mock IdP (GET /_mock/sso/sign-ins), kept for the newest 1000.
struct SsoSignIn {
  std::string login_id;  // the pending login of the interactive page; a secret, never shown
  int64_t started_ms = 0;
  int64_t finished_ms = 0;  // 0 while it waits at the interactive page
  int64_t expires_ms = 0;   // when a waiting sign-in expires
  std::string connection_id, connection_type;
  std::optional<std::string> organization_id;
  std::string redirect_uri, state;
  std::string email;   // who signed in (or tried to); "" when the page was refused
  std::string status;  // "at_idp" (the interactive page), "signed_in" or "failed"
  // failed: the error sent to the app, its description, and why: "queued" (the control plane),
  // "user" (the connection user's configured outcome), "domain_policy" (the organization's
  // verified domains) or "idp_page" (a choice on the interactive page).
  std::string error, error_description, source;
  std::string code;  // signed_in: the code sent to the app
};

// The outcomes the mock IdP can end a sign-in with besides signing the user in: the reference's
// error codes for what happens at the identity provider (CONTRACT.md, evidence review
// 2026-11-29), in the order the docs list them.
const std::vector<std::string>& SignInOutcomes();
bool IsSignInOutcome(const std::string& code);
// The field error for an `outcome` that is not one of them (it lists them).
FieldError UnknownOutcomeError();
// The outcome "fail" on the interactive page means for a connection of this type: oauth_failed
// for OAuth connections, server_error for the others.
std::string DefaultFailure(const std::string& connection_type);

// The providers `provider=` takes (spec enum of /sso/authorize).
const std::vector<std::string>& OAuthProviders();
// Every connection type of the spec (v0.61.0, Connection.connection_type): what a configured
// connection's `type` may be.
const std::vector<std::string>& ConnectionTypes();
// True for the types whose token response carries `oauth_tokens` (the ...OAuth ones).
bool IsOAuthConnectionType(const std::string& type);

}  // namespace workos_mock
