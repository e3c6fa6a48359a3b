// Magic Link (passwordless) scenarios: the session, its link, its lifetime, sending it.
#include <cmath>
#include <regex>

#include "harness.h"

using namespace conformance;
using nlohmann::json;

namespace {

workos::PasswordlessSession Create(Scenario& s, const std::string& email, int expires_in = 0,
                                   const std::string& state = "") {
  workos::CreatePasswordlessSessionOptions o;
  o.email = email;
  o.redirect_uri = s.redirect_uri();
  o.expires_in = expires_in;
  o.state = state;
  return s.client().passwordless().CreateSession(o);
}

// Seconds from now until the session's expires_at.
double SecondsLeft(const workos::PasswordlessSession& session) {
  auto at = ParseIso8601(session.expires_at);
  REQUIRE(at.has_value());
  return *at - NowSeconds();
}

// Within this many seconds of the expected lifetime (clock skew between the suite and the API,
// plus the request's own round trip).
constexpr double kTolerance = 120;

// The outcome of a used or expired link: back to the app's redirect URI with
// error=access_denied and no code (the reference's `link` description). On the mock also: an
// error_description naming `why` ("used" / "expired"), and the session's state.
void CheckAccessDenied(const HttpResult& visit, const std::string& redirect_uri,
                       const std::string& why, const std::string& state = "") {
  INFO("visit answered " << visit.status << ", Location '" << visit.location() << "'");
  CHECK(visit.status == 302);
  CHECK(visit.location().rfind(redirect_uri + "?", 0) == 0);
  CHECK(workos::QueryParam(visit.location(), "error") == "access_denied");
  CHECK(workos::QueryParam(visit.location(), "code").empty());
  if (IsMock()) {
    CHECK(workos::QueryParam(visit.location(), "error_description").find(why) != std::string::npos);
    CHECK(workos::QueryParam(visit.location(), "state") == state);
  }
}

// A raw create-session POST carrying an Idempotency-Key.
HttpResult CreateWithKey(Scenario& s, const std::string& email, const std::string& key) {
  return Http(
      "POST", Url("/passwordless/sessions"),
      {{"Content-Type", "application/json"},
       {"Authorization", "Bearer " + s.api_key()},
       {"Idempotency-Key", key}},
      json{{"type", "MagicLink"}, {"email", email}, {"redirect_uri", s.redirect_uri()}}.dump());
}

}  // namespace

