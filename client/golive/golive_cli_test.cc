// `workos-client golive` as a user runs it: exit codes, the table, the JUnit file, and no key
// printed.
#include <cstdio>
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "golive_test_support.h"

#ifndef WORKOS_CLIENT_CLI
#error "WORKOS_CLIENT_CLI must name the workos-client binary"
#endif

using namespace golive_testing;

TEST_CASE("golive CLI: exit codes, table, JUnit file, no key printed", "[golive]") {
  const std::string test_key = Key("test", "Y2xpY2xpY2xpY2xpY2xp");
  TempRepo repo;
  repo.Write("app.js", "// reads WORKOS_API_KEY\n");
  repo.Commit();
  const std::string junit = repo.dir + "-report.xml";

  auto bad_kind = RunCommand({WORKOS_CLIENT_CLI, "golive", "--kind", "prod"});
  CHECK(bad_kind.exit_code == 2);
  CHECK_THAT(bad_kind.err, Catch::Contains("--kind must be production or staging"));

  auto help = RunCommand({WORKOS_CLIENT_CLI, "golive", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--redirect-uri") && Catch::Contains("--junit"));

  auto failing =
      RunCommand({WORKOS_CLIENT_CLI, "golive", "--redirect-uri", "http://app.example.com/callback",
                  "--repo", repo.dir, "--junit", junit},
                 {"WORKOS_API_KEY=" + test_key, "WORKOS_CLIENT_ID=client_01CLI"});
  INFO(failing.out << failing.err);
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.out, Catch::Contains("FAIL   redirect_uri.https") &&
                              Catch::Contains("FAIL   api_key.production") &&
                              Catch::Contains("PASS   client_id.present") &&
                              Catch::Contains("PASS   repo.no_committed_secrets") &&
                              Catch::Contains("SKIP   app.receives_redirects") &&
                              Catch::Contains("SKIP   app.handles_error_redirects") &&
                              Catch::Contains("SKIP   api_key.live"));
  CHECK(failing.out.find(test_key) == std::string::npos);
  CHECK(failing.err.find(test_key) == std::string::npos);
  std::ifstream in(junit);
  std::string xml((std::istreambuf_iterator<char>(in)), {});
  CHECK_THAT(xml, Catch::Contains("failures=\"2\""));
  CHECK(xml.find(test_key) == std::string::npos);

  const std::string live_key = Key("live", "Y2xpY2xpY2xpY2xpY2xp");
  auto passing = RunCommand({WORKOS_CLIENT_CLI, "golive", "--repo", repo.dir, "--api-key-env",
                             "PROD_WORKOS_KEY", "--client-id-env", "PROD_CLIENT_ID"},
                            {"PROD_WORKOS_KEY=" + live_key, "PROD_CLIENT_ID=client_01PROD",
                             "WORKOS_REDIRECT_URI=https://app.example.com/callback, "
                             "https://www.example.com/callback"});
  INFO(passing.out << passing.err);
  CHECK(passing.exit_code == 0);
  CHECK_THAT(passing.out,
             Catch::Contains("https://www.example.com/callback") && Catch::Contains("0 failed"));
  CHECK(passing.out.find(live_key) == std::string::npos);
  std::remove(junit.c_str());
}
