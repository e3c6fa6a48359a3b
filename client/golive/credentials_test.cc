// The credential checks (credentials.cc): the API key is present and a production key and never
// printed, the client id is set, and the key check against an API (the mock stands in for the
// live one).
#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

TEST_CASE("golive: the API key is present and a production key, and never printed", "[golive]") {
  const std::string live = Key("live", "a2V5XzAxSjdQUk9EVUNUSU9OS0VZ");
  const std::string test = Key("test", "a2V5XzAxSjdTVEFHSU5HS0VZWFla");

  auto ok = g::CheckApiKey("WORKOS_API_KEY", live, g::Kind::kProduction);
  CHECK(StatusOf(ok, "api_key.present") == g::Status::kPass);
  CHECK(StatusOf(ok, "api_key.production") == g::Status::kPass);

  auto staging_key = g::CheckApiKey("PROD_KEY", test, g::Kind::kProduction);
  CHECK(StatusOf(staging_key, "api_key.present") == g::Status::kPass);
  CHECK(StatusOf(staging_key, "api_key.production") == g::Status::kFail);
  CHECK_THAT(Find(staging_key, "api_key.production")->reason, Catch::Contains("sk_live_"));
  CHECK_THAT(Find(staging_key, "api_key.production")->reason, Catch::Contains("PROD_KEY"));

  auto unset = g::CheckApiKey("WORKOS_API_KEY", std::nullopt, g::Kind::kProduction);
  CHECK(StatusOf(unset, "api_key.present") == g::Status::kFail);
  CHECK_THAT(Find(unset, "api_key.present")->reason, Catch::Contains("not set"));
  CHECK(StatusOf(unset, "api_key.production") == g::Status::kSkip);

  CHECK(StatusOf(g::CheckApiKey("K", std::string(""), g::Kind::kProduction), "api_key.present") ==
        g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", std::string("hunter2hunter2"), g::Kind::kProduction),
                 "api_key.present") == g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", live + "\n", g::Kind::kProduction), "api_key.present") ==
        g::Status::kFail);
  CHECK(StatusOf(g::CheckApiKey("K", test, g::Kind::kStaging), "api_key.production") ==
        g::Status::kSkip);

  for (const auto& rs : {ok, staging_key}) {
    for (const auto& r : rs) {
      CHECK(r.reason.find(live) == std::string::npos);
      CHECK(r.reason.find(test) == std::string::npos);
      CHECK(r.reason.find("a2V5XzAxSjd") == std::string::npos);
    }
  }
  CHECK(g::RedactKey(live) == "sk_live_a2…(36 chars)");
}

TEST_CASE("golive: the client id is set and starts with client_", "[golive]") {
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::string("client_01HXYZ")).status ==
        g::Status::kPass);
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::nullopt).status == g::Status::kFail);
  CHECK(g::CheckClientId("WORKOS_CLIENT_ID", std::string("")).status == g::Status::kFail);
  auto bad = g::CheckClientId("WORKOS_CLIENT_ID", std::string("proj_01HXYZ"));
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(bad.reason, Catch::Contains("client_"));
}

// ------------------------------------------------------------------ the live check (mock only)

TEST_CASE("golive: the key check against an API (the mock stands in for the live one)",
          "[golive]") {
  testsupport::TestEnv t;
  auto base = testsupport::BaseConfig();
  CHECK(g::CheckLiveKey(false, t.env.api_key, base, testsupport::MockBaseUrl()).status ==
        g::Status::kSkip);
  auto ok = g::CheckLiveKey(true, t.env.api_key, base, testsupport::MockBaseUrl());
  INFO(ok.reason);
  CHECK(ok.status == g::Status::kPass);
  auto bad =
      g::CheckLiveKey(true, Key("live", "cmV2b2tlZHJldm9rZWQ"), base, testsupport::MockBaseUrl());
  CHECK(bad.status == g::Status::kFail);
  CHECK_THAT(bad.reason, Catch::Contains("refused the key (401)"));
}
