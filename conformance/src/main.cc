// workos-conformance: one scenario suite for workos-mock and the live WorkOS API.
//
//   workos-conformance [--target mock|live] [--mock-bin PATH] [--mock-tls]
//                      [--record FILE | --compare FILE [--drift-junit FILE]] [Catch2 options...]
//
// --target mock (default) starts workos-mock on an ephemeral port; every scenario creates its own
// environment through the control plane. --target live reads WORKOS_BASE_URL (default
// https://api.workos.com), WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_REDIRECT_URI and optionally
// WORKOS_CA_FILE, runs the [live-safe] scenarios only and never touches the control plane.
// --record saves what every request of the [live-safe] scenarios looked like (normalised, no
// secrets); --compare runs them again and reports where this target differs (drift.h).
#define CATCH_CONFIG_RUNNER
#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "drift_mode.h"
#include "harness.h"
#include "mock_process.h"

namespace {

using conformance::settings;
using conformance::Target;

constexpr const char* kUsage =
    R"(usage: workos-conformance [--target mock|live] [--mock-bin PATH] [--mock-tls]
                          [--record FILE | --compare FILE [--drift-junit FILE]]
                          [Catch2 options and test specs...]

  --target mock   (default) start workos-mock on an ephemeral port and give every scenario
                  its own environment (control plane: POST /_mock/environments)
  --target live   run the [live-safe] scenarios against WORKOS_BASE_URL
                  (default https://api.workos.com) with WORKOS_API_KEY, WORKOS_CLIENT_ID,
                  WORKOS_REDIRECT_URI (a redirect URI registered in that environment) and
                  optionally WORKOS_CA_FILE; [mock-only] scenarios are skipped and listed.
                  The send scenario emails WORKOS_CONFORMANCE_EMAIL only when
                  WORKOS_CONFORMANCE_SEND_EMAIL=1; otherwise it is skipped.
  --mock-bin PATH the workos-mock binary (default: the one beside this program when
                  installed, else the one this build made)
  --mock-tls      start the mock with --tls and trust its generated certificate
  --record FILE   run the [live-safe] scenarios and save every request's normalised
                  observation (status, JSON shape, headers that matter; no secrets) to FILE
  --compare FILE  run the scenarios recorded in FILE and report every difference from it
                  (a table; exit status 1 on drift)
  --drift-junit FILE   with --compare: also write the drift report as JUnit XML to FILE
  --version       print the version and exit

Everything else goes to Catch2 (e.g. "[live-safe]", -s, -r junit -o report.xml, --list-tests).
)";

// Outcome of every scenario that ran, by name (filled in by the listener below).
enum class Outcome { kPassed, kFailed, kNoAssertions };
std::map<std::string, Outcome>& Outcomes() {
  static std::map<std::string, Outcome> outcomes;
  return outcomes;
}

// A scenario passes only when it checked something and nothing failed: one that made no
// assertion at all (an early return, a branch that never ran) proved nothing and counts as failed.
struct OutcomeListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    conformance::drift::Recorder::Get().BeginScenario(info.name);
  }
  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    const auto& a = stats.totals.assertions;
    const Outcome outcome = a.failed > 0     ? Outcome::kFailed
                            : a.total() == 0 ? Outcome::kNoAssertions
                                             : Outcome::kPassed;
    Outcomes()[stats.testInfo.name] = outcome;
    conformance::drift::Recorder::Get().EndScenario(stats.testInfo.name,
                                                    outcome == Outcome::kPassed);
  }
};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool HasTag(const Catch::TestCaseInfo& info, const std::string& tag) {
  for (const auto& t : info.tags)
    if (Catch::toLower(t) == tag) return true;
  return false;
}

