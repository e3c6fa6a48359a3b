// The go-live checklist (`workos-client golive`): WorkOS's "Go live checklist" as checks a CI job
// can run before launch. Each check has an id, a status and a one-line reason that says how to
// fix it; a report renders as a human table and as JUnit XML.
//
// The checks are pure functions of their inputs where they can be (redirect URIs, API key, client
// id, text scanning); the repository scan runs git, and the redirect check drives a magic-link
// flow through workos-mock to the app. No function here ever puts an API key into a reason.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "workos/config.h"

namespace workos {
namespace golive {

// kWarn is advice beyond the live API's rules (e.g. a production redirect URI on a private
// address, which WorkOS accepts): shown, never a failure.
enum class Status { kPass, kFail, kSkip, kWarn };
const char* StatusName(Status s);  // "PASS", "FAIL", "SKIP", "WARN"

struct CheckResult {
  std::string id;       // e.g. "redirect_uri.https"
  std::string subject;  // what was checked (a URI, a variable name, a path), may be empty
  Status status = Status::kPass;
  std::string reason;                // one line; for failures: how to fix it
  std::vector<std::string> details;  // more lines (findings), shown under the table and in JUnit
  double seconds = 0;
};

CheckResult Pass(std::string id, std::string subject, std::string reason);
CheckResult Fail(std::string id, std::string subject, std::string reason);
CheckResult Skip(std::string id, std::string subject, std::string reason);
CheckResult Warn(std::string id, std::string subject, std::string reason);

struct Report {
  std::vector<CheckResult> checks;
  int count(Status s) const;
  bool ok() const { return count(Status::kFail) == 0; }
};

enum class Kind { kProduction, kStaging };
// "production" | "staging"; false for anything else.
bool ParseKind(const std::string& text, Kind* kind);
const char* KindName(Kind kind);

// ------------------------------------------------------------------ redirect URIs

// Splits a WORKOS_REDIRECT_URI value: several URIs separated by commas or whitespace.
std::vector<std::string> SplitUriList(const std::string& value);

// redirect_uri.present, then for each URI: redirect_uri.absolute, .https, .no_wildcard,
// .no_query, .no_fragment, .public. The rules are workos-mock's (rules/redirect_uri.h, the
// environment's default policy: no wildcards): a URI fails a check exactly when the mock would
// refuse to register it, with the mock's message as the reason. Production: localhost fails
// .public; another host production users cannot reach (a loopback such as http://127.0.0.1,
// which WorkOS accepts for native apps, a private or link-local address, .local) is a WARN.
std::vector<CheckResult> CheckRedirectUris(const std::vector<std::string>& uris, Kind kind);

// ------------------------------------------------------------------ API key and client id

// api_key.present (the variable is set, looks like sk_…) and api_key.production (sk_live_ for
// production; skipped for staging). `value` is nullopt when the variable is unset. The key is
// never part of a reason: only its prefix and length are.
std::vector<CheckResult> CheckApiKey(const std::string& variable,
                                     const std::optional<std::string>& value, Kind kind);

// client_id.present: set, starting with client_.
CheckResult CheckClientId(const std::string& variable, const std::optional<std::string>& value);

// "sk_live_ab…(64 chars)": enough to find it, not enough to use it.
std::string RedactKey(const std::string& key);

// ------------------------------------------------------------------ committed secrets

// Strings shaped like WorkOS secret keys in a line: `sk_live_`/`sk_test_` at a word boundary
// followed by at least kMinKeyBody characters of [A-Za-z0-9_-]. Shape only: placeholders too.
inline constexpr std::size_t kMinKeyBody = 8;
std::vector<std::string> FindKeyShapes(const std::string& line);

// Whether a key-shaped string is a placeholder rather than a key, and why ("" when it is not):
// its tail has a placeholder word as a word of its own, in one case or capitalised (your, example,
// sample, here, placeholder, dummy, fake, replace, changeme, insert, redacted, todo, or a run of
// four or more x, three between separators), or is
// low-entropy (one repeated character, a repeated short unit such as `abcabcabc`, at most three
// distinct characters) or sequential (`1234567890`, `abcdefgh`). `next` is the text right after
// the key: a template in angle brackets glued to it (`sk_test_4fQ9zLm2<rest of key>`) also marks
// a placeholder, a closing HTML tag (`</code>`) does not. Real keys are random: none of these.
std::string PlaceholderReason(const std::string& key, const std::string& next = "");

// The keys in a line: FindKeyShapes without the placeholders.
std::vector<std::string> FindKeys(const std::string& line);

// A committed dotenv file: `.env`, `.env.<anything>` or `<name>.env`, except the templates
// `.env.example`, `.env.sample`, `.env.template`, `.env.dist` (and `*.example.env`, ...).
bool IsEnvFile(const std::string& path);

// The marker that allows one line: put it in a comment on that line.
inline constexpr const char* kAllowMarker = "golive:allow";

// The allow file (`.golive-allow` at the repository root by default):
//   # comment
//   sk_test_<whole key>                 this exact key, anywhere (tracked files and history)
//   sk_test_<whole key> tests/* docs/*  this exact key, only in paths matching a glob
//   env-file examples/app/.env.test     this committed dotenv file (glob)
// Entries are whole keys, never prefixes or patterns: `sk_test_*` is an error.
struct AllowList {
  struct KeyEntry {
    std::string key;
    std::vector<std::string> globs;  // empty: anywhere
  };
  std::vector<KeyEntry> keys;
  std::vector<std::string> env_files;  // globs

