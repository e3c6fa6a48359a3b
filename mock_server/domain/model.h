// Plain data for everything an environment owns. No behaviour here: rules live in Environment.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/redirect_uri.h"

namespace workos_mock {

struct Domain {
  std::string id;  // org_domain_... (production uses this prefix for connection domains too)
  std::string domain;
  // An organization's domain: "verified" or "pending" (only verified ones admit SSO profiles).
  std::string state = "verified";
};

struct Organization {
  std::string id;
  std::string name;
  std::vector<Domain> domains;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // Off (live's default): a sign-in through one of its connections whose email is outside its
  // verified domains ends with profile_not_allowed_outside_organization.
  bool allow_profiles_outside_organization = false;
};

// A user the mock IdP of a connection signs in.
struct IdpUser {
  std::string email;
  std::optional<std::string> first_name, last_name;
  std::string idp_id;  // empty: derived from the email
  std::vector<std::string> groups;
  std::vector<std::string> roles;                        // role slugs; the first is `role`
  std::map<std::string, std::string> custom_attributes;  // the connection's attribute mappings
  // "": the IdP signs the user in. Else how every sign-in as this user ends, one of
  // SignInOutcomes() (domain/sso.h), e.g. "access_denied".
  std::string outcome;
};

struct Connection {
  std::string id;
  std::optional<std::string> organization_id;
  std::string type;  // "MagicLink", "GoogleOAuth", "OktaSAML", ...
  std::string name;
  std::string state = "active";
  std::vector<Domain> domains;
  std::vector<IdpUser> users;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct Profile {
  std::string id;
  std::optional<std::string> organization_id;
  std::string connection_id;
  std::string connection_type;
  std::string idp_id;
  std::string email;
  std::optional<std::string> first_name, last_name;
  std::vector<std::string> groups;
  std::vector<std::string> roles;
  std::map<std::string, std::string> custom_attributes;
};

// One visit of a magic link, by a person, a scanner or a test.
struct LinkVisit {
  int64_t at_ms = 0;
  std::string method;
  std::string user_agent;
  std::string outcome;  // "redirected", "used", "expired", "head"
};

struct PasswordlessSession {
  std::string id;
  std::string email;
  std::string redirect_uri;
  std::optional<std::string> state;
  std::string connection_id;
  std::string token;  // the secret path segment of the link
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
  int sends = 0;
  bool used = false;
  std::string code;  // the authorization code its first visit yielded
  // The first kMaxVisits visits and the consuming one (domain/limits.h); the others are counted.
  std::vector<LinkVisit> visits;
  int64_t visits_omitted = 0;
};

struct AuthorizationCode {
  std::string code;
  std::string profile_id;
  std::string connection_id;
  std::string redirect_uri;
  std::string session_id;                     // empty for SSO logins
  std::optional<std::string> code_challenge;  // PKCE S256 challenge, base64url
  std::vector<std::string> provider_scopes;   // asked for at /sso/authorize (oauth_tokens)
  int64_t expires_ms = 0;
  bool used = false;
};

struct AccessToken {
  std::string token;
  std::string profile_id;
  int64_t expires_ms = 0;
};

// What the simulated email security scanner (Safe Links & co.) does when an email is sent.
struct ScannerSettings {
  std::string mode = "off";            // off | prefetch | prefetch_follow | head
  std::vector<std::string> allowlist;  // recipient domains or addresses it skips (lower case)
  int64_t delay_ms = 0;                // real time between the send and the scan
};

// The User-Agent of the simulated scanner's visits; a first consuming visit with it makes the
// session "scanned" instead of "confirmed".
inline constexpr const char* kScannerUserAgent =
    "Mozilla/5.0 (compatible; workos-mock-scanner/1.0; +safe-links simulation)";

// What the scanner did with one email.
struct ScanResult {
  int64_t visited_ms = 0;  // 0: it visited nothing (skipped)
  std::string mode;
  // consumed | followed | head_only | skipped_allowlisted | not_consumed | failed
  std::string outcome;
  std::string detail;  // e.g. "the callback answered 200", or why it failed
};

// The SMTP delivery of one email (only with an SMTP URL).
struct DeliveryResult {
  std::string status;  // sent | failed
  std::string error;   // failed: what went wrong
  int64_t at_ms = 0;
};

struct Email {
  std::string id;
  std::string to;
  std::string from;
  std::string subject;
  std::string text;
  std::string html;
  std::string link;
  std::string session_id;
  int64_t sent_ms = 0;
  std::optional<ScanResult> scanner;       // null: the scanner is off
  std::optional<DeliveryResult> delivery;  // null: no SMTP URL
};

struct RedirectUriEntry {
  std::string uri;
  bool is_default = false;
};

// Behaviours where the live API's choice is undocumented or a test may want the other one
// (config keys of the same names, GET/PUT /_mock/settings; docs/control-plane.md).
struct EnvironmentSettings {
  // Replay the first answer to a POST repeated with the same Idempotency-Key. Off: like live,
  // which accepts the header on these endpoints and does not deduplicate (CONTRACT.md).
  bool idempotent_replay = false;
  // A HEAD on a magic link consumes it like a GET (the live stack runs GET handlers for HEAD).
  // Off: a HEAD-safe server that answers HEAD without using the link.
  bool head_consumes_links = true;
};

// The seed of an environment: what a config file or POST /_mock/environments describes.
struct EnvironmentConfig {
  std::string name;
  EnvironmentKind kind = EnvironmentKind::kStaging;
  std::vector<std::string> api_keys;
  std::string client_id;
  std::vector<RedirectUriEntry> redirect_uris;
  bool allow_wildcard_redirect_uris = false;
  int64_t link_ttl_seconds = 900;  // product guide: links expire after 15 minutes
  int64_t code_ttl_seconds = 600;  // product guide: codes expire after 10 minutes
  int64_t access_token_ttl_seconds = 600;
  // Expired sessions, codes and tokens are dropped this long after they expire (the control plane
  // can show a recently expired session until then).
  int64_t sweep_after_seconds = 3600;
  // The most sessions, codes, access tokens and pending sign-ins (each) the environment stores,
  // swept or not; creating beyond it answers 429. Raise it for long load tests.
  int64_t max_stored = 100000;
  // The request journal (GET /_mock/requests) keeps the newest entries up to this many bytes of
  // captured request data (and at most 2,000 entries).
  int64_t journal_max_bytes = 4 << 20;
  int64_t expires_in_min = 900;  // decided: 900..86400 (newest SDK docs), see CONTRACT.md
  int64_t expires_in_max = 86400;
  std::string app_name = "workos-mock";
  std::string email_from = "WorkOS <no-reply@workos-mock.dev>";
  // The mock IdP shows a page to pick or type the user instead of signing in straight away.
  bool interactive_idp = false;
  ScannerSettings scanner;
  EnvironmentSettings settings;  // config keys idempotent_replay, head_consumes_links
  std::string smtp_url;          // "": the server's --smtp-url, if any
  // Deterministic mode (config keys seed and start_time, or the server's --seed/--start-time):
  // every id, token and code comes from streams seeded with random_seed and this environment's
  // name; the clock starts at start_time_ms and moves only by POST /_mock/clock/advance.
  std::optional<uint64_t> random_seed;
  std::optional<int64_t> start_time_ms;
  std::vector<Organization> organizations;
  std::vector<Connection> connections;
};

const char* KindName(EnvironmentKind kind);

}  // namespace workos_mock
