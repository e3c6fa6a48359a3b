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
//   user made from login_hint (when it is an email) or user@<the connection's first domain if the
//   organization admits it, else the organization's first verified domain, else the connection's
//   first domain, else domain_hint, else example.com>.
// - How the IdP ends it (SignInLocked): a choice on the interactive page, else an outcome queued
//   through the control plane (this connection's first), else the user's configured outcome, else
//   the organization's domain policy (profile_not_allowed_outside_organization), else a code.
//   Failures go to the app like the selector errors, with error_uri and state; no code.
// - `nonce`, `domain_hint`, `provider_scopes` and `provider_query_params` are accepted and have no
//   effect (the mock IdP has no consent screen and the profile carries no id token).
// - Every error redirect to the app carries error_uri, as the reference and a capture of
//   production show.
#include "domain/sso.h"
#include "domain/text.h"

#include <algorithm>
#include <cctype>

#include "domain/email_address.h"
#include "domain/environment.h"
#include "domain/error_pages.h"
#include "domain/expiry.h"
#include "domain/ids.h"
#include "domain/limits.h"

namespace workos_mock {
namespace {

constexpr const char* kErrorUri =
    "https://workos.com/docs/reference/sso/get-authorization-url/error-codes";

bool IsSsoConnection(const Connection& c) { return c.type != "MagicLink"; }

// The error_description of each outcome. Only signin_consent_denied's text is documented (the
// sign-in consent guide's example redirect); the others follow the reference's description of
// the code (decisions.md).
std::string OutcomeDescription(const std::string& outcome) {
  if (outcome == "access_denied")
    return "The identity provider denied the user's access to the client application.";
  if (outcome == "signin_consent_denied") return "User cancelled the authentication request";
  if (outcome == "profile_not_allowed_outside_organization")
    return "A profile was received that has an email that is outside the organization's domains "
           "and the organization does not allow this.";
  if (outcome == "oauth_failed") return "An OAuth authorization request failed for a user.";
  if (outcome == "server_error") return "The SSO authentication failed for the user.";
  if (outcome == "idp_initiated_sso_disabled")
    return "IdP-initiated SSO is disabled for the connection.";
  return outcome;
}

}  // namespace

std::string Environment::AppRedirectLocked(
    const std::string& redirect_uri, const std::string& state, const std::string& error,
    const std::string& description,
    const std::vector<std::pair<std::string, std::string>>& extra) const {
  // '&': a pending login from PUT /_mock/state or --state-file keeps its redirect_uri unchecked.
  std::string out = redirect_uri + (redirect_uri.find('?') == std::string::npos ? "?" : "&");
  out += "error=" + PercentEncode(error) + "&error_description=" + PercentEncode(description);
  out += std::string("&error_uri=") + PercentEncode(kErrorUri);
  if (!state.empty()) out += "&state=" + PercentEncode(state);
  for (const auto& [k, v] : extra) out += "&" + k + "=" + PercentEncode(v);
  return out;
}

// The domain policy (WorkOS's SSO Domains guide): a profile whose email domain is not one of the
// organization's verified domains -- or an organization with none -- is refused unless the
// organization allows profiles outside it. Google and Microsoft OAuth are exempt (the reference),
// and so are MagicLink connections, whose sign-in proves the address itself.
std::string Environment::DomainPolicyLocked(const Connection& conn,
                                            const std::string& email) const {
  if (!conn.organization_id || conn.type == "GoogleOAuth" || conn.type == "MicrosoftOAuth" ||
      conn.type == "MagicLink")
    return "";
  const Organization* org = directory_.FindOrganization(*conn.organization_id);
  if (!org || org->allow_profiles_outside_organization) return "";
  const std::string domain = EmailDomain(email);
  std::string verified;
  for (const auto& d : org->domains) {
    if (d.state != "verified") continue;
    if (Lower(d.domain) == domain) return "";
    verified += (verified.empty() ? "" : ", ") + d.domain;
  }
  return "The profile's email '" + email + "' is outside the verified domains of organization '" +
         org->id + "' (" + (verified.empty() ? std::string("it has none") : verified) +
         "), and the organization does not allow profiles outside it. Add the domain to the "
         "organization's domains, or allow profiles outside the organization.";
}

AuthorizeOutcome Environment::SignInLocked(const Connection& connection, const IdpUser& user,
                                           const PendingLogin& login, std::string outcome,
                                           std::string source) {
  std::string description;
  if (outcome.empty()) {
    // The control plane's queue first (this connection's entries, then environment-wide ones),
    // then the user's configured outcome, then the organization's domain policy.
    if (auto queued = queued_outcomes_.Take(connection.id)) {
      outcome = *queued;
      source = "queued";
    } else if (!user.outcome.empty()) {
      outcome = user.outcome;
      source = "user";
    } else if (!(description = DomainPolicyLocked(connection, user.email)).empty()) {
      outcome = "profile_not_allowed_outside_organization";
      source = "domain_policy";
    }
  }
  SsoSignIn& record = sign_ins_.RecordOf(connection, login, NowMsLocked());
  record.finished_ms = NowMsLocked();
  record.email = user.email;
  AuthorizeOutcome out;
  out.kind = AuthorizeOutcome::Kind::kRedirect;
  if (!outcome.empty()) {
    if (description.empty()) description = OutcomeDescription(outcome);
    std::vector<std::pair<std::string, std::string>> extra;
    if (outcome == "idp_initiated_sso_disabled") {
      // The login-flows guide: the callback carries the connection (and organization) id, so
      // the app can start an SP-initiated sign-in instead.
      extra.emplace_back("connection_id", connection.id);
      if (connection.organization_id)
        extra.emplace_back("organization_id", *connection.organization_id);
    }
    out.error = outcome;
    out.location = AppRedirectLocked(login.redirect_uri, login.state, outcome, description, extra);
    record.status = "failed";
    record.error = outcome;
    record.error_description = description;
    record.source = source;
    return out;
  }
  const Profile& profile = ProfileForLocked(connection, user);
  const std::string code =
      IssueCodeLocked(profile, login.redirect_uri, "", login.code_challenge, login.provider_scopes);
  // '&': a pending login from PUT /_mock/state or --state-file keeps its redirect_uri unchecked.
  out.location = login.redirect_uri +
                 (login.redirect_uri.find('?') == std::string::npos ? "?" : "&") +
                 "code=" + PercentEncode(code);
  if (!login.state.empty()) out.location += "&state=" + PercentEncode(login.state);
  record.status = "signed_in";
  record.code = code;
  return out;
}

AuthorizeOutcome Environment::Authorize(const AuthorizeRequest& r) {
  MutexLock lock(mu_);
  AuthorizeOutcome out;
  if (r.client_id != seed_.client_id) {  // the HTTP layer routes by client id; belt and braces
    out.location =
        ErrorPageUrl(link_base_, kClientIdInvalidPage) + "?client_id=" + PercentEncode(r.client_id);
    return out;
  }
  Result<std::string> resolved = redirect_uris_.Resolve(r.redirect_uri);
  if (!resolved.ok()) {
    out.kind = AuthorizeOutcome::Kind::kInvalidRedirectUri;
    out.location = ErrorPageUrl(link_base_, kRedirectUriInvalidPage) +
                   "?redirect_uri=" + PercentEncode(r.redirect_uri);
    out.error = resolved.error().errors.front().code;
    return out;
  }
  const std::string redirect_uri = resolved.value();
  // Requests that never reach the app: the browser goes to the error host's page instead.
  auto error_page = [&](const std::string& page) {
    out.kind = AuthorizeOutcome::Kind::kErrorPage;
    out.error = page;
    out.location = ErrorPageUrl(link_base_, page);
    return out;
  };
  if (!r.code_challenge_method.empty() && r.code_challenge.empty())
    return error_page(kCodeChallengeMissingPage);
  if (r.connection.empty() && r.organization.empty() && r.provider.empty() && r.domain.empty())
    return error_page(kInvalidConnectionSelectorPage);
  auto fail = [&](const std::string& error, const std::string& description) {
    out.kind = AuthorizeOutcome::Kind::kRedirect;
    out.error = error;
    out.location = AppRedirectLocked(redirect_uri, r.state, error, description);
    return out;
  };

  // One cap, one behaviour (docs/decisions.md): at max_stored the request is refused with 429
  // like every other store, and nothing stored is ever dropped to make room. A direct sign-in
  // stores a code, an interactive one a pending sign-in (its code comes when it completes).
  MaybeSweepLocked();
  const bool interactive = seed_.interactive_idp || r.interactive;
  if ((interactive ? pending_logins_.size() : codes_.codes()) >= max_stored()) {
    out.kind = AuthorizeOutcome::Kind::kLimitExceeded;
    out.error = "This environment holds the maximum of " + std::to_string(max_stored()) +
                " (config max_stored) unexpired " +
                (interactive ? "pending sign-ins" : "authorization codes");
    return out;
  }
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
    conn = directory_.FindConnection(r.connection);
    if (!conn)
      return fail("connection_invalid", "No Connection found with ID '" + r.connection + "'");
  } else if (!r.organization.empty()) {
    std::vector<const Connection*> found;
    if (directory_.FindOrganization(r.organization)) {
      for (const Connection* c : directory_.ConnectionsOf(r.organization))
        if (IsSsoConnection(*c)) found.push_back(c);
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
    conn = directory_.ActiveConnectionOfType(*known);
    if (!conn) {
      const int64_t now = NowMsLocked();
      Connection c;
      c.id = ids_.NewId("conn", now);
      c.type = *known;
      c.name = *known;
      c.state = "active";
      c.created_ms = c.updated_ms = now;
      conn = &directory_.AddConnection(std::move(c));
      ChangedLocked();
    }
  }
  if (conn->state != "active")
    return fail("connection_unlinked", "Connection '" + conn->id +
                                           "' is not active (its state is '" + conn->state + "').");

  std::optional<std::string> challenge;
  if (!r.code_challenge.empty()) challenge = r.code_challenge;

  PendingLogin p;  // the request as the IdP sees it (kept while the interactive page waits)
  p.connection_id = conn->id;
  p.redirect_uri = redirect_uri;
  p.state = r.state;
  p.code_challenge = challenge;
  p.nonce = r.nonce;
  p.provider_scopes = r.provider_scopes;
  if (interactive) {
    p.id = ids_.Alphanumeric(32);
    p.expires_ms = SaturatingAdd(NowMsLocked(), SecondsToMs(seed_.code_ttl_seconds));
    pending_logins_.Add(p);
    ChangedLocked();
    NoteExpiryLocked(p.expires_ms, false);
    sign_ins_.RecordOf(*conn, p, NowMsLocked());
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
  } else if (IsPlausibleEmail(r.login_hint)) {
    user.email = r.login_hint;
  } else {
    // A made-up user in a domain the organization admits: the connection's first domain when it
    // is one of the organization's verified domains, else the organization's first.
    std::string org_domain;
    if (conn->organization_id)
      if (const Organization* org = directory_.FindOrganization(*conn->organization_id))
        for (const auto& d : org->domains)
          if (d.state == "verified" && org_domain.empty()) org_domain = d.domain;
    std::string domain;
    if (!conn->domains.empty() &&
        DomainPolicyLocked(*conn, "user@" + conn->domains.front().domain).empty())
      domain = conn->domains.front().domain;
    else if (!org_domain.empty())
      domain = org_domain;
    else if (!conn->domains.empty())
      domain = conn->domains.front().domain;
    else
      domain = !r.domain_hint.empty() ? r.domain_hint : "example.com";
    user.email = "user@" + domain;
  }
  return SignInLocked(*conn, user, p);
}

}  // namespace workos_mock