// A test name as a Catch2 test spec that matches exactly that name.
std::string EscapeSpec(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == ',' || c == '[' || c == ']' || c == '*' || c == '~' || c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

CATCH_REGISTER_LISTENER(OutcomeListener)

int main(int argc, char** argv) {
  std::string target = "mock";
  std::string mock_bin = conformance::DefaultMockBin();
  bool mock_tls = false;
  std::string record_path, compare_path, junit_path;
  std::vector<std::string> rest = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "workos-conformance: " << arg << " needs a value\n\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--target") {
      target = value();
    } else if (arg.rfind("--target=", 0) == 0) {
      target = arg.substr(9);
    } else if (arg == "--mock-bin") {
      mock_bin = value();
    } else if (arg.rfind("--mock-bin=", 0) == 0) {
      mock_bin = arg.substr(11);
    } else if (arg == "--mock-tls") {
      mock_tls = true;
    } else if (arg == "--record") {
      record_path = value();
    } else if (arg == "--compare") {
      compare_path = value();
    } else if (arg == "--drift-junit") {
      junit_path = value();
    } else if (arg == "--version") {
      std::cout << "workos-conformance " << WORKOS_MOCK_VERSION << "\n";
      return 0;
    } else {
      if (arg == "--help" || arg == "-h" || arg == "-?") std::cout << kUsage << "\n";
      rest.push_back(arg);
    }
  }
  if (target != "mock" && target != "live") {
    std::cerr << "workos-conformance: --target must be mock or live, not '" << target << "'\n";
    return 2;
  }
  if (!record_path.empty() && !compare_path.empty()) {
    std::cerr << "workos-conformance: --record and --compare do not go together: record against "
                 "one target, compare on another run\n";
    return 2;
  }
  if (!junit_path.empty() && compare_path.empty()) {
    std::cerr << "workos-conformance: --drift-junit needs --compare FILE\n";
    return 2;
  }
  const bool drift_mode = !record_path.empty() || !compare_path.empty();
  conformance::drift::Recording recorded;
  if (!compare_path.empty() && !conformance::ReadRecording(compare_path, &recorded)) return 2;

  Catch::Session session;
  std::vector<const char*> catch_argv;
  for (const auto& a : rest) catch_argv.push_back(a.c_str());
  if (int rc = session.applyCommandLine(static_cast<int>(catch_argv.size()), catch_argv.data()))
    return rc;
  const auto& data = session.configData();
  if (data.showHelp) return 0;
  const bool listing =
      data.listTests || data.listTestNamesOnly || data.listTags || data.listReporters;

  conformance::Settings& s = settings();
  s.send_to = Env("WORKOS_CONFORMANCE_EMAIL");
  if (s.send_to.empty()) s.send_to = std::string("conformance@") + conformance::kDomainA;
  bool send_email = true;
  if (target == "live") {
    s.target = Target::kLive;
    s.base_url = Env("WORKOS_BASE_URL").empty() ? workos::kDefaultBaseUrl : Env("WORKOS_BASE_URL");
    s.api_key = Env("WORKOS_API_KEY");
    s.client_id = Env("WORKOS_CLIENT_ID");
    s.redirect_uri = Env("WORKOS_REDIRECT_URI");
    s.ca_file = Env("WORKOS_CA_FILE");
    std::vector<std::string> missing;
    if (s.api_key.empty()) missing.push_back("WORKOS_API_KEY (your environment's API key, sk_…)");
    if (s.client_id.empty()) missing.push_back("WORKOS_CLIENT_ID (client_…)");
    if (s.redirect_uri.empty())
      missing.push_back("WORKOS_REDIRECT_URI (a redirect URI registered in that environment)");
    if (!missing.empty() && !listing) {
      std::cerr << "workos-conformance: --target live needs these environment variables, which "
                   "are not set:\n";
      for (const auto& m : missing) std::cerr << "  " << m << "\n";
      std::cerr << "(optional: WORKOS_BASE_URL, default " << workos::kDefaultBaseUrl
                << "; WORKOS_CA_FILE; WORKOS_CONFORMANCE_SEND_EMAIL=1 with "
                   "WORKOS_CONFORMANCE_EMAIL to run the send scenario). See docs/conformance.md.\n";
      return 2;
    }
    send_email = Env("WORKOS_CONFORMANCE_SEND_EMAIL") == "1";
  }
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();

  // What the test spec selects, and what of that a live run (or a recording, or a comparison)
  // skips.
  std::vector<std::string> skipped_mock_only, skipped_opt_in, skipped_unrecorded, to_run;
  std::set<std::string> suite;  // every scenario, for a recording's stale names
  for (const auto& tc : Catch::getAllTestCasesSorted(session.config())) suite.insert(tc.name);
  for (const auto& tc : Catch::filterTests(Catch::getAllTestCasesSorted(session.config()),
                                           session.config().testSpec(), session.config())) {
    if ((s.target == Target::kLive || drift_mode) && HasTag(tc, "mock-only")) {
      skipped_mock_only.push_back(tc.name);
    } else if (s.target == Target::kLive && !send_email && HasTag(tc, "sends-email")) {
      skipped_opt_in.push_back(tc.name);
    } else if (!compare_path.empty() && !recorded.scenarios.count(tc.name)) {
      skipped_unrecorded.push_back(tc.name);
    } else {
      to_run.push_back(tc.name);
    }
  }
  if (s.target == Target::kLive || drift_mode) {
    Catch::ConfigData narrowed = session.configData();
    if (narrowed.testsOrTags.empty() && compare_path.empty()) {
      // No spec given: exclude by tag (separate arguments are AND-ed by Catch2).
      narrowed.testsOrTags = {"~[mock-only]"};
      if (!send_email) narrowed.testsOrTags.push_back("~[sends-email]");
    } else {
      // The user's own spec (which may OR with commas): run exactly the remaining scenarios.
      std::string spec;
      for (const auto& name : to_run) spec += (spec.empty() ? "" : ",") + EscapeSpec(name);
      narrowed.testsOrTags = {to_run.empty() ? std::string("[no-scenario-left]") : spec};
    }
    session.useConfigData(narrowed);
  }
  if (listing) return session.run();

  if (drift_mode) conformance::drift::Recorder::Get().Activate();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  conformance::MockProcess mock;
  if (s.target == Target::kMock) {
    std::string cert;
    if (mock_tls) {
      const std::string tmp = Env("TMPDIR").empty() ? "/tmp" : Env("TMPDIR");
      cert = tmp + "/workos-conformance-" + std::to_string(getpid()) + "-cert.pem";
      s.ca_file = cert;
    }
    try {
      s.base_url = mock.Start(mock_bin, mock_tls, cert);
    } catch (const std::exception& e) {
      std::cerr << "workos-conformance: " << e.what() << "\n";
      return 2;
    }
  }

  std::cout << "workos-conformance: target=" << target << " base=" << s.base_url << ": running "
            << to_run.size() << " scenario(s), skipping "
            << skipped_mock_only.size() + skipped_opt_in.size() + skipped_unrecorded.size()
            << std::endl;

  const int catch_rc = to_run.empty() ? 0 : session.run();
  mock.Stop();
  if (mock_tls && !s.ca_file.empty()) std::remove(s.ca_file.c_str());
  curl_global_cleanup();

  int passed = 0, failed = 0;
  std::cout << "\n";
  for (const auto& [name, outcome] : Outcomes()) {
    outcome == Outcome::kPassed ? ++passed : ++failed;
    if (outcome == Outcome::kFailed) std::cout << "workos-conformance: FAILED: " << name << "\n";
    if (outcome == Outcome::kNoAssertions)
      std::cout << "workos-conformance: FAILED (checked nothing: no assertion ran): " << name
                << "\n";
  }
  for (const auto& n : skipped_mock_only)
    std::cout << "workos-conformance: skipped on " << target
              << (s.target == Target::kLive
                      ? " (mock-only: needs the control plane): "
                      : " (mock-only: drift recordings hold the [live-safe] scenarios): ")
              << n << "\n";
  for (const auto& n : skipped_opt_in)
    std::cout << "workos-conformance: skipped on " << target
              << " (opt-in: sends a real email; set WORKOS_CONFORMANCE_SEND_EMAIL=1): " << n
              << "\n";
  for (const auto& n : skipped_unrecorded)
    std::cout << "workos-conformance: skipped (not in the recording, nothing to compare with): "
              << n << "\n";

  // Drift: save the observations, or compare them with the recording.
  conformance::DriftStep drift;
  if (!record_path.empty()) {
    drift = conformance::WriteRecording(record_path, target,
                                        s.target == Target::kLive ? s.base_url : "");
  } else if (!compare_path.empty()) {
    std::set<std::string> ran;
    for (const auto& [name, outcome] : Outcomes()) ran.insert(name);
    drift = conformance::CompareWithRecording(recorded, compare_path, ran, suite, junit_path);
  }
  if (drift.exit_code != 0) return drift.exit_code;
  std::cout << "workos-conformance: target=" << target << " base=" << s.base_url << ": " << passed
            << " passed, " << failed << " failed, " << skipped_mock_only.size()
            << " skipped (mock-only)";
  if (!skipped_opt_in.empty())
    std::cout << ", " << skipped_opt_in.size()
              << " skipped (opt-in: WORKOS_CONFORMANCE_SEND_EMAIL=1)";
  if (!skipped_unrecorded.empty())
    std::cout << ", " << skipped_unrecorded.size() << " skipped (not in the recording)";
  std::cout << drift.summary << std::endl;
  if (failed > 0 || catch_rc != 0 || drift.drifted) return 1;
  if (passed == 0) {
    std::cout << "workos-conformance: no scenario ran (check the test spec)" << std::endl;
    return 1;
  }
  return 0;
}