  // Parses the file's text; problems (with line numbers) go to `errors`.
  static AllowList Parse(const std::string& text, std::vector<std::string>* errors);
  bool AllowsKey(const std::string& key, const std::string& path) const;
  bool AllowsEnvFile(const std::string& path) const;
};

// `*` and `?` match any characters including '/', so `tests/*` covers everything below tests/.
bool GlobMatch(const std::string& glob, const std::string& path);

struct Finding {
  enum class Where { kTrackedFile, kHistory };
  enum class What { kKey, kEnvFile };
  Where where = Where::kTrackedFile;
  What what = What::kKey;
  std::string path;
  int line = 0;                  // 1-based; 0 for an env file
  std::string commit;            // history only (abbreviated)
  std::string key;               // the key (never printed; see Describe)
  std::string Describe() const;  // one line, key redacted
};

struct ScanTally {
  std::vector<Finding> findings;
  int allowed = 0;  // occurrences skipped by the allow file or the inline marker
  std::set<std::string> allowed_items;  // the distinct keys and env files among them
};

// Scans one file's text (tracked files): keys on lines without the allow marker.
void ScanText(const std::string& path, const std::string& text, const AllowList& allow,
              ScanTally* tally);

// Scans `git log -p` output produced with --format=kHistoryFormat: keys on added lines, and
// dotenv files the history added. Findings are de-duplicated by (key, path) and (env file).
inline constexpr const char* kHistoryFormat = "%x01golive-commit %h";
void ScanHistory(const std::string& log_patch, const AllowList& allow, ScanTally* tally);

struct RepoScanOptions {
  std::string repo = ".";
  std::string allow_file;      // empty: <repo>/.golive-allow when it exists
  int history_commits = 1000;  // newest commits of `git log --all` to read; 0: no history scan
  std::size_t max_file_bytes = 4 * 1024 * 1024;  // larger tracked files are skipped (and named)
};

// repo.no_committed_secrets: runs `git ls-files` and `git log -p --all` in options.repo.
CheckResult CheckRepository(const RepoScanOptions& options);

// ------------------------------------------------------------------ the app receives redirects

// The official SDKs, for hints that fit the app ("point the SDK at the mock" differs per SDK).
enum class Sdk { kNode, kPython, kRuby, kGo, kPhp };
const char* SdkName(Sdk sdk);  // "Node (@workos-inc/node)", ...

// The SDK a dependency manifest names, if any: package.json (@workos-inc/node), requirements*.txt,
// pyproject.toml, Pipfile, setup.py (workos), Gemfile, *.gemspec (workos), go.mod
// (github.com/workos/workos-go), composer.json (workos/workos-php).
std::optional<Sdk> SdkFromManifest(const std::string& path, const std::string& text);

// The SDKs named by the tracked manifests of a git checkout (outside node_modules/ and vendor/);
// empty when none is found or `repo` is not a checkout.
std::vector<Sdk> DetectSdks(const std::string& repo);

// How to point one SDK at `mock_url` (e.g. http://127.0.0.1:4400), checked against the SDKs'
// sources: which variables it reads, or which constructor option it needs.
std::string SdkBaseUrlHint(Sdk sdk, const std::string& mock_url);

struct AppFlowOptions {
  std::string mock_url;      // workos-mock's base URL
  std::string mock_api_key;  // the key of the mock environment the app uses
  std::string callback_url;  // the app's callback, e.g. http://127.0.0.1:3000/callback
  std::string email = "golive-check@example.com";
  std::chrono::milliseconds exchange_timeout{10000};
  Config base;  // timeouts, CA file; base_url and api_key are replaced
  // app.handles_error_redirects after the happy flow (CheckAppRedirects); off: skipped.
  bool error_redirects = true;
  // After each error case: how long to let the app finish (an exchange it should not make, a
  // crash after answering) before the journal and the liveness probe are read.
  std::chrono::milliseconds settle{500};
  std::vector<Sdk> sdks;  // the app's SDKs (DetectSdks), for hints; empty: hints for all
};

// app.receives_redirects: creates and sends a magic-link session for the callback URL on the
// mock, opens the emailed link, follows its redirect to the app's callback like a browser, and
// then waits for the request journal to show the app's POST /sso/token for that code.
CheckResult CheckAppReceivesRedirects(const AppFlowOptions& options);

// The error redirects production sends to the callback, in order: the same link clicked again
// (`error=access_denied`, used), a new link clicked after it expired (the environment's clock is
// moved past its expiry), and an SSO error (`error=access_denied` with `error_description`,
// `error_uri` and `state`, as /sso/authorize sends when the IdP refuses).
inline constexpr const char* kErrorCases[] = {"used link", "expired link", "SSO error"};

// app.receives_redirects, then app.handles_error_redirects: each error case must get an answer
// below 500, no POST /sso/token from the app (it has no code to exchange), and the app must still
// answer GET / afterwards (the process stayed up). The reason names each case that failed and what
// the app answered; the details have one line per case. Skipped when options.error_redirects is
// off or the happy flow did not get as far as the app's callback.
std::vector<CheckResult> CheckAppRedirects(const AppFlowOptions& options);

// ------------------------------------------------------------------ the live API (opt-in)

inline constexpr const char* kLiveBaseUrl = "https://api.workos.com";

// api_key.live: GET /connections?limit=1 with the key; skipped unless `enabled`.
CheckResult CheckLiveKey(bool enabled, const std::optional<std::string>& api_key,
                         const Config& base, const std::string& base_url = kLiveBaseUrl);

// ------------------------------------------------------------------ the whole checklist

struct ChecklistOptions {
  Kind kind = Kind::kProduction;
  std::vector<std::string> redirect_uris;
  std::string api_key_variable = "WORKOS_API_KEY";
  std::optional<std::string> api_key;  // the variable's value (nullopt: unset)
  std::string client_id_variable = "WORKOS_CLIENT_ID";
  std::optional<std::string> client_id;
  RepoScanOptions repo;
  AppFlowOptions app;  // skipped when callback_url or mock_url is empty; app.sdks from the repo
  bool live = false;
  std::string live_base_url = kLiveBaseUrl;
};

// Every check, in checklist order: redirect_uri.*, api_key.*, client_id.present,
// repo.no_committed_secrets, app.receives_redirects, app.handles_error_redirects, api_key.live.
Report RunChecklist(const ChecklistOptions& options);

// ------------------------------------------------------------------ output

// The human table (fixed-width columns) plus the details of failed checks.
std::string RenderTable(const Report& report);
// JUnit XML: <testsuites><testsuite name=...><testcase classname name time> with <failure> or
// <skipped>, every attribute and text escaped.
std::string RenderJUnit(const Report& report, const std::string& suite_name = "workos-golive");
// Escapes &, <, >, " and ' and drops characters XML 1.0 cannot carry (workos/internal/xml.h:
// the one escaper of the project's JUnit files).
std::string XmlEscape(const std::string& text);

}  // namespace golive
}  // namespace workos
