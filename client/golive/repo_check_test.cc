// The repository scan (repo_check.cc) on temporary git repositories: clean, a committed key and
// how the allow file and marker fix it, history, pull-request heads fetched as docs/ci.md does,
// committed .env files, and a directory that is not a checkout.
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <catch2/catch.hpp>

#include "golive/process.h"
#include "golive_test_support.h"

#ifndef WORKOS_MOCK_SOURCE_DIR
#error "WORKOS_MOCK_SOURCE_DIR must name the source tree (docs/ci.md)"
#endif

using namespace golive_testing;

TEST_CASE("golive: a clean repository passes the secrets scan", "[golive]") {
  TempRepo repo;
  repo.Write("app.js", "const key = process.env.WORKOS_API_KEY; // sk_live_… from the vault\n");
  repo.Write(".env.example", "WORKOS_API_KEY=\nWORKOS_CLIENT_ID=\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("2 tracked files") && Catch::Contains("1 commit"));
}

TEST_CASE("golive: a committed key fails with its place; the allow file and marker fix it",
          "[golive]") {
  const std::string key = Key("test", "d29ya29zX21vY2tfdGVzdA");
  TempRepo repo;
  repo.Write("README.md", "# app\n");
  repo.Commit("init");
  repo.Write("src/config.js", "module.exports = {\n  apiKey: '" + key + "',\n};\n");
  repo.Commit("add config");

  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("committed secret") && Catch::Contains(".golive-allow"));
  CHECK_THAT(AllDetails(r), Catch::Contains("src/config.js:2: sk_test_d2…"));
  CHECK(AllDetails(r).find(key) == std::string::npos);

  // Allowed by the allow file (scoped to the path) ...
  repo.Write(".golive-allow", "# test key of the fake backend\n" + key + " src/*\n");
  auto allowed = repo.Scan();
  INFO(AllDetails(allowed));
  CHECK(allowed.status == g::Status::kPass);
  CHECK_THAT(allowed.reason, Catch::Contains("allowed: 1 test key or file (2 places"));
  // ... but not elsewhere.
  repo.Write(".golive-allow", key + " tests/*\n");
  CHECK(repo.Scan().status == g::Status::kFail);
  // A bad allow file is a failure that names the line.
  repo.Write(".golive-allow", "sk_test_*\n");
  auto bad = repo.Scan();
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(AllDetails(bad), Catch::Contains("line 1"));
  RunCommand({"/bin/rm", "-f", repo.dir + "/.golive-allow"});

  // Removing the key leaves it in history.
  repo.Write("src/config.js", "module.exports = { apiKey: process.env.WORKOS_API_KEY };\n");
  repo.Commit("remove key");
  auto history = repo.Scan();
  INFO(AllDetails(history));
  CHECK(history.status == g::Status::kFail);
  CHECK_THAT(history.reason, Catch::Contains("0 in tracked files, 1 in history"));
  CHECK_THAT(AllDetails(history), Catch::Contains("commit ") && Catch::Contains("src/config.js:2"));
  // --history-commits 0 looks at the tracked files only.
  g::RepoScanOptions o;
  o.repo = repo.dir;
  o.history_commits = 0;
  CHECK(g::CheckRepository(o).status == g::Status::kPass);
  // An explicit allow file elsewhere.
  const std::string allow_path = repo.dir + "-allow";
  std::ofstream(allow_path) << key << "\n";
  CHECK(repo.Scan(allow_path).status == g::Status::kPass);
  std::remove(allow_path.c_str());
  CHECK(repo.Scan("/nonexistent/allow").status == g::Status::kFail);
}

TEST_CASE("golive: the committed allow file is not scanned, in its history either", "[golive]") {
  const std::string key = Key("test", "c2NvcGVkX3Rlc3Rfa2V5");
  TempRepo repo;
  repo.Write("tests/fake.js", "const key = '" + key + "';\n");
  repo.Write(".golive-allow", "# the fake backend's key, only in tests\n" + key + " tests/*\n");
  repo.Commit("tests with an allowed key");
  repo.Write(".golive-allow", "# the fake backend's key, only in tests\n" + key + "   tests/*\n");
  repo.Commit("reformat the allow file");
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK(AllDetails(r).find(".golive-allow:") == std::string::npos);
  // The same key anywhere else still fails, also in history.
  repo.Write("src/app.js", "const key = '" + key + "';\n");
  repo.Commit("leak");
  repo.Write("src/app.js", "const key = process.env.WORKOS_API_KEY;\n");
  repo.Commit("unleak");
  auto leaked = repo.Scan();
  INFO(AllDetails(leaked));
  CHECK(leaked.status == g::Status::kFail);
  CHECK_THAT(AllDetails(leaked), Catch::Contains("src/app.js:1"));
  CHECK(AllDetails(leaked).find(".golive-allow:") == std::string::npos);
}

