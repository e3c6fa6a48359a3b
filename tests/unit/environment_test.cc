// The environment's own rules, with a manual clock: deleting a connection, the clock and a
// reset, the sweep of expired state and the max_stored caps (domain/environment.cc,
// domain/snapshot.cc). The flows have their own files: passwordless_test.cc, tokens_test.cc,
// sso_test.cc.
#include <catch2/catch.hpp>

#include "domain/environment.h"
#include "environment_fixture.h"
#include "result_checks.h"

using namespace workos_mock;
using namespace workos_mock::testing::env_fixture;
using workos_mock::testing::ErrorOf;

TEST_CASE_METHOD(Fixture, "deleting a connection kills its sessions' links and codes",
                 "[connections]") {
  PasswordlessSession pending = Create();
  PasswordlessSession clicked = Create();
  std::string code = CodeOf(*env.VisitLink(clicked.token, "GET", "x"));
  REQUIRE(env.DeleteConnection(pending.connection_id));
  CHECK(env.VisitLink(pending.token, "GET", "x")->kind == LinkVisitOutcome::Kind::kExpired);
  TokenRequest r{"client_test", "sk_test_test", "authorization_code", code, ""};
  CHECK(ErrorOf(env.ExchangeCode(r)).kind == ErrorKind::kInvalidGrant);
}

TEST_CASE_METHOD(Fixture, "the environment clock only moves forward; reset restores the seed",
                 "[clock]") {
  int64_t before = env.NowMs();
  CHECK(env.AdvanceClock(60).value() >= before + 60000);
  CHECK_FALSE(env.AdvanceClock(-1).ok());
  Create();
  env.Reset();
  CHECK(env.ClockOffsetSeconds() == 0);
  CHECK(env.Connections().empty());
}

TEST_CASE("expired state is swept sweep_after_seconds after it expires", "[sweep]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  seed.sweep_after_seconds = 60;
  Environment env(seed, clock, "http://mock");
  auto kept = env.CreateSession(Req("a@example.com")).value();
  REQUIRE(env.SendSession(kept.id).ok());
  clock.AdvanceMs(120 * 1000);
  auto later = env.CreateSession(Req("b@example.com")).value();
  REQUIRE(env.SendSession(later.id).ok());
  clock.AdvanceMs((900 - 120 + 30) * 1000);  // expired 30 s ago: still inside the grace period
  env.Sweep();
  CHECK(env.FindSession(kept.id));
  CHECK(env.Outbox("").size() == 2);
  clock.AdvanceMs(31 * 1000);  // expired 61 s ago: gone, and so are its link and its email
  env.Sweep();
  CHECK_FALSE(env.FindSession(kept.id));
  CHECK_FALSE(env.HasLinkToken(kept.token));
  auto outbox = env.Outbox("");
  REQUIRE(outbox.size() == 1);
  CHECK(outbox[0].session_id == later.id);
}

TEST_CASE("max_stored caps each kind of entry; a sweep makes room again", "[sweep][caps]") {
  ManualClock clock;
  EnvironmentConfig seed = Seed();
  seed.max_stored = 3;
  seed.sweep_after_seconds = 60;
  Environment env(seed, clock, "http://mock");
  // The first lives a day; the sweep must still notice the later, shorter-lived ones.
  CreateSessionRequest day = Req("a@example.com");
  day.expires_in = 86400;
  REQUIRE(env.CreateSession(day).ok());
  for (int i = 0; i < 2; ++i) REQUIRE(env.CreateSession(Req("a@example.com")).ok());
  auto refused = env.CreateSession(Req("a@example.com"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::kLimitExceeded);
  CHECK(refused.error().message.find("maximum of 3 (config max_stored)") != std::string::npos);
  clock.AdvanceMs((900 + 30) * 1000);  // expired, but inside the grace period: still stored
  CHECK_FALSE(env.CreateSession(Req("a@example.com")).ok());
  clock.AdvanceMs(31 * 1000);  // past it: the create sweeps and then fits
  CHECK(env.CreateSession(Req("a@example.com")).ok());
}
