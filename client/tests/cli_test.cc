// The workos-client CLI walks the whole magic-link flow against a real workos-mock, checking
// exit codes, JSON output and that the API key never appears in any output.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mock_server.h"

#ifndef WORKOS_CLIENT_CLI
#error "WORKOS_CLIENT_CLI must name the workos-client binary"
#endif

using nlohmann::json;
using testsupport::Run;
using testsupport::RunCommand;

namespace {

struct Cli {
  std::string api_key;
  std::string client_id;
  std::vector<Run> runs;  // everything printed, to check for the key at the end

  Run operator()(std::vector<std::string> args) {
    args.insert(args.begin(), WORKOS_CLIENT_CLI);
    std::vector<std::string> env = {"WORKOS_BASE_URL=" + testsupport::MockBaseUrl()};
    if (!api_key.empty()) env.push_back("WORKOS_API_KEY=" + api_key);
    if (!client_id.empty()) env.push_back("WORKOS_CLIENT_ID=" + client_id);
    Run r = RunCommand(args, env);
    runs.push_back(r);
    return r;
  }
};

json Json(const Run& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  json j = json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

}  // namespace

TEST_CASE("CLI: the whole magic-link flow", "[cli]") {
  Cli cli;
  // An isolated environment, created through the CLI itself (no key needed).
  Run created = cli({"mock", "env", "create"});
  REQUIRE(created.exit_code == 0);
  json env = Json(created);
  cli.api_key = env.at("api_key").get<std::string>();
  cli.client_id = env.at("client_id").get<std::string>();
  cli.runs.clear();  // only `env create` may print the (new) key

  const std::string email = "cli-user@example.com";
  Run create = cli({"passwordless", "create", "--email", email, "--state", "cli-state"});
  REQUIRE(create.exit_code == 0);
  json session = Json(create);
  CHECK(session["object"] == "passwordless_session");
  const std::string id = session["id"];

  Run send = cli({"passwordless", "send", id});
  REQUIRE(send.exit_code == 0);
  CHECK(Json(send)["success"] == true);

  Run latest = cli({"mock", "outbox", "latest", "--email", email, "--wait", "5"});
  REQUIRE(latest.exit_code == 0);
  json mail = Json(latest);
  CHECK(mail["session_id"] == id);
  const std::string link = mail["link"];
  CHECK(link == session["link"]);

  Run none = cli({"mock", "outbox", "latest", "--email", "nobody@example.com"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("404") != std::string::npos);

  // The click (a browser's GET, redirects not followed).
  workos::MockControl browser(testsupport::BaseConfig());
  workos::LinkVisit visit = browser.OpenLink(link);
  REQUIRE(visit.status == 302);
  CHECK(visit.state == "cli-state");
  REQUIRE(!visit.code.empty());

  Run token = cli({"sso", "token", "--code", visit.code});
  REQUIRE(token.exit_code == 0);
  json pt = Json(token);
  CHECK(pt["profile"]["email"] == email);
  const std::string access_token = pt["access_token"];

  Run profile = cli({"sso", "profile", "--access-token", access_token});
  REQUIRE(profile.exit_code == 0);
  CHECK(Json(profile)["email"] == email);

  // The code is spent: an API error, exit 1, the OAuth error on stderr.
  Run reuse = cli({"sso", "token", "--code", visit.code});
  CHECK(reuse.exit_code == 1);
  CHECK(reuse.out.empty());
  CHECK(reuse.err.find("invalid_grant") != std::string::npos);

  Run url = cli({"sso", "authorize-url", "--provider", "GoogleOAuth", "--redirect-uri",
                 "http://localhost:3000/callback", "--state", "x"});
  REQUIRE(url.exit_code == 0);
  CHECK(workos::QueryParam(Json(url)["url"], "client_id") == cli.client_id);

  // The control plane through the CLI.
  Run fault = cli({"mock", "faults", "add", "--method", "GET", "--path", "/sso/profile", "--status",
                   "503", "--header", "Retry-After: 0", "--times", "1"});
  REQUIRE(fault.exit_code == 0);
  CHECK(Json(fault)["status"] == 503);
  Run faults = cli({"mock", "faults", "list"});
  REQUIRE(faults.exit_code == 0);
  CHECK(Json(faults)["data"].size() == 1);
  // The profile call survives the 503 (a GET is retried).
  Run again = cli({"sso", "profile", "--access-token", access_token});
  INFO(again.err);
  CHECK(again.exit_code == 0);
  Run journal = cli({"mock", "requests", "list"});
  REQUIRE(journal.exit_code == 0);
  CHECK(Json(journal)["data"].size() >= 6);
  CHECK(cli({"mock", "faults", "clear"}).exit_code == 0);
  // After the clock moves past its lifetime, the access token no longer works.
  const long long ttl = pt["expires_in"].get<long long>();
  Run clock = cli({"mock", "clock", "advance", std::to_string(ttl + 1)});
  REQUIRE(clock.exit_code == 0);
  CHECK(Json(clock)["offset_seconds"] == ttl + 1);
  Run expired = cli({"sso", "profile", "--access-token", access_token});
  CHECK(expired.exit_code == 1);
  CHECK(cli({"mock", "requests", "clear"}).exit_code == 0);

  for (const Run& r : cli.runs) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.out.find(cli.api_key) == std::string::npos);
    CHECK(r.err.find(cli.api_key) == std::string::npos);
  }
  CHECK(cli({"mock", "env", "delete", env["name"]}).exit_code == 0);
}

