// workos-client passwordless | sso | connections | organizations: the WorkOS API.
#include <string>

#include "commands.h"

namespace workos_cli {

namespace {

json SessionJson(const workos::PasswordlessSession& s) { return s.raw; }

// The cursor flags every list command takes (--limit N, --before ID, --after ID, --order
// asc|desc), read into that list's options.
template <typename ListOptions>
void ReadPageFlags(const Parsed& p, ListOptions& o) {
  if (p.has("--limit")) o.limit = ToInt("--limit", p.get("--limit"));
  o.before = p.get("--before");
  o.after = p.get("--after");
  o.order = p.get("--order");
}

}  // namespace

Command PasswordlessCommands() {
  Command create{"create",
                 "create a magic-link session",
                 R"(Usage: workos-client passwordless create --email EMAIL [options]
  POST /passwordless/sessions; prints the session {id, email, expires_at, link}.
Options:
  --email EMAIL            the user's email (required)
  --redirect-uri URI       one of the environment's redirect URIs (default: its default)
  --state STATE            returned verbatim on the redirect
  --connection ID          a connection id instead of routing by the email's domain
  --expires-in SECONDS     how long the link lives
  --idempotency-key KEY    Idempotency-Key (default: a fresh one per call)
)",
                 {{"--email", "--redirect-uri", "--state", "--connection", "--expires-in",
                   "--idempotency-key"},
                  {},
                  0,
                  0},
                 [](const Parsed& p, Context& c) {
                   workos::CreatePasswordlessSessionOptions o;
                   o.email = Require(p, "--email");
                   o.redirect_uri = p.get("--redirect-uri");
                   o.state = p.get("--state");
                   o.connection = p.get("--connection");
                   if (p.has("--expires-in"))
                     o.expires_in = ToInt("--expires-in", p.get("--expires-in"));
                   workos::RequestOptions r;
                   r.idempotency_key = p.get("--idempotency-key");
                   return SessionJson(c.api().passwordless().CreateSession(o, r));
                 },
                 {}};
  Command send{"send",
               "email a session's link",
               R"(Usage: workos-client passwordless send SESSION_ID
  POST /passwordless/sessions/{id}/send; prints {"success": true}.
)",
               {{"--idempotency-key"}, {}, 1, 1},
               [](const Parsed& p, Context& c) {
                 workos::RequestOptions r;
                 r.idempotency_key = p.get("--idempotency-key");
                 bool ok = c.api().passwordless().SendSession(p.positional[0], r);
                 return json{{"success", ok}};
               },
               {}};
  return {"passwordless", "magic-link sessions", "", {}, nullptr, {create, send}};
}

