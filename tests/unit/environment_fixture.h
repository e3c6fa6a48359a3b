// The staging environment the passwordless, code, environment and registry tests share: two
// redirect URIs (the first the default), a manual clock, and a magic-link request builder.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "domain/environment.h"

namespace workos_mock::testing::env_fixture {

inline EnvironmentConfig Seed(const std::string& name = "test") {
  EnvironmentConfig c;
  c.name = name;
  c.api_keys = {"sk_test_" + name};
  c.client_id = "client_" + name;
  c.redirect_uris = {{"http://localhost:3000/callback", true},
                     {"https://app.example.com/cb", false}};
  return c;
}

inline CreateSessionRequest Req(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  return r;
}

// The code a link visit redirected with.
inline std::string CodeOf(const LinkVisitOutcome& o) {
  auto pos = o.location.find("code=");
  return o.location.substr(pos + 5, 26);
}

struct Fixture {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};
  PasswordlessSession Create(const std::string& email = "ann@example.com") {
    auto s = env.CreateSession(Req(email));
    REQUIRE(s.ok());
    return s.value();
  }
};

}  // namespace workos_mock::testing::env_fixture
