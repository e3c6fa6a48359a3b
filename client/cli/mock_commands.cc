// workos-client mock ...: the workos-mock control plane (scoped to the API key's environment).
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"

namespace workos_cli {

namespace {

json ListJson(const json& items) { return json{{"object", "list"}, {"data", items}}; }

template <typename T>
json RawList(const std::vector<T>& v) {
  json a = json::array();
  for (const T& x : v) a.push_back(x.raw);
  return ListJson(a);
}

}  // namespace

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

}  // namespace workos_cli
