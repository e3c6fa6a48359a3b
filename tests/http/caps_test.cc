// The caps and limits an environment enforces: max_stored (429 with Retry-After), durations out
// of range (422 naming the key), and at most 100 faults.
#include <catch2/catch.hpp>

#include <string>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

TEST_CASE("an environment's max_stored cap answers 429 with Retry-After", "[caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"max_stored", 100}});
  const std::string body = R"({"type":"MagicLink","email":"cap@example.com"})";
  for (int i = 0; i < 100; ++i)
    REQUIRE(Post(s, "/passwordless/sessions", body, env.api_key).status == 201);
  Reply full = Post(s, "/passwordless/sessions", body, env.api_key);
  CHECK(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  CHECK(full.json["code"] == "rate_limit_exceeded");
  CHECK(full.json["message"].get<std::string>().find("100 (config max_stored)") !=
        std::string::npos);
  // Other environments are not affected.
  CHECK(Post(s, "/passwordless/sessions", body, "sk_test_workos_mock").status == 201);
  // Out of range: a validation error naming the key.
  Reply bad = Post(s, "/_mock/environments", R"({"max_stored":5})");
  CHECK(bad.status == 422);
  CHECK(bad.body.find("max_stored") != std::string::npos);
}

TEST_CASE("durations out of range are refused with 422 naming the key", "[limits]") {
  TestServer s;
  for (const char* key : {"link_ttl_seconds", "code_ttl_seconds", "access_token_ttl_seconds",
                          "sweep_after_seconds"}) {
    INFO(key);
    Reply r = Post(s, "/_mock/environments", std::string("{\"") + key + "\": 9223372036854775807}");
    CHECK(r.status == 422);
    CHECK(r.json["errors"][0]["field"] == key);
  }
}

TEST_CASE("faults are capped per environment: the 101st is 429, nothing replaced", "[caps]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  const std::string fault = R"({"path": "/passwordless/sessions", "status": 503})";
  for (int i = 0; i < 100; ++i) REQUIRE(Post(s, "/_mock/faults", fault, env.api_key).status == 201);
  Reply full = Post(s, "/_mock/faults", fault, env.api_key);
  CHECK(full.status == 429);
  CHECK(full.header("Retry-After") == "1");
  CHECK(full.json["code"] == "rate_limit_exceeded");
  CHECK(Get(s, "/_mock/faults", env.api_key).json["data"].size() == 100);
  REQUIRE(Delete(s, "/_mock/faults", env.api_key).status == 204);
  CHECK(Post(s, "/_mock/faults", fault, env.api_key).status == 201);
}
