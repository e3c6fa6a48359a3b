// The redirect-URI allow-list of an environment (domain/redirect_uri_list.h): no duplicates,
// exactly one default, the dashboard's default rule, and the registry refusing bad seeds.
// (Moved from environment_test.cc; the rules for one URI are in redirect_uri_test.cc.)
#include <catch2/catch.hpp>

#include "domain/environment.h"
#include "domain/registry.h"
#include "environment_fixture.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::env_fixture::Seed;

namespace {

// The field codes of a refused redirect-URI list (empty when it was accepted).
std::vector<FieldError> RedirectUriErrors(const std::vector<RedirectUriEntry>& uris,
                                          bool wildcards = false) {
  auto error = Environment::ValidateRedirectUris(uris, {EnvironmentKind::kStaging, wildcards});
  if (error.ok()) return {};
  CHECK(error.error().kind == ErrorKind::kValidation);
  return error.error().errors;
}

}  // namespace

TEST_CASE("redirect URI lists: no duplicates, exactly one default", "[redirect_uri][validation]") {
  const std::string a = "http://localhost:3000/callback", b = "https://app.example.com/cb";
  CHECK(RedirectUriErrors({{a, true}, {b, false}}).empty());
  CHECK(RedirectUriErrors({}).empty());  // an empty list needs no default

  SECTION("a URI listed twice is refused at its second position") {
    auto errors = RedirectUriErrors({{a, true}, {b, false}, {a, false}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "redirect_uris[2]");
    CHECK(errors[0].code == "duplicate: '" + a + "' is already in the list");
    // Byte-exact, like matching: a trailing slash makes another URI.
    CHECK(RedirectUriErrors({{a, true}, {a + "/", false}}).empty());
  }
  SECTION("two defaults are refused") {
    auto errors = RedirectUriErrors({{a, true}, {b, true}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "redirect_uris");
    CHECK(errors[0].code == "exactly one redirect URI must be the default (found 2)");
  }
  SECTION("no default is refused") {
    auto errors = RedirectUriErrors({{a, false}, {b, false}});
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "exactly one redirect URI must be the default (found 0)");
  }
  SECTION("SetRedirectUris: the first non-wildcard URI becomes the default when none is") {
    ManualClock clock;
    EnvironmentConfig seed = Seed();
    seed.allow_wildcard_redirect_uris = true;
    Environment env(seed, clock, "http://mock");
    auto set = env.SetRedirectUris({{"https://*.example.com/cb", false}, {b, false}});
    REQUIRE(set.ok());
    REQUIRE(env.redirect_uris().size() == 2);
    CHECK_FALSE(env.redirect_uris()[0].is_default);
    CHECK(env.redirect_uris()[1].is_default);
    // Only wildcards: nothing can be the default, so the list is refused and nothing changes.
    auto refused = env.SetRedirectUris({{"https://*.example.com/cb", false}});
    CHECK(ErrorOf(refused).errors.at(0).field == "redirect_uris");
    CHECK(env.redirect_uris().size() == 2);
    // Duplicates and two defaults are refused the same way, and change nothing.
    CHECK(ErrorOf(env.SetRedirectUris({{b, true}, {b, false}})).errors.at(0).field ==
          "redirect_uris[1]");
    CHECK(ErrorOf(env.SetRedirectUris({{a, true}, {b, true}})).errors.at(0).field ==
          "redirect_uris");
    CHECK(env.redirect_uris()[1].uri == b);
  }
  SECTION("a seed with a duplicate or two defaults is refused by the registry") {
    ManualClock clock;
    Registry registry(clock, "http://mock");
    EnvironmentConfig dup = Seed("dup");
    dup.redirect_uris = {{a, true}, {a, false}};
    CHECK(ErrorOf(registry.Add(dup)).errors.at(0).field == "redirect_uris[1]");
    EnvironmentConfig two = Seed("two");
    two.redirect_uris = {{a, true}, {b, true}};
    CHECK(ErrorOf(registry.Add(two)).errors.at(0).field == "redirect_uris");
    CHECK(registry.ByName("dup") == nullptr);
    CHECK(registry.ByName("two") == nullptr);
  }
}