Command SsoCommands() {
  Command url{
      "authorize-url",
      "build the /sso/authorize URL (no request is made)",
      R"(Usage: workos-client sso authorize-url (--provider P | --connection ID | --organization ID)
                                        --redirect-uri URI [options]
  Prints {"url": "..."}. Needs a client id (--client-id or WORKOS_CLIENT_ID).
Options:
  --provider P             GoogleOAuth, MicrosoftOAuth, GitHubOAuth, AppleOAuth, ...
  --connection ID          a connection id
  --organization ID        an organization id
  --domain DOMAIN          deprecated domain selector
  --redirect-uri URI       where to send the user back (required)
  --state STATE            returned verbatim on the redirect
  --login-hint EMAIL       pre-fill the IdP's login
  --domain-hint DOMAIN     hint for the IdP
  --code-challenge C       PKCE challenge (S256)
  --nonce N                nonce
)",
      {{"--provider", "--connection", "--organization", "--domain", "--redirect-uri", "--state",
        "--login-hint", "--domain-hint", "--code-challenge", "--nonce"},
       {},
       0,
       0},
      [](const Parsed& p, Context& c) {
        workos::AuthorizationUrlOptions o;
        o.provider = p.get("--provider");
        o.connection = p.get("--connection");
        o.organization = p.get("--organization");
        o.domain = p.get("--domain");
        if (o.provider.empty() && o.connection.empty() && o.organization.empty() &&
            o.domain.empty()) {
          throw UsageError{"one of --provider, --connection or --organization is required"};
        }
        o.redirect_uri = Require(p, "--redirect-uri");
        o.state = p.get("--state");
        o.login_hint = p.get("--login-hint");
        o.domain_hint = p.get("--domain-hint");
        o.code_challenge = p.get("--code-challenge");
        o.nonce = p.get("--nonce");
        return json{{"url", c.api().sso().GetAuthorizationUrl(o)}};
      },
      {}};
  Command token{
      "token",
      "exchange an authorization code for a profile and token",
      R"(Usage: workos-client sso token --code CODE [--code-verifier V]
  POST /sso/token; prints {token_type, access_token, expires_in, profile}.
)",
      {{"--code", "--code-verifier"}, {}, 0, 0},
      [](const Parsed& p, Context& c) {
        return c.api().sso().GetProfileAndToken(Require(p, "--code"), p.get("--code-verifier")).raw;
      },
      {}};
  Command profile{"profile",
                  "the profile behind an access token",
                  R"(Usage: workos-client sso profile --access-token TOKEN
  GET /sso/profile with the access token as Bearer; prints the profile.
)",
                  {{"--access-token"}, {}, 0, 0},
                  [](const Parsed& p, Context& c) {
                    return c.api().sso().GetProfile(Require(p, "--access-token")).raw;
                  },
                  {}};
  return {"sso", "single sign-on", "", {}, nullptr, {url, token, profile}};
}

Command ConnectionsCommands() {
  Command list{"list",
               "list connections",
               R"(Usage: workos-client connections list [options]
Options:
  --connection-type T  --domain D  --organization-id ID
  --limit N  --before ID  --after ID  --order asc|desc
)",
               {{"--connection-type", "--domain", "--organization-id", "--limit", "--before",
                 "--after", "--order"},
                {},
                0,
                0},
               [](const Parsed& p, Context& c) {
                 workos::ListConnectionsOptions o;
                 o.connection_type = p.get("--connection-type");
                 o.domain = p.get("--domain");
                 o.organization_id = p.get("--organization-id");
                 ReadPageFlags(p, o);
                 return c.api().connections().List(o).raw;
               },
               {}};
  Command get{
      "get",
      "get a connection",
      "Usage: workos-client connections get ID\n",
      {{}, {}, 1, 1},
      [](const Parsed& p, Context& c) { return c.api().connections().Get(p.positional[0]).raw; },
      {}};
  Command del{
      "delete",
      "delete a connection",
      "Usage: workos-client connections delete ID\n  Prints {\"id\": ID, \"deleted\": true}.\n",
      {{}, {}, 1, 1},
      [](const Parsed& p, Context& c) {
        c.api().connections().Delete(p.positional[0]);
        return json{{"object", "connection"}, {"id", p.positional[0]}, {"deleted", true}};
      },
      {}};
  return {"connections", "SSO connections", "", {}, nullptr, {list, get, del}};
}

Command OrganizationsCommands() {
  Command list{"list",
               "list organizations",
               R"(Usage: workos-client organizations list [options]
Options:
  --domain D (repeatable)  --limit N  --before ID  --after ID  --order asc|desc
)",
               {{"--domain", "--limit", "--before", "--after", "--order"}, {}, 0, 0},
               [](const Parsed& p, Context& c) {
                 workos::ListOrganizationsOptions o;
                 o.domains = p.all("--domain");
                 ReadPageFlags(p, o);
                 return c.api().organizations().List(o).raw;
               },
               {}};
  Command get{
      "get",
      "get an organization",
      "Usage: workos-client organizations get ID\n",
      {{}, {}, 1, 1},
      [](const Parsed& p, Context& c) { return c.api().organizations().Get(p.positional[0]).raw; },
      {}};
  return {"organizations", "organizations", "", {}, nullptr, {list, get}};
}

}  // namespace workos_cli
