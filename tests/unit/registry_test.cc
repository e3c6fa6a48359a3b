// The registry (domain/registry.h): which environment a key, a client id or a secret belongs to.
#include <catch2/catch.hpp>

#include "domain/registry.h"
#include "environment_fixture.h"
#include "result_checks.h"

using namespace workos_mock;
using namespace workos_mock::testing::env_fixture;
using workos_mock::testing::ErrorOf;

TEST_CASE("registry: keys match the kind, and credentials route to one environment", "[registry]") {
  ManualClock clock;
  Registry registry(clock, "http://mock");
  REQUIRE(registry.Add(Seed("a")).ok());
  REQUIRE(registry.Add(Seed("b")).ok());
  CHECK(registry.ByApiKey("sk_test_a")->name() == "a");
  CHECK(registry.ByClientId("client_b")->name() == "b");
  CHECK(registry.ByApiKey("sk_test_c") == nullptr);
  CHECK(ErrorOf(registry.Add(Seed("a"))).kind == ErrorKind::kConflict);

  auto prod = Seed("p");
  prod.kind = EnvironmentKind::kProduction;
  auto refused = registry.Add(prod);  // sk_test_ key and http redirect URIs in production
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().errors.size() >= 2);
  prod.api_keys = {"sk_live_p"};
  prod.redirect_uris = {{"https://app.example.com/cb", true}};
  CHECK(registry.Add(prod).ok());

  auto generated = registry.Generate(EnvironmentKind::kProduction);
  CHECK(generated.api_keys.at(0).rfind("sk_live_", 0) == 0);
  CHECK(generated.client_id.rfind("client_", 0) == 0);

  // A link token belongs to exactly one environment.
  auto session = registry.ByName("a")->CreateSession(Req("x@example.com"));
  CHECK(registry.ByLinkToken(session.value().token)->name() == "a");
  CHECK(registry.ByName("b")->HasLinkToken(session.value().token) == false);
  CHECK(registry.Remove("a"));
  CHECK(registry.ByApiKey("sk_test_a") == nullptr);
}
