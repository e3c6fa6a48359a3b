// Deterministic mode on one environment: with a seed and a start time, a reset environment
// answers the same requests with the same bytes (ids, link tokens, codes, JWTs, timestamps,
// request ids).
#include "harness.h"

using namespace conformance;
using nlohmann::json;

TEST_CASE("deterministic: a seeded environment replays its answers byte for byte after a reset",
          "[mock-only][deterministic]") {
  Scenario s(json{{"seed", 2026}, {"start_time", "2026-01-01T00:00:00Z"}});
  CHECK(s.environment()["seed"] == 2026);
  auto run = [&] {
    std::string out;
    HttpResult created = PostJson(
        "/passwordless/sessions",
        {{"type", "MagicLink"}, {"email", s.Email("replay")}, {"state", "r"}}, s.api_key());
    REQUIRE(created.status == 201);
    out += created.body + "\n" + created.header("x-request-id") + "\n";
    HttpResult visit = Visit(created.json()["link"].get<std::string>());
    out += visit.location() + "\n";
    HttpResult token =
        Http("POST", Url("/sso/token"), {{"Content-Type", "application/x-www-form-urlencoded"}},
             Form({{"client_id", s.client_id()},
                   {"client_secret", s.api_key()},
                   {"grant_type", "authorization_code"},
                   {"code", workos::QueryParam(visit.location(), "code")}}));
    REQUIRE(token.status == 200);
    out += token.body + "\n" + token.header("x-request-id") + "\n";
    return out;
  };
  const std::string first = run();
  CHECK(first.find("\"expires_at\":\"2026-01-01T00:15:00.000Z\"") != std::string::npos);
  const std::string second = run();
  CHECK(second != first);  // the streams moved on: new ids, a new token
  s.mock().Reset();
  CHECK(run() == first);
  CHECK(run() == second);
}
