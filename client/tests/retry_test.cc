// Retries, backoff, Retry-After, timeouts and the deadline, driven by the mock's fault injection
// and checked against its request journal.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "mock_server.h"

using testsupport::Requests;
using testsupport::TestEnv;

namespace {

using Ms = std::chrono::milliseconds;

std::string AccessToken(TestEnv& t) {
  std::string code = testsupport::MagicLinkCode(t, "retry@example.com");
  return t.client.sso().GetProfileAndToken(code).access_token;
}

workos::FaultSpec Fault(const std::string& method, const std::string& path, int status,
                        int times = 1) {
  workos::FaultSpec f;
  f.method = method;
  f.path = path;
  f.status = status;
  f.times = times;
  return f;
}

// GET /sso/profile answers only after `delay_ms`, the next `times` times: a slow server.
void SlowProfile(TestEnv& t, int times, int delay_ms) {
  workos::FaultSpec spec = Fault("GET", "/sso/profile", 0, times);
  spec.delay_ms = delay_ms;
  t.mock().AddFault(spec);
}

long long MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - t0).count();
}

// Upper bounds on wall time only catch a stall (these tests also run under ASan on a shared
// machine): what a test expects to take ~1 s may take up to this. The behaviour itself is checked
// by attempt counts and the mock's journal.
constexpr long long kStallMs = 10000;

}  // namespace

TEST_CASE("fault injection API: add, list, clear", "[retry]") {
  TestEnv t;
  workos::FaultSpec spec = Fault("GET", "/sso/profile", 503, 2);
  spec.headers["Retry-After"] = "1";
  spec.body = {{"message", "down"}};
  workos::Fault f = t.mock().AddFault(spec);
  CHECK(f.object == "fault");
  CHECK(!f.id.empty());
  CHECK(f.method == "GET");
  CHECK(f.path == "/sso/profile");
  CHECK(f.status == 503);
  CHECK(f.remaining == 2);
  CHECK(f.action == "respond");
  auto list = t.mock().ListFaults();
  REQUIRE(list.size() == 1);
  CHECK(list[0].id == f.id);
  t.mock().ClearFaults();
  CHECK(t.mock().ListFaults().empty());
}

TEST_CASE("429 with Retry-After: 1, then success (GET)", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  workos::FaultSpec spec = Fault("GET", "/sso/profile", 429);
  spec.headers["Retry-After"] = "1";
  t.mock().AddFault(spec);
  t.mock().ClearRequests();

  auto t0 = std::chrono::steady_clock::now();
  workos::Profile p = t.client.sso().GetProfile(token);
  CHECK(p.email == "retry@example.com");
  CHECK(MsSince(t0) >= 950);  // waited the Retry-After, not the 50 ms backoff

  auto seen = Requests(t.mock(), "GET", "/sso/profile");
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].status == 429);
  CHECK(seen[0].status == 200);
  CHECK(t.mock().ListFaults().empty());  // used up
}

TEST_CASE("three 503s, then success (GET)", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  t.mock().AddFault(Fault("GET", "/sso/profile", 503, 3));
  t.mock().ClearRequests();

  workos::Profile p = t.client.sso().GetProfile(token);
  CHECK(p.email == "retry@example.com");
  auto seen = Requests(t.mock(), "GET", "/sso/profile");
  REQUIRE(seen.size() == 4);
  CHECK(seen[3].status == 503);
  CHECK(seen[2].status == 503);
  CHECK(seen[1].status == 503);
  CHECK(seen[0].status == 200);
}

TEST_CASE("three 503s, then success (POST with an Idempotency-Key, one session)", "[retry]") {
  TestEnv t;
  t.mock().AddFault(Fault("POST", "/passwordless/sessions", 503, 3));
  workos::CreatePasswordlessSessionOptions o;
  o.email = "idem@example.com";
  auto session = t.client.passwordless().CreateSession(o);
  CHECK(session.email == "idem@example.com");

  auto seen = Requests(t.mock(), "POST", "/passwordless/sessions");
  REQUIRE(seen.size() == 4);
  const std::string key = seen[0].header("Idempotency-Key");
  CHECK(!key.empty());
  for (const auto& e : seen) CHECK(e.header("Idempotency-Key") == key);  // one key per call
  CHECK(seen[0].status == 201);

  // The next call is another logical POST: another key.
  t.client.passwordless().CreateSession(o);
  auto after = Requests(t.mock(), "POST", "/passwordless/sessions");
  REQUIRE(after.size() == 5);
  CHECK(after[0].header("Idempotency-Key") != key);
}

