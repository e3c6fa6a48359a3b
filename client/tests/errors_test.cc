// Typed errors: ApiError (and subclasses) vs TransportError vs ConfigError; no secret in them.
#include <catch2/catch.hpp>

#include "mock_server.h"

using testsupport::TestEnv;

namespace {
workos::CreatePasswordlessSessionOptions Session(const std::string& email) {
  workos::CreatePasswordlessSessionOptions o;
  o.email = email;
  return o;
}
}  // namespace

TEST_CASE("401: a wrong API key is an UnauthorizedError without the key", "[errors]") {
  TestEnv t;
  workos::Config c = t.config;
  c.api_key = "sk_test_this_key_does_not_exist_42";
  workos::Client bad(c);
  try {
    bad.passwordless().CreateSession(Session("a@example.com"));
    FAIL("expected UnauthorizedError");
  } catch (const workos::UnauthorizedError& e) {
    CHECK(e.status() == 401);
    CHECK(e.message() == "Unauthorized");
    CHECK(!e.request_id().empty());
    CHECK(e.attempts() == 1);  // 401 is not retried
    CHECK(std::string(e.what()).find(c.api_key) == std::string::npos);
    CHECK(e.raw_body().find(c.api_key) == std::string::npos);
    CHECK(e.ToJson().dump().find(c.api_key) == std::string::npos);
  }
}

TEST_CASE("422: validation errors carry errors[] and the request id", "[errors]") {
  TestEnv t;
  try {
    t.client.passwordless().CreateSession(Session(""));  // "" means absent: email is required
    FAIL("expected UnprocessableEntityError");
  } catch (const workos::UnprocessableEntityError& e) {
    CHECK(e.status() == 422);
    CHECK(!e.message().empty());
    CHECK(!e.request_id().empty());
    REQUIRE(!e.errors().empty());
    CHECK(e.errors()[0].field == "email");
    CHECK(!e.errors()[0].code.empty());
    CHECK(std::string(e.what()).find("email") != std::string::npos);
    CHECK(std::string(e.what()).find(e.request_id()) != std::string::npos);
  }

  // Also catchable as the base types.
  CHECK_THROWS_AS(t.client.passwordless().CreateSession(Session("")), workos::ApiError);
  CHECK_THROWS_AS(t.client.passwordless().CreateSession(Session("")), workos::Error);
}

TEST_CASE("422: sending an unknown session", "[errors]") {
  TestEnv t;
  try {
    t.client.passwordless().SendSession("passwordless_session_01NOPE");
    FAIL("expected UnprocessableEntityError");
  } catch (const workos::UnprocessableEntityError& e) {
    CHECK(e.status() == 422);
    CHECK(e.message().find("has expired or is invalid") != std::string::npos);
    CHECK(!e.request_id().empty());
  }
}

TEST_CASE("400 invalid_grant: an OAuthError with error, description and request id", "[errors]") {
  TestEnv t;
  try {
    t.client.sso().GetProfileAndToken("01NOT_A_REAL_CODE");
    FAIL("expected OAuthError");
  } catch (const workos::OAuthError& e) {
    CHECK(e.status() == 400);
    CHECK(e.error() == "invalid_grant");
    CHECK(!e.error_description().empty());
    CHECK(!e.request_id().empty());
    CHECK(e.attempts() == 1);
    const std::string what = e.what();
    CHECK(what.find("invalid_grant") != std::string::npos);
    CHECK(what.find(t.env.api_key) == std::string::npos);  // it was the client_secret
    CHECK(e.raw_body().find(t.env.api_key) == std::string::npos);
  }
  // The journal keeps the request, with the secret redacted.
  auto tokens = testsupport::Requests(t.mock(), "POST", "/sso/token");
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].raw.dump().find(t.env.api_key) == std::string::npos);
}

TEST_CASE("401 on /sso/profile with a bad access token", "[errors]") {
  TestEnv t;
  CHECK_THROWS_AS(t.client.sso().GetProfile("not-a-token"), workos::UnauthorizedError);
}

TEST_CASE("missing configuration is a ConfigError, before any request", "[errors]") {
  workos::Config c = testsupport::BaseConfig();
  c.api_key.clear();
  workos::Client client(c);
  CHECK_THROWS_AS(client.passwordless().CreateSession(Session("a@example.com")),
                  workos::ConfigError);
  CHECK_THROWS_AS(client.sso().GetProfileAndToken("code"), workos::ConfigError);
  c.base_url = "ftp://example.com";
  c.api_key = "sk_test_x";
  CHECK_THROWS_AS(workos::Client(c).connections().List(), workos::ConfigError);
}

TEST_CASE("TransportError: nothing listening, retried, then thrown", "[errors]") {
  workos::Config c = testsupport::BaseConfig();
  c.api_key = "sk_test_secret_key_never_printed";
  c.base_url = "http://127.0.0.1:1";
  c.retry.max_retries = 2;
  std::vector<std::string> log;
  c.logger = [&log](const std::string& line) { log.push_back(line); };
  workos::Client client(c);
  try {
    client.connections().List();
    FAIL("expected TransportError");
  } catch (const workos::TransportError& e) {
    CHECK(e.kind() == workos::TransportError::Kind::kConnect);
    CHECK(e.attempts() == 3);
    CHECK(std::string(e.what()).find(c.api_key) == std::string::npos);
  }
  CHECK(log.size() >= 3);
  for (const std::string& line : log) CHECK(line.find(c.api_key) == std::string::npos);
}

TEST_CASE("TLS is verified: https to a plain-HTTP port fails, not silently accepted", "[errors]") {
  TestEnv t;
  workos::Config c = t.config;
  std::string base = testsupport::MockBaseUrl();
  c.base_url = "https://" + base.substr(base.find("://") + 3);
  workos::Client client(c);
  try {
    client.connections().List();
    FAIL("expected TransportError");
  } catch (const workos::TransportError& e) {
    CHECK(e.kind() == workos::TransportError::Kind::kTls);
    CHECK(e.attempts() == 1);  // TLS failures are not retried
  }
  c.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_AS(workos::Client(c).connections().List(), workos::TransportError);
}

TEST_CASE("the logger sees every attempt and never the API key", "[errors]") {
  TestEnv t;
  std::vector<std::string> log;
  workos::Config c = t.config;
  c.logger = [&log](const std::string& line) { log.push_back(line); };
  workos::Client client(c);
  auto s = client.passwordless().CreateSession(Session("log@example.com"));
  CHECK_THROWS(client.sso().GetProfileAndToken("bad"));
  REQUIRE(log.size() >= 2);
  CHECK(log[0].find("POST /passwordless/sessions -> 201") != std::string::npos);
  for (const std::string& line : log) CHECK(line.find(c.api_key) == std::string::npos);
}