TEST_CASE("passwordless: session shape and id formats", "[live-safe][passwordless]") {
  Scenario s;
  const std::string email = s.Email();
  workos::PasswordlessSession session = Create(s, email);
  INFO(session.raw.dump());
  CHECK(session.object == "passwordless_session");
  CHECK(IsUlidId(session.id, "passwordless_session_"));
  CHECK(session.email == email);
  CHECK(std::regex_match(session.expires_at,
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(std::regex_match(session.link,
                         std::regex(R"(https?://[^/?#]+/passwordless/[A-Za-z0-9_-]+/confirm)")));
  for (const char* key : {"object", "id", "email", "expires_at", "link"}) {
    INFO(key);
    CHECK(session.raw.contains(key));
  }
  // Two sessions never share an id or a link.
  workos::PasswordlessSession other = Create(s, email);
  CHECK(other.id != session.id);
  CHECK(other.link != session.link);
  // The raw reply: 201, JSON content type, a request id.
  HttpResult raw = PostJson(
      "/passwordless/sessions",
      {{"type", "MagicLink"}, {"email", email}, {"redirect_uri", s.redirect_uri()}}, s.api_key());
  CHECK(raw.status == 201);
  CHECK(raw.header("content-type").rfind("application/json", 0) == 0);
  CHECK(!raw.header("x-request-id").empty());
}

TEST_CASE("passwordless: the default link lifetime is 15 minutes",
          "[live-safe][passwordless][ttl]") {
  Scenario s;
  const double left = SecondsLeft(Create(s, s.Email()));
  INFO("expires_at is " << left << " s from now");
  CHECK(std::fabs(left - 900) <= kTolerance);
}

TEST_CASE("passwordless: expires_in sets the link lifetime", "[live-safe][passwordless][ttl]") {
  Scenario s;
  for (int expires_in : {900, 3600, 86400}) {
    const double left = SecondsLeft(Create(s, s.Email(), expires_in));
    INFO("expires_in " << expires_in << ": expires_at is " << left << " s from now");
    CHECK(std::fabs(left - expires_in) <= kTolerance);
  }
}

TEST_CASE("passwordless: link lifetime by the clock (14:59 ok, 15:01 expired; expires_in)",
          "[mock-only][passwordless][ttl]") {
  Scenario s;
  workos::PasswordlessSession early = Create(s, s.Email());
  workos::PasswordlessSession late = Create(s, s.Email());
  workos::PasswordlessSession hour = Create(s, s.Email(), 3600);
  workos::PasswordlessSession hour_late = Create(s, s.Email(), 3600);
  s.mock().AdvanceClock(14 * 60 + 59);
  CHECK(Visit(early.link).status == 302);
  s.mock().AdvanceClock(2);  // 15:01
  CheckAccessDenied(Visit(late.link), s.redirect_uri(), "expired");
  CHECK(Visit(hour.link).status == 302);  // expires_in 3600: alive at 15:01
  s.mock().AdvanceClock(3600 - 901 - 1);  // 59:59
  CHECK(Visit(hour_late.link).status == 302);
  workos::PasswordlessSession hour_expired = Create(s, s.Email(), 3600);
  s.mock().AdvanceClock(3601);
  CheckAccessDenied(Visit(hour_expired.link), s.redirect_uri(), "expired");
}

TEST_CASE("passwordless: send emails the link", "[live-safe][sends-email][passwordless]") {
  Scenario s;
  const std::string to = IsMock() ? s.Email("send") : settings().send_to;
  workos::PasswordlessSession session = Create(s, to);
  CHECK(s.client().passwordless().SendSession(session.id));
  if (IsMock()) {
    std::optional<workos::Email> mail = s.mock().LatestEmail(to, 5);
    REQUIRE(mail.has_value());
    CHECK(mail->to == to);
    CHECK(mail->link == session.link);
    CHECK(mail->session_id == session.id);
    CHECK(mail->html.find(session.link) != std::string::npos);
  }
}

TEST_CASE("magic link: a click redirects to the redirect URI with code and state",
          "[live-safe][passwordless][link]") {
  Scenario s;
  const std::string state = "conformance-state_42";
  workos::PasswordlessSession session = Create(s, s.Email(), 0, state);
  HttpResult click = Visit(session.link);
  INFO("Location: " << click.location());
  REQUIRE(click.status == 302);
  CHECK(click.location().rfind(s.redirect_uri() + "?", 0) == 0);
  CHECK(!workos::QueryParam(click.location(), "code").empty());
  CHECK(workos::QueryParam(click.location(), "state") == state);
}

TEST_CASE("magic link: a second click goes back to the app with error=access_denied",
          "[live-safe][passwordless][link]") {
  Scenario s;
  workos::PasswordlessSession session = Create(s, s.Email(), 0, "conformance-again");
  REQUIRE(Visit(session.link).status == 302);
  CheckAccessDenied(Visit(session.link), s.redirect_uri(), "used", "conformance-again");
  // An unknown token has no app to go back to (mock: an HTML page).
  if (IsMock()) {
    drift::NotRecorded mock_only;
    HttpResult unknown = Visit(Url("/passwordless/AAAAAAAAAAAAAAAAAAAAAAAAA/confirm"));
    CHECK(unknown.status == 400);
    CHECK(unknown.location().empty());
  }
}

TEST_CASE("magic link: an expired link goes back with access_denied and can no longer be sent",
          "[mock-only][passwordless][link]") {
  Scenario s;
  workos::PasswordlessSession session = Create(s, s.Email());
  s.mock().AdvanceClock(15 * 60 + 1);
  CheckAccessDenied(Visit(session.link), s.redirect_uri(), "expired");
  auto e = ExpectError<workos::UnprocessableEntityError>(
      "send after expiry", [&] { s.client().passwordless().SendSession(session.id); });
  if (e) {
    CHECK(e->message() ==
          "The passwordless session '" + session.id + "' has expired or is invalid.");
  }
}

TEST_CASE("scanner: a prefetching email scanner uses the link before the user clicks",
          "[mock-only][passwordless][scanner]") {
  Scenario s;
  // PUT /_mock/scanner {"mode":"prefetch", "allowlist":["trusted.example"]}
  try {
    workos::ScannerSettings scanner;
    scanner.mode = "prefetch";
    scanner.allowlist = {"trusted.example"};
    s.mock().SetScanner(scanner);
  } catch (const workos::NotFoundError& e) {
    FAIL("PUT /_mock/scanner is not implemented by this workos-mock (404): " << e.what());
  }

  workos::PasswordlessSession session = Create(s, s.Email("scanned"));
  REQUIRE(s.client().passwordless().SendSession(session.id));
  // The user clicks after the scanner did: back to the app with access_denied, no code.
  CheckAccessDenied(Visit(session.link), s.redirect_uri(), "used");
  std::optional<workos::Email> mail = s.mock().LatestEmail(session.email, 5);
  REQUIRE(mail.has_value());
  INFO(mail->raw.dump());
  REQUIRE(mail->raw.contains("scanner"));
  REQUIRE(mail->raw["scanner"].is_object());
  CHECK(mail->raw["scanner"].value("mode", "") == "prefetch");
  CHECK(mail->raw["scanner"].value("outcome", "") == "consumed");

  // The documented work-around: a recipient on the scanner's allow-list keeps a working link.
  workos::CreatePasswordlessSessionOptions o;
  o.email = "ann@trusted.example";
  o.redirect_uri = s.redirect_uri();
  workos::PasswordlessSession trusted = s.client().passwordless().CreateSession(o);
  REQUIRE(s.client().passwordless().SendSession(trusted.id));
  CHECK(Visit(trusted.link).status == 302);
  std::optional<workos::Email> trusted_mail = s.mock().LatestEmail(o.email, 5);
  REQUIRE(trusted_mail.has_value());
  CHECK(trusted_mail->raw["scanner"].value("outcome", "") == "skipped_allowlisted");
}

TEST_CASE("faults: an injected 429 with Retry-After is retried once, then the create succeeds",
          "[mock-only][passwordless][faults]") {
  Scenario s;
  workos::FaultSpec fault;
  fault.method = "POST";
  fault.path = "/passwordless/sessions";
  fault.status = 429;
  fault.headers = {{"Retry-After", "1"}};
  fault.times = 1;
  s.mock().AddFault(fault);
  s.mock().ClearRequests();

  const auto started = NowSeconds();
  workos::PasswordlessSession session = Create(s, s.Email());
  const double took = NowSeconds() - started;
  CHECK(IsUlidId(session.id, "passwordless_session_"));
  CHECK(took >= 0.9);  // Retry-After: 1 was honoured

  std::vector<workos::JournalEntry> creates;
  for (const auto& e : s.mock().ListRequests())
    if (e.method == "POST" && e.path == "/passwordless/sessions") creates.push_back(e);
  REQUIRE(creates.size() == 2);
  // Newest first: the retry that succeeded, then the injected 429.
  CHECK(creates[0].status == 201);
  CHECK(creates[1].status == 429);
  // One Idempotency-Key across the retries (the 429 created nothing, so one session either way).
  CHECK(!creates[1].header("Idempotency-Key").empty());
  CHECK(creates[0].header("Idempotency-Key") == creates[1].header("Idempotency-Key"));

  // A 429 that persists surfaces as a RateLimitError carrying Retry-After.
  fault.times = 5;
  s.mock().AddFault(fault);
  workos::Config no_retry = s.config();
  no_retry.retry.max_retries = 0;
  workos::Client impatient(no_retry);
  auto e = ExpectError<workos::RateLimitError>("create under a 429", [&] {
    workos::CreatePasswordlessSessionOptions o;
    o.email = s.Email();
    impatient.passwordless().CreateSession(o);
  });
  if (e) {
    CHECK(e->status() == 429);
    REQUIRE(e->retry_after().has_value());
    CHECK(*e->retry_after() == 1);
  }
  s.mock().ClearFaults();
}

TEST_CASE("magic link: a HEAD consumes the link unless the environment is HEAD-safe",
          "[mock-only][passwordless][link]") {
  Scenario s;
  workos::PasswordlessSession eaten = Create(s, s.Email());
  HttpResult head = Http("HEAD", eaten.link);
  CHECK(head.status == 302);  // the GET handler ran, as on the live stack
  CHECK(!workos::QueryParam(head.location(), "code").empty());
  CheckAccessDenied(Visit(eaten.link), s.redirect_uri(), "used");

  CHECK(s.mock().SetSettings({{"head_consumes_links", false}})["head_consumes_links"] == false);
  workos::PasswordlessSession kept = Create(s, s.Email());
  CHECK(Http("HEAD", kept.link).status == 200);
  HttpResult click = Visit(kept.link);
  CHECK(click.status == 302);
  CHECK(!workos::QueryParam(click.location(), "code").empty());
}

TEST_CASE("idempotency: a create repeated with one Idempotency-Key makes a second session",
          "[live-safe][passwordless][idempotency]") {
  Scenario s;
  const std::string email = s.Email();
  const std::string key = "conformance-" + s.Email();  // unique per run
  HttpResult first = CreateWithKey(s, email, key);
  HttpResult second = CreateWithKey(s, email, key);
  INFO(first.body << "\n" << second.body);
  REQUIRE(first.status == 201);
  REQUIRE(second.status == 201);
  CHECK(first.json()["id"] != second.json()["id"]);
}

TEST_CASE("idempotency: with idempotent_replay on, the repeat gets the first session",
          "[mock-only][passwordless][idempotency]") {
  Scenario s;
  CHECK(s.mock().SetSettings({{"idempotent_replay", true}})["idempotent_replay"] == true);
  const std::string email = s.Email();
  HttpResult first = CreateWithKey(s, email, "conformance-replay");
  HttpResult second = CreateWithKey(s, email, "conformance-replay");
  REQUIRE(first.status == 201);
  CHECK(second.status == 201);
  CHECK(second.json() == first.json());
  CHECK(second.header("idempotent-replayed") == "true");
  CHECK(CreateWithKey(s, email, "conformance-other").json()["id"] != first.json()["id"]);
}