TEST_CASE("a closed connection, then success (GET)", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  workos::FaultSpec spec = Fault("GET", "/sso/profile", 0);
  spec.action = "close";
  t.mock().AddFault(spec);
  t.mock().ClearRequests();

  std::vector<std::string> log;
  workos::Config c = t.config;
  c.logger = [&log](const std::string& line) { log.push_back(line); };
  workos::Client client(c);
  workos::Profile p = client.sso().GetProfile(token);
  CHECK(p.email == "retry@example.com");
  CHECK(Requests(t.mock(), "GET", "/sso/profile").size() == 2);
  bool saw_retry = false;
  for (const auto& line : log)
    saw_retry |= line.find("retrying GET /sso/profile") != std::string::npos;
  CHECK(saw_retry);
}

TEST_CASE("a closed connection on a POST without Idempotency-Key is not retried", "[retry]") {
  TestEnv t;
  workos::FaultSpec spec = Fault("POST", "/passwordless/sessions", 0);
  spec.action = "close";
  t.mock().AddFault(spec);
  workos::Config c = t.config;
  c.auto_idempotency_keys = false;
  workos::Client client(c);
  workos::CreatePasswordlessSessionOptions o;
  o.email = "closed@example.com";
  try {
    client.passwordless().CreateSession(o);
    FAIL("expected TransportError");
  } catch (const workos::TransportError& e) {
    CHECK(e.kind() == workos::TransportError::Kind::kConnectionClosed);
    CHECK(e.attempts() == 1);
  }
  CHECK(Requests(t.mock(), "POST", "/passwordless/sessions").size() == 1);
}

TEST_CASE("a request slower than the timeout is a TransportError (timeout)", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  SlowProfile(t, 5, 2500);

  workos::Config c = t.config;
  c.request_timeout = Ms(500);
  c.retry.max_retries = 1;
  workos::Client client(c);
  auto t0 = std::chrono::steady_clock::now();
  try {
    client.sso().GetProfile(token);
    FAIL("expected TransportError");
  } catch (const workos::TransportError& e) {
    CHECK(e.is_timeout());
    CHECK(e.attempts() == 2);  // without the 500 ms timeout, the 2.5 s delay would answer 200
  }
  CHECK(MsSince(t0) < kStallMs);  // ~1.1 s
  t.mock().ClearFaults();
}

TEST_CASE("the total deadline bounds all attempts and sleeps", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  SlowProfile(t, 10, 3000);

  workos::Config c = t.config;
  c.request_timeout = Ms(1000);
  c.total_deadline = Ms(1500);
  c.retry.max_retries = 10;
  workos::Client client(c);
  auto t0 = std::chrono::steady_clock::now();
  try {
    client.sso().GetProfile(token);
    FAIL("expected TransportError");
  } catch (const workos::TransportError& e) {
    CHECK(e.is_timeout());
    // 1.5 s leaves room for one 1 s attempt and a shortened second; without the deadline all 11
    // attempts would run.
    CHECK(e.attempts() >= 1);
    CHECK(e.attempts() <= 2);
  }
  CHECK(MsSince(t0) < kStallMs);  // ~1.5 s
  t.mock().ClearFaults();
}

