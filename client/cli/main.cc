// workos-client: the CLI over workos::Client. JSON on stdout, errors on stderr.
// Exit codes: 0 ok, 1 API error, 2 usage or configuration error, 3 network/transport error.
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golive/golive.h"
#include "workos/workos.h"

namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitApi = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNetwork = 3;

// Where `workos-client mock ...` looks when no base URL is given: workos-mock's default address.
constexpr const char* kMockBaseUrl = "http://127.0.0.1:4400";

struct UsageError {
  std::string message;
};

const char* kGlobalHelp = R"(Global options (anywhere on the command line):
  --base-url URL      API base URL (env WORKOS_BASE_URL, default https://api.workos.com;
                      for the `mock` commands http://127.0.0.1:4400)
  --api-key KEY       API key (env WORKOS_API_KEY; prefer the variable: flags show in `ps`)
  --client-id ID      client id (env WORKOS_CLIENT_ID)
  --ca-file PEM       trust this CA bundle (e.g. the mock's self-signed certificate);
                      TLS verification is always on
  --timeout SECONDS   per-request timeout (default 30)
  --retries N         retries for retryable failures (default 3)
  --verbose           log each HTTP attempt to stderr (never the API key)
  -h, --help          help for the command at hand
)";

const char* kExitHelp = R"(Output: JSON on stdout. Errors on stderr.
Exit codes: 0 ok, 1 API error, 2 usage/configuration error, 3 network error.
`golive` exits 0 when no check failed, 1 when one did, 2 on a usage error.
)";

// ---------------------------------------------------------------- argument parsing

struct Parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> switches;

  bool has(const std::string& f) const { return values.count(f) || switches.count(f); }
  std::string get(const std::string& f, const std::string& def = "") const {
    auto it = values.find(f);
    return it == values.end() || it->second.empty() ? def : it->second.back();
  }
  std::vector<std::string> all(const std::string& f) const {
    auto it = values.find(f);
    return it == values.end() ? std::vector<std::string>{} : it->second;
  }
};

struct Spec {
  std::set<std::string> value_flags;   // --flag VALUE (repeatable; last wins for get())
  std::set<std::string> switch_flags;  // --flag
  size_t min_positional = 0;
  size_t max_positional = 0;
};

Parsed Parse(const std::vector<std::string>& args, const Spec& spec) {
  Parsed p;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a, value;
      bool inline_value = false;
      size_t eq = a.find('=');
      if (eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (spec.value_flags.count(name)) {
        if (!inline_value) {
          if (i + 1 >= args.size()) throw UsageError{name + " needs a value"};
          value = args[++i];
        }
        p.values[name].push_back(value);
      } else if (spec.switch_flags.count(name) && !inline_value) {
        p.switches.insert(name);
      } else {
        throw UsageError{"unknown option " + name};
      }
    } else {
      p.positional.push_back(a);
    }
  }
  if (p.positional.size() < spec.min_positional) throw UsageError{"missing argument"};
  if (p.positional.size() > spec.max_positional) {
    throw UsageError{"unexpected argument '" + p.positional[spec.max_positional] + "'"};
  }
  return p;
}

int ToInt(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used != v.size() || n < INT32_MIN || n > INT32_MAX) throw std::invalid_argument(v);
    return static_cast<int>(n);
  } catch (const std::exception&) {
    throw UsageError{flag + " must be an integer (got '" + v + "')"};
  }
}

std::string Require(const Parsed& p, const std::string& flag) {
  std::string v = p.get(flag);
  if (v.empty()) throw UsageError{flag + " is required"};
  return v;
}

// ---------------------------------------------------------------- commands

struct Context {
  workos::Config config;
  std::unique_ptr<workos::Client> client;
  workos::Client& api() {
    if (!client) client = std::make_unique<workos::Client>(config);
    return *client;
  }
};

struct Command {
  std::string name;
  std::string summary;
  std::string usage;  // full help for leaves ("workos-client ..." lines and options)
  Spec spec;
  std::function<json(const Parsed&, Context&)> run;  // leaves only
  std::vector<Command> children;
};