TEST_CASE("CLI: exit codes and help", "[cli]") {
  Cli cli;
  // Help at every level: exit 0, on stdout.
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--help"},
                                             {"passwordless", "--help"},
                                             {"passwordless", "create", "--help"},
                                             {"sso", "authorize-url", "--help"},
                                             {"mock", "--help"},
                                             {"mock", "faults", "add", "--help"},
                                             {"connections", "list", "-h"}}) {
    Run r = cli(args);
    INFO(args.front());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: workos-client") != std::string::npos);
  }
  // Usage errors: exit 2.
  CHECK(cli({}).exit_code == 2);
  CHECK(cli({"nope"}).exit_code == 2);
  CHECK(cli({"passwordless", "create"}).exit_code == 2);  // --email missing
  CHECK(cli({"passwordless", "create", "--email", "a@b.c", "--bogus"}).exit_code == 2);
  CHECK(cli({"passwordless", "send"}).exit_code == 2);
  CHECK(cli({"mock", "clock", "advance", "soon"}).exit_code == 2);
  // No API key: a configuration error, exit 2.
  CHECK(cli({"connections", "list"}).exit_code == 2);

  // API error: exit 1, the key never printed.
  cli.api_key = "sk_test_cli_wrong_key_123456";
  Run bad = cli({"passwordless", "create", "--email", "a@example.com"});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("401") != std::string::npos);
  CHECK(bad.err.find(cli.api_key) == std::string::npos);
  CHECK(bad.out.find(cli.api_key) == std::string::npos);
  // Even with the key on the command line.
  Run flag = cli({"--api-key", cli.api_key, "--verbose", "passwordless", "send", "x"});
  CHECK(flag.exit_code == 1);
  CHECK(flag.err.find(cli.api_key) == std::string::npos);

  // Network error: exit 3.
  Run down = cli({"--base-url", "http://127.0.0.1:1", "--retries", "0", "passwordless", "send",
                  "passwordless_session_x"});
  CHECK(down.exit_code == 3);
  CHECK(down.err.find(cli.api_key) == std::string::npos);
}

TEST_CASE("CLI: the mock verbs default to a local mock and never go to the live API", "[cli]") {
  // No WORKOS_BASE_URL: http://127.0.0.1:4400 (workos-mock's default), not api.workos.com.
  Run local = RunCommand({WORKOS_CLIENT_CLI, "mock", "clock", "get"},
                         {"WORKOS_API_KEY=sk_test_workos_mock"});
  INFO("stdout: " << local.out << "\nstderr: " << local.err);
  CHECK(local.err.find("api.workos.com") == std::string::npos);
  // Either a mock answers there (a developer's scripts/run), or the error names the address.
  if (local.exit_code != 0) {
    CHECK(local.exit_code == 3);
    CHECK(local.err.find("127.0.0.1") != std::string::npos);
    CHECK(local.err.find("4400") != std::string::npos);
  }
  // Pointed at the live API: refused before any request, with what to do instead.
  Run live =
      RunCommand({WORKOS_CLIENT_CLI, "mock", "clock", "get"},
                 {"WORKOS_API_KEY=sk_test_workos_mock", "WORKOS_BASE_URL=https://api.workos.com"});
  CHECK(live.exit_code == 2);
  CHECK(live.err.find("control plane") != std::string::npos);
  CHECK(live.err.find("--base-url") != std::string::npos);
  // The other verbs keep the live default.
  Run help = RunCommand({WORKOS_CLIENT_CLI, "--help"}, {});
  CHECK(help.out.find("default https://api.workos.com") != std::string::npos);
}

TEST_CASE("CLI: the list commands send their cursor flags", "[cli]") {
  testsupport::TestEnv t;
  Cli cli;
  cli.api_key = t.env.api_key;
  for (const std::string group : {"connections", "organizations"}) {
    INFO(group);
    Run first = cli({group, "list", "--limit", "2", "--order", "asc", "--after", "x_after"});
    Run back = cli({group, "list", "--before", "x_before"});
    const auto sent = testsupport::Requests(t.mock(), "GET", "/" + group);  // newest first
    REQUIRE(sent.size() == 2);
    INFO(sent[1].query.dump() << " then " << sent[0].query.dump());
    CHECK(sent[1].query == json{{"limit", "2"}, {"order", "asc"}, {"after", "x_after"}});
    CHECK(sent[0].query == json{{"before", "x_before"}});
  }
  CHECK(cli({"organizations", "list", "--limit", "many"}).exit_code == 2);
}