TEST_CASE("a POST without Idempotency-Key that gets a 503 is not retried", "[retry]") {
  TestEnv t;
  workos::Config c = t.config;
  c.auto_idempotency_keys = false;
  workos::Client client(c);

  SECTION("passwordless create") {
    t.mock().AddFault(Fault("POST", "/passwordless/sessions", 503));
    workos::CreatePasswordlessSessionOptions o;
    o.email = "once@example.com";
    try {
      client.passwordless().CreateSession(o);
      FAIL("expected ServerError");
    } catch (const workos::ServerError& e) {
      CHECK(e.status() == 503);
      CHECK(e.attempts() == 1);
      CHECK(!e.request_id().empty());
    }
    auto seen = Requests(t.mock(), "POST", "/passwordless/sessions");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].header("Idempotency-Key").empty());
  }
  SECTION("sso token (a code is single use: never retried blindly)") {
    t.mock().AddFault(Fault("POST", "/sso/token", 503));
    CHECK_THROWS_AS(t.client.sso().GetProfileAndToken("some-code"), workos::ServerError);
    CHECK(Requests(t.mock(), "POST", "/sso/token").size() == 1);
  }
}

TEST_CASE("retries are bounded: the last error is thrown", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  t.mock().AddFault(Fault("GET", "/sso/profile", 502, 10));
  t.mock().ClearRequests();
  workos::Config c = t.config;
  c.retry.max_retries = 2;
  workos::Client client(c);
  try {
    client.sso().GetProfile(token);
    FAIL("expected ServerError");
  } catch (const workos::ServerError& e) {
    CHECK(e.status() == 502);
    CHECK(e.attempts() == 3);
  }
  CHECK(Requests(t.mock(), "GET", "/sso/profile").size() == 3);
  t.mock().ClearFaults();
}

TEST_CASE("a Retry-After beyond the limit is not waited for", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  workos::FaultSpec spec = Fault("GET", "/sso/profile", 429);
  spec.headers["Retry-After"] = "120";
  t.mock().AddFault(spec);
  workos::Config c = t.config;
  c.retry.max_retry_after = Ms(60000);  // waiting it (a bug) would show as a stall
  workos::Client client(c);
  auto t0 = std::chrono::steady_clock::now();
  try {
    client.sso().GetProfile(token);
    FAIL("expected RateLimitError");
  } catch (const workos::RateLimitError& e) {
    CHECK(e.status() == 429);
    REQUIRE(e.retry_after());
    CHECK(*e.retry_after() == Approx(120));
    CHECK(e.attempts() == 1);
  }
  CHECK(MsSince(t0) < kStallMs);  // not waited: a few ms
}

TEST_CASE("4xx other than 408/429 are not retried", "[retry]") {
  TestEnv t;
  t.mock().AddFault(Fault("POST", "/passwordless/sessions", 400, 3));
  workos::CreatePasswordlessSessionOptions o;
  o.email = "x@example.com";
  CHECK_THROWS_AS(t.client.passwordless().CreateSession(o), workos::BadRequestError);
  CHECK(Requests(t.mock(), "POST", "/passwordless/sessions").size() == 1);
  t.mock().ClearFaults();
}

TEST_CASE("the observer sees each call's final exchange once, with the token sent", "[retry]") {
  TestEnv t;
  std::string token = AccessToken(t);
  struct Seen {
    std::string method, url, bearer;
    long status;
    std::string body;
  };
  std::vector<Seen> seen;
  workos::Config observed = t.config;
  observed.observer = [&seen](const workos::HttpRequest& req, const std::string& url,
                              const workos::HttpResponse& resp) {
    seen.push_back({req.method, url, req.bearer_token, resp.status, resp.body});
  };
  workos::Client client(observed);
  t.mock().AddFault(Fault("GET", "/sso/profile", 503, 2));

  // Two 503s retried, then 200: one observation, the final one.
  CHECK(client.sso().GetProfile(token).email == "retry@example.com");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].url == t.config.base_url + "/sso/profile");
  CHECK(seen[0].bearer == token);
  CHECK(seen[0].status == 200);
  CHECK(seen[0].body.find("retry@example.com") != std::string::npos);

  // An API-key call that fails: observed before the error is thrown, with the key it sent.
  seen.clear();
  CHECK_THROWS_AS(client.connections().Get("conn_unknown"), workos::NotFoundError);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].url == t.config.base_url + "/connections/conn_unknown");
  CHECK(seen[0].bearer == t.config.api_key);
  CHECK(seen[0].status == 404);
}
