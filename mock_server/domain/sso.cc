// GET /sso/authorize and the mock IdP: which connection a request selects, which user signs in,
// and where the browser goes next. Every rule is here; http/sso_routes.cc only translates.
//
// Decisions where the live API is undocumented (see CONTRACT.md "GET /sso/authorize"):
// - Order of checks: client id (by the HTTP layer, via the registry) -> redirect_uri -> the rest.
//   Until the redirect URI is known to be registered nothing is sent to the app.
// - response_type missing or not "code": once the redirect URI is trusted the mock answers as
//   RFC 6749 section 4.1.2.1 says, with a redirect to the app: `invalid_request` when it is
//   missing, `unsupported_response_type` when it is another value.
// - PKCE: only `S256` (what the official SDKs send). A challenge without a method, a method
//   without a challenge, or `plain` is `invalid_request` to the app.
// - `provider`: an active connection of that type in the environment is used; without one the mock
//   creates an OAuth connection of that type (no organization), the way a WorkOS staging
//   environment signs in with WorkOS's default OAuth credentials without any set-up. It then shows
//   in GET /connections like the auto-created MagicLink ones. A provider outside the spec's enum is
//   `connection_strategy_invalid` "The provider '<x>' is not valid." (the reference's error codes).
// - Requests that never reach the app go to the mock's error pages, as live sends them to
//   WorkOS's error host: `code_challenge_method` without `code_challenge` ->
//   /sso/code_challenge_missing; no selector at all -> /sso/invalid-connection-selector. Checked
//   right after the redirect URI, before anything could be reported to the app.
// - More than one of connection/organization/provider is `invalid_connection_selector` (the docs:
//   "mutually exclusive, and exactly one must be provided").
// - `prompt`: only `login` (the spec's const); it has no effect, as the mock IdP always signs in
//   afresh. Another value is `invalid_request`.
// - `organization`: its SSO connections are the non-MagicLink ones; none (or an unknown org) is
//   `organization_invalid`, more than one `ambiguous_connection_selector`.
// - Who signs in: the connection's user whose email equals login_hint, else its first user, else a
//   user made from login_hint (when it is an email) or user@<the connection's first domain, else
//   domain_hint, else example.com>.
// - `nonce`, `domain_hint`, `provider_scopes` and `provider_query_params` are accepted and have no
//   effect (the mock IdP has no consent screen and the profile carries no id token).
// - Every error redirect to the app carries error_uri, as the reference and a capture of
//   production show.
#include "domain/sso.h"
#include "domain/text.h"

#include <algorithm>
#include <cctype>

#include "domain/environment.h"
#include "domain/ids.h"

namespace workos_mock {
namespace {

constexpr const char* kErrorUri =
    "https://workos.com/docs/reference/sso/get-authorization-url/error-codes";

bool LooksLikeEmail(const std::string& s) {
  auto at = s.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= s.size() || s.size() > 320) return false;
  if (s.find('@', at + 1) != std::string::npos || s.find('.', at) == std::string::npos)
    return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"';
  });
}

bool IsSsoConnection(const Connection& c) { return c.type != "MagicLink"; }

}  // namespace

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

std::string Environment::AppRedirectLocked(const std::string& redirect_uri,
                                           const std::string& state, const std::string& error,
                                           const std::string& description) const {
  std::string out = redirect_uri + (redirect_uri.find('?') == std::string::npos ? "?" : "&");
  out += "error=" + PercentEncode(error) + "&error_description=" + PercentEncode(description);
  out += std::string("&error_uri=") + PercentEncode(kErrorUri);
  if (!state.empty()) out += "&state=" + PercentEncode(state);
  return out;
}

AuthorizeOutcome Environment::SignInLocked(const Connection& connection, const IdpUser& user,
                                           const std::string& redirect_uri,
                                           const std::string& state,
                                           std::optional<std::string> code_challenge,
                                           std::vector<std::string> provider_scopes) {
  Profile& profile = ProfileForLocked(connection, user);
  const std::string code = IssueCodeLocked(profile, redirect_uri, "", std::move(code_challenge),
                                           std::move(provider_scopes));
  AuthorizeOutcome out;
  out.kind = AuthorizeOutcome::Kind::kRedirect;
  out.location = redirect_uri + (redirect_uri.find('?') == std::string::npos ? "?" : "&") +
                 "code=" + PercentEncode(code);
  if (!state.empty()) out.location += "&state=" + PercentEncode(state);
  return out;
}

