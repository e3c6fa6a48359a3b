// app.handles_error_redirects (error_redirects.cc, run by CheckAppRedirects): a used link, an
// expired link and an SSO error reach fake apps as ?error=; an app passes when it answers each
// without exchanging a code and keeps answering.
#include <mutex>

#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

namespace {
const g::CheckResult& ErrorCheck(const std::vector<g::CheckResult>& rs) {
  REQUIRE(rs.size() == 2);
  REQUIRE(rs[0].id == "app.receives_redirects");
  REQUIRE(rs[1].id == "app.handles_error_redirects");
  return rs[1];
}
}  // namespace

TEST_CASE("golive: an app that handles ?error= passes the error-redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(rs[0]) << "\n" << AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("a used link (400), an expired link (400) and an SSO error "
                                       "(400) without exchanging a code, and kept answering"));
  // The app saw what production sends: access_denied with a description and the state.
  REQUIRE(app.error_callbacks == 3);
  std::lock_guard<std::mutex> lock(app.mu);
  for (const auto& params : app.error_params) {
    auto get = [&](const std::string& k) {
      auto it = params.find(k);
      return it == params.end() ? std::string("<none>") : it->second;
    };
    CHECK(get("error") == "access_denied");
    CHECK(get("error_description") != "<none>");
    CHECK_THAT(get("state"), Catch::StartsWith("golive-"));
    CHECK(params.count("code") == 0);
  }
  CHECK(app.error_params[2].count("error_uri") == 1);  // the SSO error
  // Only the happy flow's code was exchanged.
  CHECK(testsupport::Requests(t.mock(), "POST", "/sso/token").size() == 1);
  // The expired link: the environment's clock moved past the link's 15 minutes, and says so.
  CHECK(t.mock().GetClock().offset_seconds >= 900);
  CHECK_THAT(AllDetails(r),
             Catch::Contains("moved the clock of the app's mock environment forward"));
  CHECK_THAT(AllDetails(r), Catch::Contains("used link: GET /callback?error=access_denied&"));
  CHECK_THAT(AllDetails(r), Catch::Contains("SSO error: GET /callback?error=access_denied&"));
}

TEST_CASE("golive: an app whose callback answers ?error= with a 500 fails, per case", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kFailsOnError);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);  // the happy path works
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::StartsWith("used link: answered 500; expired link: answered 500; "
                                         "SSO error: answered 500 — read ?error= before ?code="));
  CHECK_THAT(AllDetails(r), Catch::Contains("body: Internal Server Error: TypeError"));
  CHECK(app.error_callbacks == 3);
}

TEST_CASE("golive: an app that exchanges a code it never got fails, even with a 400 page",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchangesWithoutCode);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto rs = g::CheckAppRedirects(FlowFor(t, app.callback()));
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kFail);
  for (const char* name : {"used link", "expired link", "SSO error"}) {
    CHECK_THAT(r.reason,
               Catch::Contains(std::string(name) + ": answered 400, exchanged a code it never got "
                                                   "(POST /sso/token → 400)"));
  }
  CHECK(r.reason.find("stopped answering") == std::string::npos);
  CHECK(testsupport::Requests(t.mock(), "POST", "/sso/token").size() == 4);
}

TEST_CASE("golive: an app that crashes on ?error= fails: no answer, and it stopped answering",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kCrashesOnError);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto o = FlowFor(t, app.callback());
  o.base.retry.max_retries = 0;
  auto rs = g::CheckAppRedirects(o);
  const auto& r = ErrorCheck(rs);
  INFO(AllDetails(r));
  CHECK(rs[0].status == g::Status::kPass);
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::StartsWith("used link: no answer (") &&
                           Catch::Contains("exchanged a code it never got") &&
                           Catch::Contains("then stopped answering (GET /: connection failed)") &&
                           Catch::Contains("expired link: not run (the app stopped answering); "
                                           "SSO error: not run (the app stopped answering)"));
  CHECK(app.error_callbacks == 1);
  CHECK_THAT(AllDetails(r),
             Catch::Contains("\nexpired link → not run (the app stopped answering)"));
}

TEST_CASE("golive: the error-redirect check is skipped when off or when the app was not reached",
          "[golive]") {
  SECTION("turned off") {
    FakeApp app(FakeApp::Behaviour::kExchange);
    testsupport::TestEnv t(WithRedirect(app.callback()));
    app.config = t.config;
    auto o = FlowFor(t, app.callback());
    o.error_redirects = false;
    auto rs = g::CheckAppRedirects(o);
    CHECK(rs[0].status == g::Status::kPass);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
    CHECK_THAT(rs[1].reason, Catch::Contains("--no-error-redirects"));
    CHECK(app.error_callbacks == 0);
    CHECK(t.mock().GetClock().offset_seconds == 0);
  }
  SECTION("no callback URL") {
    testsupport::TestEnv t;
    auto rs = g::CheckAppRedirects(FlowFor(t, ""));
    CHECK(rs[0].status == g::Status::kSkip);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
  }
  SECTION("the app is not running") {
    int port = 0;
    {
      FakeApp gone(FakeApp::Behaviour::kExchange);
      port = gone.port;
    }
    const std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
    testsupport::TestEnv t(WithRedirect(callback));
    auto o = FlowFor(t, callback, 500);
    o.base.retry.max_retries = 0;
    auto rs = g::CheckAppRedirects(o);
    CHECK(rs[0].status == g::Status::kFail);
    CHECK(ErrorCheck(rs).status == g::Status::kSkip);
    CHECK_THAT(rs[1].reason, Catch::Contains("did not get as far as the app's callback"));
  }
}