json SessionJson(const workos::PasswordlessSession& s) { return s.raw; }

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
                 if (p.has("--limit")) o.limit = ToInt("--limit", p.get("--limit"));
                 o.before = p.get("--before");
                 o.after = p.get("--after");
                 o.order = p.get("--order");
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
                 if (p.has("--limit")) o.limit = ToInt("--limit", p.get("--limit"));
                 o.before = p.get("--before");
                 o.after = p.get("--after");
                 o.order = p.get("--order");
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

json ListJson(const json& items) { return json{{"object", "list"}, {"data", items}}; }

template <typename T>
json RawList(const std::vector<T>& v) {
  json a = json::array();
  for (const T& x : v) a.push_back(x.raw);
  return ListJson(a);
}

Command MockCommands() {
  Command env_create{"create",
                     "create an isolated environment (prints its api_key and client_id)",
                     R"(Usage: workos-client mock env create [--kind staging|production]
                                   [--redirect-uri URI]... [--name NAME]
  POST /_mock/environments (no API key needed). Prints the new environment, including
  its own api_key: use it as WORKOS_API_KEY for that environment.
)",
                     {{"--kind", "--redirect-uri", "--name"}, {}, 0, 0},
                     [](const Parsed& p, Context& c) {
                       workos::CreateEnvironmentOptions o;
                       o.kind = p.get("--kind");
                       o.redirect_uris = p.all("--redirect-uri");
                       o.name = p.get("--name");
                       return c.api().mock().CreateEnvironment(o).raw;
                     },
                     {}};
  Command env_delete{"delete",
                     "drop an environment",
                     "Usage: workos-client mock env delete NAME\n",
                     {{}, {}, 1, 1},
                     [](const Parsed& p, Context& c) {
                       c.api().mock().DeleteEnvironment(p.positional[0]);
                       return json{{"name", p.positional[0]}, {"deleted", true}};
                     },
                     {}};
  Command env{"env", "environments", "", {}, nullptr, {env_create, env_delete}};

  Command reset{"reset",
                "reset the environment to its seed",
                "Usage: workos-client mock reset\n",
                {},
                [](const Parsed&, Context& c) {
                  c.api().mock().Reset();
                  return json{{"success", true}};
                },
                {}};

  Command clock_get{"get",
                    "the environment's clock",
                    "Usage: workos-client mock clock get\n",
                    {},
                    [](const Parsed&, Context& c) { return c.api().mock().GetClock().raw; },
                    {}};
  Command clock_adv{"advance",
                    "move the environment's clock forward",
                    "Usage: workos-client mock clock advance SECONDS\n",
                    {{}, {}, 1, 1},
                    [](const Parsed& p, Context& c) {
                      return c.api().mock().AdvanceClock(ToInt("SECONDS", p.positional[0])).raw;
                    },
                    {}};
  Command clock{"clock", "the environment's clock", "", {}, nullptr, {clock_get, clock_adv}};

  Command outbox_list{"list",
                      "sent emails, newest first",
                      "Usage: workos-client mock outbox list [--email EMAIL]\n",
                      {{"--email"}, {}, 0, 0},
                      [](const Parsed& p, Context& c) {
                        return RawList(c.api().mock().ListOutbox(p.get("--email")));
                      },
                      {}};
  Command outbox_latest{"latest",
                        "the newest email to an address (exit 1 when none)",
                        R"(Usage: workos-client mock outbox latest --email EMAIL [--wait SECONDS]
  With --wait, waits up to SECONDS for one to arrive. None: exit 1 (404).
)",
                        {{"--email", "--wait"}, {}, 0, 0},
                        [](const Parsed& p, Context& c) -> json {
                          int wait = p.has("--wait") ? ToInt("--wait", p.get("--wait")) : 0;
                          std::string email = Require(p, "--email");
                          // Straight through the transport, so a 404 keeps the server's
                          // message and request id.
                          workos::QueryParams q = {{"email", email}};
                          workos::RequestOptions r;
                          if (wait > 0) {
                            q.emplace_back("wait", std::to_string(wait));
                            r.timeout = c.config.request_timeout + std::chrono::seconds(wait);
                          }
                          return c.api().mock().transport().SendJson("GET", "/_mock/outbox/latest",
                                                                     nullptr, q, r);
                        },
                        {}};
  Command outbox{"outbox", "emails the environment sent", "", {},
                 nullptr,  {outbox_list, outbox_latest}};

  Command faults_add{"add",
                     "inject a fault",
                     R"(Usage: workos-client mock faults add --method M --path P [options]
  The next matching request(s) (same method, exact path) get the fault instead.
Options:
  --method M                HTTP method to match (required)
  --path P                  exact path to match (required), e.g. /connections
  --status N                status to answer with
  --body JSON               body to answer with (JSON)
  --header 'Name: value'    header to answer with (repeatable), e.g. 'Retry-After: 1'
  --delay-ms N              wait this long first
  --times N                 fire this many times (default 1)
  --action respond|close    answer, or close the connection (default respond)
)",
                     {{"--method", "--path", "--status", "--body", "--header", "--delay-ms",
                       "--times", "--action"},
                      {},
                      0,
                      0},
                     [](const Parsed& p, Context& c) {
                       workos::FaultSpec s;
                       s.method = Require(p, "--method");
                       s.path = Require(p, "--path");
                       if (p.has("--status")) s.status = ToInt("--status", p.get("--status"));
                       if (p.has("--body")) {
                         s.body = json::parse(p.get("--body"), nullptr, false);
                         if (s.body.is_discarded()) throw UsageError{"--body must be JSON"};
                       }
                       for (const std::string& h : p.all("--header")) {
                         size_t colon = h.find(':');
                         if (colon == std::string::npos) {
                           throw UsageError{"--header must look like 'Name: value'"};
                         }
                         std::string v = h.substr(colon + 1);
                         while (!v.empty() && v.front() == ' ') v.erase(0, 1);
                         s.headers[h.substr(0, colon)] = v;
                       }
                       if (p.has("--delay-ms"))
                         s.delay_ms = ToInt("--delay-ms", p.get("--delay-ms"));
                       if (p.has("--times")) s.times = ToInt("--times", p.get("--times"));
                       s.action = p.get("--action", "respond");
                       return c.api().mock().AddFault(s).raw;
                     },
                     {}};
  Command faults_list{
      "list",
      "pending faults",
      "Usage: workos-client mock faults list\n",
      {},
      [](const Parsed&, Context& c) { return RawList(c.api().mock().ListFaults()); },
      {}};
  Command faults_clear{"clear",
                       "remove all faults",
                       "Usage: workos-client mock faults clear\n",
                       {},
                       [](const Parsed&, Context& c) {
                         c.api().mock().ClearFaults();
                         return json{{"success", true}};
                       },
                       {}};
  Command faults{"faults", "fault injection", "",
                 {},       nullptr,           {faults_add, faults_list, faults_clear}};

  Command req_list{"list",
                   "the request journal, newest first (secrets redacted)",
                   "Usage: workos-client mock requests list\n",
                   {},
                   [](const Parsed&, Context& c) { return RawList(c.api().mock().ListRequests()); },
                   {}};
  Command req_clear{"clear",
                    "empty the request journal",
                    "Usage: workos-client mock requests clear\n",
                    {},
                    [](const Parsed&, Context& c) {
                      c.api().mock().ClearRequests();
                      return json{{"success", true}};
                    },
                    {}};
  Command requests{"requests", "the request journal", "", {}, nullptr, {req_list, req_clear}};

  Command ru_set{
      "set",
      "replace the redirect-URI allow-list (the first is the default)",
      "Usage: workos-client mock redirect-uris set URI...\n",
      {{}, {}, 1, 100},
      [](const Parsed& p, Context& c) { return c.api().mock().SetRedirectUris(p.positional).raw; },
      {}};
  Command redirect_uris{"redirect-uris", "the environment's redirect URIs", "", {}, nullptr,
                        {ru_set}};

  Command scanner_set{
      "set",
      "configure the email-scanner simulation",
      R"(Usage: workos-client mock scanner set --mode off|prefetch|prefetch_follow|head
                                    [--allow DOMAIN]... [--delay-ms N]
)",
      {{"--mode", "--allow", "--delay-ms"}, {}, 0, 0},
      [](const Parsed& p, Context& c) {
        workos::ScannerSettings s;
        s.mode = Require(p, "--mode");
        s.allowlist = p.all("--allow");
        if (p.has("--delay-ms")) s.delay_ms = ToInt("--delay-ms", p.get("--delay-ms"));
        return c.api().mock().SetScanner(s);
      },
      {}};
  Command scanner{"scanner", "email-scanner simulation", "", {}, nullptr, {scanner_set}};

  Command session{"session",
                  "a passwordless session's lifecycle (state, visits, code)",
                  "Usage: workos-client mock session SESSION_ID\n",
                  {{}, {}, 1, 1},
                  [](const Parsed& p, Context& c) {
                    return c.api().mock().GetPasswordlessSession(p.positional[0]);
                  },
                  {}};

  Command state_get{"get",
                    "export the environment as JSON",
                    "Usage: workos-client mock state get\n",
                    {},
                    [](const Parsed&, Context& c) { return c.api().mock().GetState(); },
                    {}};
  Command state_put{"put",
                    "import an environment from a JSON file ('-' for stdin)",
                    "Usage: workos-client mock state put FILE\n",
                    {{}, {}, 1, 1},
                    [](const Parsed& p, Context& c) {
                      std::string text;
                      if (p.positional[0] == "-") {
                        text.assign(std::istreambuf_iterator<char>(std::cin), {});
                      } else {
                        std::ifstream in(p.positional[0]);
                        if (!in) throw UsageError{"cannot read " + p.positional[0]};
                        text.assign(std::istreambuf_iterator<char>(in), {});
                      }
                      json state = json::parse(text, nullptr, false);
                      if (state.is_discarded()) throw UsageError{p.positional[0] + " is not JSON"};
                      return c.api().mock().PutState(state);
                    },
                    {}};
  Command state{"state", "export/import the environment", "", {}, nullptr, {state_get, state_put}};

  return {"mock",
          "the workos-mock control plane (scoped to the API key's environment)",
          "",
          {},
          nullptr,
          {env, reset, clock, outbox, faults, requests, redirect_uris, scanner, session, state}};
}

