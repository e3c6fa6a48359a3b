// The report's output (render.cc): the table and the JUnit file, every attribute and text
// escaped.
#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

TEST_CASE("golive: the table and the JUnit report", "[golive]") {
  g::Report report;
  report.checks.push_back(g::Pass("redirect_uri.https", "https://a.example/cb", "uses HTTPS"));
  auto f = g::Fail("repo.no_committed_secrets", ".", "1 committed secret: <remove> it & rotate");
  f.details.push_back("src/a.js:2: \"quoted\" 'single' \x01 control");
  report.checks.push_back(f);
  report.checks.push_back(g::Skip("api_key.live", "https://api.workos.com", "opt-in: --live"));
  CHECK_FALSE(report.ok());

  const std::string table = g::RenderTable(report);
  CHECK_THAT(table,
             Catch::Contains("RESULT") && Catch::Contains("FAIL   repo.no_committed_secrets"));
  CHECK_THAT(table, Catch::Contains("1 passed, 1 failed, 1 skipped"));
  CHECK_THAT(table, Catch::Contains("Details:") && Catch::Contains("src/a.js:2"));

  const std::string x = g::RenderJUnit(report);
  CHECK_THAT(x, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  CHECK_THAT(x, Catch::Contains("<testsuite name=\"workos-golive\" tests=\"3\" failures=\"1\" "
                                "errors=\"0\" skipped=\"1\""));
  CHECK_THAT(x, Catch::Contains("<testcase classname=\"golive.redirect_uri\" "
                                "name=\"redirect_uri.https [https://a.example/cb]\""));
  CHECK_THAT(x, Catch::Contains("message=\"1 committed secret: &lt;remove&gt; it &amp; rotate\""));
  CHECK_THAT(x, Catch::Contains("&quot;quoted&quot; &apos;single&apos;  control"));
  CHECK_THAT(x, Catch::Contains("<skipped message=\"opt-in: --live\"/>"));
  CHECK(x.find('\x01') == std::string::npos);
  CHECK(g::XmlEscape("a\xff"
                     "b") == "a?b");
}
