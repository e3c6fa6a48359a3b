// The documented limits (domain/limits.h): one range for every duration and clock offset, time
// arithmetic that cannot overflow, and snapshots that always load back.
#include <catch2/catch.hpp>

#include <limits>

#include "config/config.h"
#include "domain/environment.h"
#include "domain/limits.h"
#include "domain/registry.h"

using namespace workos_mock;

namespace {

EnvironmentConfig Seed() {
  EnvironmentConfig c;
  c.name = "test";
  c.api_keys = {"sk_test_test"};
  c.client_id = "client_test";
  c.redirect_uris = {{"http://localhost:3000/callback", true}};
  return c;
}

CreateSessionRequest Req(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  return r;
}

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace

TEST_CASE("saturating time arithmetic", "[limits]") {
  CHECK(SaturatingAdd(1, 2) == 3);
  CHECK(SaturatingAdd(kInt64Max, 1) == kInt64Max);
  CHECK(SaturatingAdd(std::numeric_limits<int64_t>::min(), -1) ==
        std::numeric_limits<int64_t>::min());
  CHECK(SecondsToMs(kInt64Max) == kInt64Max);
  CHECK(SecondsToMs(-kInt64Max) == std::numeric_limits<int64_t>::min());
  CHECK(SecondsToMs(900) == 900000);
}

TEST_CASE("every duration key is refused outside 1..100 years, naming the key",
          "[limits][config]") {
  const std::string env = R"("name":"e","api_keys":["sk_test_x"],"client_id":"client_x")";
  for (const char* key : {"link_ttl_seconds", "code_ttl_seconds", "access_token_ttl_seconds",
                          "sweep_after_seconds"}) {
    for (const char* value :
         {"9223372036854775807", "18446744073709551615", "3153600001", "0", "-1"}) {
      INFO(key << " = " << value);
      const std::string text = R"({"environments":[{)" + env + ",\"" + key + "\":" + value + "}]}";
      try {
        ParseConfig(text, "cfg.json");
        FAIL("accepted");
      } catch (const ConfigError& e) {
        CHECK(e.path() == std::string("environments[0].") + key);
        CHECK(e.problem().find("from 1 to 3153600000") != std::string::npos);
      }
    }
    // The largest value is fine.
    CHECK_NOTHROW(
        ParseConfig(R"({"environments":[{)" + env + ",\"" + key + "\":3153600000}]}", "cfg.json"));
  }
  // The domain refuses them too (a seed that does not come from a config file).
  ManualClock clock;
  Registry registry(clock, "http://mock");
  EnvironmentConfig seed = Seed();
  seed.link_ttl_seconds = kInt64Max;
  seed.sweep_after_seconds = kInt64Max;
  auto added = registry.Add(seed);
  REQUIRE_FALSE(added.ok());
  REQUIRE(added.error().errors.size() == 2);
  CHECK(added.error().errors[0].field == "link_ttl_seconds");
  CHECK(added.error().errors[1].field == "sweep_after_seconds");
}

TEST_CASE("the longest durations neither expire a link at birth nor sweep it early", "[limits]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  seed.link_ttl_seconds = kMaxDurationSeconds;
  seed.code_ttl_seconds = kMaxDurationSeconds;
  seed.sweep_after_seconds = kMaxDurationSeconds;
  Environment env(seed, clock, "http://mock");
  REQUIRE(env.AdvanceClock(kMaxDurationSeconds).ok());  // the clock as far ahead as it goes
  auto s = env.CreateSession(Req("ann@example.com")).value();
  CHECK(s.expires_ms > env.NowMs());
  CHECK(env.SessionState(s) == "issued");
  clock.AdvanceMs(SecondsToMs(kMaxDurationSeconds) + 5000);  // expired 5 s ago
  env.Sweep();
  REQUIRE(env.FindSession(s.id));  // kept for the grace period, not swept seconds after expiry
  CHECK(env.SessionState(*env.FindSession(s.id)) == "expired");
}

TEST_CASE("clock advances: one range per advance and for the total offset", "[limits][clock]") {
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");
  // Two advances of 200,000,000 s are fine (the issue's reproduction) ...
  REQUIRE(env.AdvanceClock(200000000).ok());
  REQUIRE(env.AdvanceClock(200000000).ok());
  CHECK(env.ClockOffsetSeconds() == 400000000);
  // ... and the snapshot of that clock loads back.
  EnvironmentSnapshot snap = env.Snapshot();
  CHECK(snap.clock_offset_ms == 400000000000);
  CHECK(ValidateSnapshot(snap, 100000).ok());
  CHECK(env.Restore(snap).ok());
  // Past 100 years in all: refused, naming "seconds" and what is left; nothing moved.
  REQUIRE(env.AdvanceClock(kMaxDurationSeconds - 400000000).ok());
  auto refused = env.AdvanceClock(1);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().errors.at(0).field == "seconds");
  CHECK(refused.error().errors.at(0).code.find("at most 0 more") != std::string::npos);
  CHECK(env.ClockOffsetSeconds() == kMaxDurationSeconds);
  CHECK_FALSE(env.AdvanceClock(kMaxDurationSeconds + 1).ok());
  CHECK_FALSE(env.AdvanceClock(kInt64Max).ok());
  CHECK(env.Restore(env.Snapshot()).ok());  // the largest offset still loads back
  env.Reset();
  CHECK(env.AdvanceClock(kMaxDurationSeconds).ok());
}

TEST_CASE("a snapshot's offsets and times are range-checked before anything changes",
          "[limits][snapshot]") {
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");
  auto s = env.CreateSession(Req("ann@example.com")).value();
  EnvironmentSnapshot good = env.Snapshot();

  EnvironmentSnapshot far = good;
  far.clock_offset_ms = kMaxDurationMs + 1;
  auto error = ValidateSnapshot(far, 100000);
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().errors.at(0).field == "state.clock_offset_ms");

  EnvironmentSnapshot forever = good;
  forever.sessions[0].expires_ms = kInt64Max;
  error = ValidateSnapshot(forever, 100000);
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().errors.at(0).field == "state.sessions[0].expires_ms");
  CHECK_FALSE(env.Restore(forever).ok());
  CHECK(env.FindSession(s.id)->expires_ms == s.expires_ms);  // unchanged
}