const char* kGoliveUsage = R"(Usage: workos-client golive [options]
  The go-live checklist for CI: redirect URIs, the API key, the client id, no committed secrets,
  the app receiving redirects (a real magic-link flow through workos-mock) and surviving the error
  redirects (a used link, an expired link, an SSO error) and, with --live, the key against the
  live API. Prints a table; exit 0 only when no check failed (1 otherwise).
Options:
  --redirect-uri URI      a redirect URI for the target environment (repeatable; env
                          WORKOS_REDIRECT_URI, several separated by commas or spaces)
  --kind KIND             production (default) or staging
  --api-key-env NAME      the variable holding the key to check (default WORKOS_API_KEY);
                          the key itself is never printed
  --client-id-env NAME    the variable holding the client id (default WORKOS_CLIENT_ID)
  --repo PATH             the git checkout to scan for committed keys (default .)
  --allow-file FILE       allowed test keys (default PATH/.golive-allow)
  --history-commits N     newest commits of `git log --all` to scan (default 1000; 0: none)
  --callback-url URL      the app's callback, with the app running against the mock
  --mock-url URL          workos-mock's base URL (default WORKOS_BASE_URL)
  --mock-api-key-env NAME the variable with the key of the mock environment the app uses
                          (default WORKOS_MOCK_API_KEY, falling back to WORKOS_API_KEY)
  --email EMAIL           recipient of the test magic link (default golive-check@example.com)
  --exchange-timeout S    how long to wait for the app's POST /sso/token (default 10)
  --no-error-redirects    skip app.handles_error_redirects (after the sign-in, the callback gets
                          a used link, an expired link and an SSO error; this moves the mock
                          environment's clock forward)
  --junit FILE            also write a JUnit XML report
  --live                  also GET https://api.workos.com/connections?limit=1 with the key
)";