TEST_CASE("golive: a key in a pull request is scanned once docs/ci.md's fetch step ran",
          "[golive]") {
  // docs/ci.md's job fetches the pull-request heads before golive: that command, verbatim.
  std::ifstream doc(std::string(WORKOS_MOCK_SOURCE_DIR) + "/docs/ci.md");
  REQUIRE(doc);
  std::string fetch, line;
  bool in_step = false;
  while (std::getline(doc, line)) {
    if (line.find("- name: Fetch pull-request heads") != std::string::npos) in_step = true;
    const size_t run = line.find("run: git fetch");
    if (in_step && run != std::string::npos) {
      fetch = line.substr(run + 5);
      break;
    }
  }
  INFO("docs/ci.md's fetch step: " << fetch);
  REQUIRE_THAT(fetch, Catch::StartsWith("git fetch") && Catch::Contains("refs/pull/"));

  // GitHub's side: main, and a pull request whose branch is gone; only refs/pull/7/head keeps
  // the commit with the key.
  const std::string key = Key("live", "cHVsbHJlcXVlc3RrZXk9");
  TempRepo origin;
  origin.Write("README.md", "# app\n");
  origin.Commit("init");
  origin.Sh("git checkout -q -b feature");
  origin.Write("src/config.js", "module.exports = { apiKey: '" + key + "' };\n");
  origin.Commit("wip");
  origin.Sh(
      "git update-ref refs/pull/7/head HEAD && git checkout -q - && git branch -q -D feature");
  CHECK(origin.Scan().status == g::Status::kFail);  // it is in the repository

  // A CI checkout: every branch, no pull request.
  TempRepo ci;
  ci.Sh("rm -rf .git && git clone -q '" + origin.dir + "' . 2>&1");
  auto before = ci.Scan();
  INFO(AllDetails(before));
  CHECK(before.status == g::Status::kPass);  // the scan cannot see what was not fetched

  ci.Sh(fetch + " 2>&1");
  auto after = ci.Scan();
  INFO(AllDetails(after));
  CHECK(after.status == g::Status::kFail);
  CHECK_THAT(AllDetails(after), Catch::Contains("src/config.js:1") && Catch::Contains("commit "));
}

TEST_CASE("golive: the inline golive:allow marker allows one line", "[golive]") {
  const std::string key = Key("test", "ZG9jdW1lbnRlZGV4YW1wbGU");
  TempRepo repo;
  repo.Write("docs/setup.md", "export WORKOS_API_KEY=" + key + "  <!-- golive:allow -->\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("allowed: 1 test key or file (2 places, by golive:allow)"));
}

TEST_CASE("golive: a committed .env file fails even without a key in it", "[golive]") {
  TempRepo repo;
  repo.Write("app/.env", "WORKOS_CLIENT_ID=client_123\n");
  repo.Write(".gitignore", "node_modules/\n");
  repo.Commit();
  auto r = repo.Scan();
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(AllDetails(r), Catch::Contains("app/.env: dotenv file is tracked"));
  // History adds nothing the tracked files already show.
  CHECK(AllDetails(r).find("added in history") == std::string::npos);

  repo.Write(".golive-allow", "env-file app/.env\n");
  CHECK(repo.Scan().status == g::Status::kPass);
  RunCommand({"/bin/rm", "-f", repo.dir + "/.golive-allow"});

  // Deleted since, but still in history.
  repo.Sh("git rm -q app/.env && git commit -q -m 'remove .env'");
  auto past = repo.Scan();
  INFO(AllDetails(past));
  CHECK(past.status == g::Status::kFail);
  CHECK_THAT(AllDetails(past), Catch::Contains("app/.env: dotenv file added in history"));
}

TEST_CASE("golive: a directory that is not a git checkout fails the scan", "[golive]") {
  char tmpl[] = "/tmp/golive-plain-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  g::RepoScanOptions o;
  o.repo = dir;
  auto r = g::CheckRepository(o);
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("not a git checkout") && Catch::Contains("--repo"));
  rmdir(dir.c_str());
}

// The process runner behind the repository checks (golive/process.h): output, exit status, no
// stdin, and a command that cannot be run (127 and the reason, as a shell reports it).
TEST_CASE("golive: RunProcess collects output and status; an unrunnable command is 127",
          "[golive]") {
  const workos::golive::ProcessResult ok =
      workos::golive::RunProcess({"sh", "-c", "echo out; echo err >&2; cat; exit 3"}, 1 << 20);
  CHECK(ok.exit_code == 3);
  CHECK(ok.out == "out\n");
  CHECK(ok.err == "err\n");
  const workos::golive::ProcessResult missing =
      workos::golive::RunProcess({"/nonexistent/golive-cmd"}, 1 << 20);
  CHECK(missing.exit_code == 127);
  CHECK(missing.err.find("cannot run /nonexistent/golive-cmd") != std::string::npos);
}
