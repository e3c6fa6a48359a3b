// workos-client golive: flags and variables onto the go-live checklist (golive/golive.h); prints
// the table, writes the JUnit file, exits 0 when no check failed and 1 when one did.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "commands.h"
#include "golive/golive.h"

namespace workos_cli {

namespace {

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

std::optional<std::string> Env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// Flags and variables → the checklist's options; prints the table; writes the JUnit file.
int RunGolive(const Parsed& p, Context& c) {
  const workos::Config& config = c.config;
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

}  // namespace

Command GoliveCommand() {
  // RunGolive prints its own table and returns its own exit code.
  return {"golive",
          "the go-live checklist for CI (table + JUnit, exit 1 on any failure)",
          kGoliveUsage,
          {{"--redirect-uri", "--kind", "--api-key-env", "--client-id-env", "--repo",
            "--allow-file", "--history-commits", "--callback-url", "--mock-url",
            "--mock-api-key-env", "--email", "--exchange-timeout", "--junit"},
           {"--live", "--no-error-redirects"},
           0,
           0},
          RunGolive,
          {}};
}

}  // namespace workos_cli