Command GoliveCommand() {
  // Runs through RunGolive (its own output and exit code), not through `run`.
  return {"golive",
          "the go-live checklist for CI (table + JUnit, exit 1 on any failure)",
          kGoliveUsage,
          {{"--redirect-uri", "--kind", "--api-key-env", "--client-id-env", "--repo",
            "--allow-file", "--history-commits", "--callback-url", "--mock-url",
            "--mock-api-key-env", "--email", "--exchange-timeout", "--junit"},
           {"--live", "--no-error-redirects"},
           0,
           0},
          nullptr,
          {}};
}

std::optional<std::string> Env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// Flags and variables → the checklist's options; prints the table; writes the JUnit file.
int RunGolive(const Parsed& p, const workos::Config& config) {
  namespace g = workos::golive;
  g::ChecklistOptions o;
  if (!g::ParseKind(p.get("--kind", "production"), &o.kind)) {
    throw UsageError{"--kind must be production or staging"};
  }
  for (const std::string& u : p.all("--redirect-uri")) o.redirect_uris.push_back(u);
  if (o.redirect_uris.empty())
    o.redirect_uris = g::SplitUriList(Env("WORKOS_REDIRECT_URI").value_or(""));
  o.api_key_variable = p.get("--api-key-env", "WORKOS_API_KEY");
  o.api_key = Env(o.api_key_variable);
  o.client_id_variable = p.get("--client-id-env", "WORKOS_CLIENT_ID");
  o.client_id = Env(o.client_id_variable);
  o.repo.repo = p.get("--repo", ".");
  o.repo.allow_file = p.get("--allow-file");
  if (p.has("--history-commits")) {
    o.repo.history_commits = ToInt("--history-commits", p.get("--history-commits"));
    if (o.repo.history_commits < 0) throw UsageError{"--history-commits must be >= 0"};
  }
  o.app.callback_url = p.get("--callback-url");
  o.app.mock_url = p.get("--mock-url");
  if (o.app.mock_url.empty() && config.base_url != workos::kDefaultBaseUrl) {
    o.app.mock_url = config.base_url;  // WORKOS_BASE_URL or --base-url
  }
  while (!o.app.mock_url.empty() && o.app.mock_url.back() == '/') o.app.mock_url.pop_back();
  const std::string mock_key_env = p.get("--mock-api-key-env", "WORKOS_MOCK_API_KEY");
  o.app.mock_api_key = Env(mock_key_env).value_or("");
  if (o.app.mock_api_key.empty()) o.app.mock_api_key = Env("WORKOS_API_KEY").value_or("");
  if (p.has("--email")) o.app.email = p.get("--email");
  if (p.has("--exchange-timeout")) {
    int s = ToInt("--exchange-timeout", p.get("--exchange-timeout"));
    if (s <= 0) throw UsageError{"--exchange-timeout must be a positive number of seconds"};
    o.app.exchange_timeout = std::chrono::seconds(s);
  }
  o.app.error_redirects = !p.has("--no-error-redirects");
  o.app.base = config;
  o.app.base.logger = nullptr;
  o.live = p.has("--live");

  g::Report report = g::RunChecklist(o);
  std::cout << "workos-client golive: " << g::KindName(o.kind) << " checklist\n\n"
            << g::RenderTable(report);
  const std::string junit = p.get("--junit");
  if (!junit.empty()) {
    std::ofstream out(junit, std::ios::binary | std::ios::trunc);
    out << g::RenderJUnit(report);
    out.close();
    if (!out) {
      std::cerr << "workos-client: cannot write " << junit << "\n";
      return kExitUsage;
    }
  }
  return report.ok() ? kExitOk : kExitApi;
}