AuthorizeOutcome Environment::Authorize(const AuthorizeRequest& r) {
  std::lock_guard<std::mutex> lock(mu_);
  AuthorizeOutcome out;
  if (r.client_id != seed_.client_id) {  // the HTTP layer routes by client id; belt and braces
    out.location = link_base_ + "/sso/client-id-invalid?client_id=" + PercentEncode(r.client_id);
    return out;
  }
  std::string uri_error;
  const std::string redirect_uri = ResolveRedirectUriLocked(r.redirect_uri, &uri_error);
  if (!uri_error.empty()) {
    out.kind = AuthorizeOutcome::Kind::kInvalidRedirectUri;
    out.location =
        link_base_ + "/sso/redirect-uri-invalid?redirect_uri=" + PercentEncode(r.redirect_uri);
    out.error = uri_error;
    return out;
  }
  // Requests that never reach the app: the browser goes to the error host's page instead.
  auto error_page = [&](const std::string& page) {
    out.kind = AuthorizeOutcome::Kind::kErrorPage;
    out.error = page;
    out.location = link_base_ + "/sso/" + page;
    return out;
  };
  if (!r.code_challenge_method.empty() && r.code_challenge.empty())
    return error_page("code_challenge_missing");
  if (r.connection.empty() && r.organization.empty() && r.provider.empty() && r.domain.empty())
    return error_page("invalid-connection-selector");
  auto fail = [&](const std::string& error, const std::string& description) {
    out.kind = AuthorizeOutcome::Kind::kRedirect;
    out.error = error;
    out.location = AppRedirectLocked(redirect_uri, r.state, error, description);
    return out;
  };

  MaybeSweepLocked();
  if (codes_.size() >= max_stored() || pending_logins_.size() >= max_stored())
    // RFC 6749 4.1.2.1: the server cannot handle the request now (the environment is full).
    return fail("temporarily_unavailable",
                "This environment holds the maximum of " + std::to_string(max_stored()) +
                    " (config max_stored) unexpired codes or sign-ins; wait for them to expire "
                    "or POST /_mock/reset.");
  if (r.response_type.empty())
    return fail("invalid_request", "The 'response_type' parameter is required; use 'code'.");
  if (r.response_type != "code")
    return fail("unsupported_response_type",
                "The response type '" + r.response_type + "' is not supported; use 'code'.");
  if (!r.prompt.empty() && r.prompt != "login")
    return fail("invalid_request", "The prompt '" + r.prompt + "' is not supported; use 'login'.");
  if (!r.domain.empty())
    return fail("domain_connection_selector_not_allowed",
                "The `domain` connection selector is deprecated and may no longer be used. Use the "
                "`connection` or `organization` connection selectors instead.");
  const int selectors = !r.connection.empty() + !r.organization.empty() + !r.provider.empty();
  if (selectors != 1)  // none at all went to the error page above
    return fail("invalid_connection_selector",
                "The `connection`, `organization` and `provider` selectors are mutually "
                "exclusive; give exactly one.");
  if (!r.code_challenge.empty()) {  // a method without a challenge went to the error page above
    if (r.code_challenge_method != "S256")
      return fail("invalid_request", "code_challenge_method must be 'S256'.");
    if (r.code_challenge.size() != 43)
      return fail("invalid_request",
                  "code_challenge must be the base64url SHA-256 of the code verifier (43 "
                  "characters).");
  }

  const Connection* conn = nullptr;
  if (!r.connection.empty()) {
    auto it = connections_.find(r.connection);
    if (it == connections_.end())
      return fail("connection_invalid", "No Connection found with ID '" + r.connection + "'");
    conn = &it->second;
  } else if (!r.organization.empty()) {
    std::vector<const Connection*> found;
    if (organizations_.count(r.organization)) {
      for (const auto& [id, c] : connections_)
        if (IsSsoConnection(c) && c.organization_id == r.organization) found.push_back(&c);
    }
    if (found.empty())
      return fail("organization_invalid",
                  "No Connection associated with Organization '" + r.organization + "'");
    if (found.size() > 1)
      return fail("ambiguous_connection_selector",
                  "Organization '" + r.organization + "' has " + std::to_string(found.size()) +
                      " SSO connections. Select one with the `connection` parameter.");
    conn = found.front();
  } else {
    const auto& providers = OAuthProviders();
    auto known = std::find_if(providers.begin(), providers.end(),
                              [&](const std::string& p) { return Lower(p) == Lower(r.provider); });
    if (known == providers.end())
      return fail("connection_strategy_invalid", "The provider '" + r.provider + "' is not valid.");
    for (const auto& [id, c] : connections_) {
      if (c.type == *known && c.state == "active") {
        conn = &c;
        break;
      }
    }
    if (!conn) {
      const int64_t now = NowMsLocked();
      Connection c;
      c.id = ids_.NewId("conn", now);
      c.type = *known;
      c.name = *known;
      c.state = "active";
      c.created_ms = c.updated_ms = now;
      conn = &(connections_[c.id] = c);
    }
  }
  if (conn->state != "active")
    return fail("connection_unlinked", "Connection '" + conn->id +
                                           "' is not active (its state is '" + conn->state + "').");

  std::optional<std::string> challenge;
  if (!r.code_challenge.empty()) challenge = r.code_challenge;

  if (seed_.interactive_idp || r.interactive) {
    PendingLogin p;
    p.id = ids_.Alphanumeric(32);
    p.connection_id = conn->id;
    p.redirect_uri = redirect_uri;
    p.state = r.state;
    p.code_challenge = challenge;
    p.nonce = r.nonce;
    p.provider_scopes = r.provider_scopes;
    p.expires_ms = NowMsLocked() + 1000 * seed_.code_ttl_seconds;
    if (pending_logins_.size() > 10000) pending_logins_.clear();
    pending_logins_[p.id] = p;
    NoteExpiryLocked(p.expires_ms, false);
    out.kind = AuthorizeOutcome::Kind::kIdpPage;
    out.login_id = p.id;
    out.connection = *conn;
    out.login_hint = r.login_hint;
    return out;
  }

  IdpUser user;
  auto match = std::find_if(conn->users.begin(), conn->users.end(), [&](const IdpUser& u) {
    return !r.login_hint.empty() && Lower(u.email) == Lower(r.login_hint);
  });
  if (match != conn->users.end()) {
    user = *match;
  } else if (!conn->users.empty()) {
    user = conn->users.front();
  } else if (LooksLikeEmail(r.login_hint)) {
    user.email = r.login_hint;
  } else {
    std::string domain = !conn->domains.empty()   ? conn->domains.front().domain
                         : !r.domain_hint.empty() ? r.domain_hint
                                                  : "example.com";
    user.email = "user@" + domain;
  }
  return SignInLocked(*conn, user, redirect_uri, r.state, challenge, r.provider_scopes);
}

