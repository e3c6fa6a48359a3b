// app.receives_redirects (app_flow.cc): a real workos-mock drives a magic-link sign-in to small
// fake apps (one exchanges the code, one never does, one fails, ...), and the reason says what to
// fix, for the app's SDK when it is known.
#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

TEST_CASE("golive: an app that exchanges the code passes the redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback()));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kPass);
  CHECK_THAT(r.reason, Catch::Contains("exchanged the code at /sso/token (200)") &&
                           Catch::Contains("answered the callback with 302"));
  CHECK(app.callbacks == 1);
  CHECK(AllDetails(r).find(t.env.api_key) == std::string::npos);
}

TEST_CASE("golive: an app that never exchanges the code fails with a clear reason", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kNeverExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback(), 1000));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("answered the callback with 200 but never exchanged the "
                                       "code at /sso/token") &&
                           Catch::Contains("getProfileAndToken"));
  CHECK(app.callbacks == 1);
}

TEST_CASE("golive: an app whose callback fails with a 5xx fails the redirect check", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchangeThen500);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback()));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("answered the callback with 500"));
  CHECK_THAT(AllDetails(r), Catch::Contains("session store <down>"));
}

TEST_CASE("golive: an app configured with the wrong client id fails with the token status",
          "[golive]") {
  FakeApp app(FakeApp::Behaviour::kWrongClientId);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback(), 1000));
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason,
             Catch::Contains("called /sso/token but got 4") && Catch::Contains("WORKOS_CLIENT_ID"));
}

TEST_CASE("golive: the redirect check explains set-up mistakes", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;

  SECTION("no callback URL or mock URL: skipped") {
    auto o = FlowFor(t, "");
    CHECK(g::CheckAppReceivesRedirects(o).status == g::Status::kSkip);
    o = FlowFor(t, app.callback());
    o.mock_url.clear();
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kSkip);
    CHECK_THAT(r.reason, Catch::Contains("--mock-url"));
  }
  SECTION("callback not registered") {
    auto r = g::CheckAppReceivesRedirects(FlowFor(t, app.callback() + "/other"));
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("not a redirect URI of mock environment") &&
                             Catch::Contains(app.callback()));
  }
  SECTION("a key the mock does not know") {
    auto o = FlowFor(t, app.callback());
    o.mock_api_key = Key("test", "dW5rbm93bnVua25vd24");
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("does not know the key"));
    CHECK(r.reason.find(o.mock_api_key) == std::string::npos);
  }
  SECTION("not a mock") {
    auto o = FlowFor(t, app.callback());
    o.mock_url = "http://127.0.0.1:" + std::to_string(app.port);
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("is not a workos-mock"));
  }
  SECTION("the mock is not running") {
    auto o = FlowFor(t, app.callback());
    o.mock_url = "http://127.0.0.1:1";
    o.base.retry.max_retries = 0;
    auto r = g::CheckAppReceivesRedirects(o);
    CHECK(r.status == g::Status::kFail);
    CHECK_THAT(r.reason, Catch::Contains("cannot reach workos-mock"));
  }
}

TEST_CASE("golive: the redirect check fails when the app is not running", "[golive]") {
  int port = 0;
  {
    FakeApp gone(FakeApp::Behaviour::kExchange);  // a port that just became free
    port = gone.port;
  }
  const std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  testsupport::TestEnv t(WithRedirect(callback));
  auto o = FlowFor(t, callback, 500);
  o.base.retry.max_retries = 0;
  auto r = g::CheckAppReceivesRedirects(o);
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("did not answer its callback URL"));
}

TEST_CASE("golive: an app that never exchanges gets the hint for its SDK", "[golive]") {
  FakeApp app(FakeApp::Behaviour::kNeverExchange);
  testsupport::TestEnv t(WithRedirect(app.callback()));
  app.config = t.config;
  auto o = FlowFor(t, app.callback(), 500);
  o.sdks = {g::Sdk::kNode};
  auto r = g::CheckAppReceivesRedirects(o);
  INFO(AllDetails(r));
  CHECK(r.status == g::Status::kFail);
  CHECK_THAT(r.reason, Catch::Contains("Node (@workos-inc/node): reads WORKOS_API_KEY and "
                                       "WORKOS_CLIENT_ID but no base-URL variable") &&
                           Catch::Contains("apiHostname: '127.0.0.1'"));
  CHECK(r.reason.find("WORKOS_BASE_URL") == std::string::npos);

  o.sdks.clear();  // unknown SDK: the reason stays short, the details name all five
  r = g::CheckAppReceivesRedirects(o);
  CHECK_THAT(r.reason, Catch::Contains("the details say how for each official SDK"));
  CHECK_THAT(AllDetails(r), Catch::Contains("Python (workos): reads WORKOS_BASE_URL") &&
                                Catch::Contains("Go (workos-go)") &&
                                Catch::Contains("Ruby (workos gem)") &&
                                Catch::Contains("PHP (workos/workos-php)"));
}