Command Root() {
  return {"workos-client",
          "the WorkOS API (and the workos-mock control plane) from the command line",
          "",
          {},
          nullptr,
          {PasswordlessCommands(), SsoCommands(), ConnectionsCommands(), OrganizationsCommands(),
           MockCommands(), GoliveCommand()}};
}

std::string GroupHelp(const Command& c, const std::string& path) {
  std::ostringstream out;
  out << "Usage: " << path << " <command> [options]\n";
  if (!c.summary.empty()) out << "  " << c.summary << "\n";
  out << "Commands:\n";
  for (const Command& child : c.children) {
    out << "  " << child.name
        << std::string(child.name.size() < 16 ? 16 - child.name.size() : 1, ' ') << child.summary
        << "\n";
  }
  out << "Run '" << path << " <command> --help' for more.\n";
  return out.str();
}

std::string Replace(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;
  for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "[REDACTED]");
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  workos::Config config = workos::Config::FromEnv();
  std::vector<std::string> rest;
  bool help = false;
  bool verbose = false;
  bool base_url_flag = false;
  auto usage_fail = [&](const std::string& msg, const std::string& hint) {
    std::cerr << "workos-client: " << Replace(msg, config.api_key) << "\n";
    if (!hint.empty()) std::cerr << "Run '" << hint << " --help' for usage.\n";
    return kExitUsage;
  };

  // Global options first, from anywhere on the line.
  static const std::set<std::string> kGlobalValue = {"--base-url", "--api-key", "--client-id",
                                                     "--ca-file",  "--timeout", "--retries"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string name = a, value;
    bool inline_value = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else if (a == "--version") {
      std::cout << "workos-client " << workos::kVersion << "\n";
      return kExitOk;
    } else if (kGlobalValue.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) return usage_fail(name + " needs a value", "workos-client");
        value = argv[++i];
      }
      if (name == "--base-url") {
        config.base_url = value;
        base_url_flag = true;
      }
      if (name == "--api-key") config.api_key = value;
      if (name == "--client-id") config.client_id = value;
      if (name == "--ca-file") config.ca_file = value;
      if (name == "--timeout") {
        char* end = nullptr;
        double secs = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end || !(secs > 0)) {
          return usage_fail("--timeout must be a positive number of seconds", "workos-client");
        }
        config.request_timeout = std::chrono::milliseconds(static_cast<long long>(secs * 1000));
        config.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
      }
      if (name == "--retries") {
        try {
          config.retry.max_retries = ToInt("--retries", value);
        } catch (const UsageError& e) {
          return usage_fail(e.message, "workos-client");
        }
      }
    } else {
      rest.push_back(a);
    }
  }
  if (verbose) config.logger = [](const std::string& line) { std::cerr << line << "\n"; };

  // Walk the command tree.
  Command root = Root();
  const Command* node = &root;
  std::string path = "workos-client";
  size_t i = 0;
  while (!node->children.empty()) {
    if (i >= rest.size() || rest[i].rfind("-", 0) == 0) {
      if (help) {
        std::cout << GroupHelp(*node, path);
        if (node == &root) std::cout << "\n" << kGlobalHelp << "\n" << kExitHelp;
        return kExitOk;
      }
      if (i < rest.size()) return usage_fail("unknown option " + rest[i], path);
      std::cerr << GroupHelp(*node, path);
      return kExitUsage;
    }
    const Command* next = nullptr;
    for (const Command& child : node->children) {
      if (child.name == rest[i]) next = &child;
    }
    if (!next) return usage_fail("unknown command '" + rest[i] + "'", path);
    node = next;
    path += " " + rest[i];
    ++i;
  }
  if (help) {
    std::cout << node->usage << "\n" << kGlobalHelp;
    return kExitOk;
  }

  // The control plane exists only on workos-mock: its verbs default to a local mock and never
  // go to the live API.
  if (path.rfind("workos-client mock", 0) == 0) {
    const bool base_given = base_url_flag || std::getenv("WORKOS_BASE_URL") != nullptr;
    if (!base_given) {
      config.base_url = kMockBaseUrl;
    } else if (config.base_url.find("api.workos.com") != std::string::npos) {
      return usage_fail("'" + path + "' talks to workos-mock's control plane, which " +
                            config.base_url +
                            " does not have: point --base-url (or WORKOS_BASE_URL) at the "
                            "mock, e.g. " +
                            kMockBaseUrl,
                        path);
    }
  }

  Context ctx{config, nullptr};
  try {
    Parsed parsed = Parse(std::vector<std::string>(rest.begin() + i, rest.end()), node->spec);
    if (node->name == "golive") {
      // Its own table and exit code; the checks scrub every key out of their texts.
      return RunGolive(parsed, config);
    }
    json out = node->run(parsed, ctx);
    std::cout << Replace(out.dump(2), config.api_key) << "\n";
    return kExitOk;
  } catch (const UsageError& e) {
    return usage_fail(e.message, path);
  } catch (const workos::ConfigError& e) {
    std::cerr << "workos-client: " << Replace(e.what(), config.api_key) << "\n";
    return kExitUsage;
  } catch (const workos::ApiError& e) {
    std::cerr << "workos-client: API error: " << Replace(e.what(), config.api_key) << "\n";
    std::cerr << Replace(e.ToJson().dump(), config.api_key) << "\n";
    return kExitApi;
  } catch (const workos::TransportError& e) {
    std::cerr << "workos-client: network error: " << Replace(e.what(), config.api_key) << "\n";
    return kExitNetwork;
  } catch (const std::exception& e) {
    // A reply we could not understand (not JSON, wrong shape).
    std::cerr << "workos-client: error: " << Replace(e.what(), config.api_key) << "\n";
    return kExitApi;
  }
}