bool Environment::HasPendingLogin(const std::string& login_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_logins_.count(login_id) > 0;
}

Result<AuthorizeOutcome> Environment::CompleteLogin(const std::string& login_id,
                                                    const std::string& email, bool deny) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_logins_.find(login_id);
  if (it == pending_logins_.end() || NowMsLocked() >= it->second.expires_ms)
    return Error{ErrorKind::kNotFound,
                 "This sign-in has expired or was already completed. Start again from the app.",
                 {}};
  const PendingLogin p = it->second;
  auto conn = connections_.find(p.connection_id);
  if (deny || conn == connections_.end()) {
    pending_logins_.erase(it);
    AuthorizeOutcome out;
    out.error = deny ? "access_denied" : "connection_invalid";
    out.location =
        AppRedirectLocked(p.redirect_uri, p.state, out.error,
                          deny ? "The user denied access at the identity provider."
                               : "No Connection found with ID '" + p.connection_id + "'");
    return out;
  }
  if (!LooksLikeEmail(email))
    return ValidationError({{"email", "email must be an email address, e.g. ann@example.com"}});
  pending_logins_.erase(it);
  IdpUser user;
  user.email = email;
  for (const auto& u : conn->second.users)
    if (Lower(u.email) == Lower(email)) user = u;
  return SignInLocked(conn->second, user, p.redirect_uri, p.state, p.code_challenge,
                      p.provider_scopes);
}

}  // namespace workos_mock
