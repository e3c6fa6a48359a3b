// Helpers of the magic-link HTTP tests (magic_link_flow_test.cc, api_errors_test.cc,
// idempotency_test.cc, control_plane_test.cc): the default environment's key and client, a
// session created with the expected status, a click, the code exchange, and the clock advanced.
#pragma once

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "test_server.h"

namespace magic_link_testing {

using namespace workos_mock::testing;
using nlohmann::json;

inline const std::string kKey = "sk_test_workos_mock";
inline const std::string kClient = "client_workos_mock";

inline json CreateSession(const TestServer& s, const std::string& key, json body, int want = 201) {
  Reply r = Post(s, "/passwordless/sessions", body.dump(), key);
  INFO(r.body);
  REQUIRE(r.status == want);
  return r.json;
}

inline Reply Click(const TestServer& s, const std::string& link) { return Get(s, PathOf(link)); }

inline Reply Exchange(const TestServer& s, const std::string& code, const std::string& client_id,
                      const std::string& secret) {
  return Post(s, "/sso/token",
              "client_id=" + client_id + "&client_secret=" + secret +
                  "&grant_type=authorization_code&code=" + code,
              "", "application/x-www-form-urlencoded;charset=utf-8");
}

inline void Advance(const TestServer& s, const std::string& key, int64_t seconds) {
  Reply r = Post(s, "/_mock/clock/advance", json{{"seconds", seconds}}.dump(), key);
  REQUIRE(r.status == 200);
}

}  // namespace magic_link_testing
