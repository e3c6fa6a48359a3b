// The magic-link flow end to end through workos::Client against a real workos-mock.
#include <catch2/catch.hpp>

#include "mock_server.h"

using testsupport::TestEnv;

TEST_CASE("magic link: create, send, click, exchange, profile", "[flow]") {
  TestEnv t;
  const std::string email = "marcelina@example.com";

  workos::CreatePasswordlessSessionOptions o;
  o.email = email;
  o.state = "opaque state/with?chars&";
  o.redirect_uri = t.redirect_uri();
  workos::PasswordlessSession session = t.client.passwordless().CreateSession(o);
  CHECK(session.object == "passwordless_session");
  CHECK(session.id.rfind("passwordless_session_", 0) == 0);
  CHECK(session.email == email);
  CHECK(!session.expires_at.empty());
  CHECK(session.link.find("/passwordless/") != std::string::npos);
  CHECK(session.link.find("/confirm") != std::string::npos);

  CHECK(t.client.passwordless().SendSession(session.id));

  std::optional<workos::Email> mail = t.mock().LatestEmail(email, 5);
  REQUIRE(mail);
  CHECK(mail->to == email);
  CHECK(mail->link == session.link);
  CHECK(mail->session_id == session.id);
  CHECK(t.mock().ListOutbox(email).size() == 1);

  // The user clicks: a 302 to the redirect URI with code and state.
  workos::LinkVisit visit = t.mock().OpenLink(mail->link);
  REQUIRE(visit.status == 302);
  CHECK(visit.location.rfind(t.redirect_uri(), 0) == 0);
  CHECK(visit.state == o.state);
  REQUIRE(!visit.code.empty());

  // Single use: a second click goes back to the redirect URI with error=access_denied, no code.
  workos::LinkVisit again = t.mock().OpenLink(mail->link);
  CHECK(again.status == 302);
  CHECK(again.error == "access_denied");
  CHECK(again.state == o.state);
  CHECK(again.code.empty());

  workos::ProfileAndToken pt = t.client.sso().GetProfileAndToken(visit.code);
  CHECK(pt.token_type == "Bearer");
  CHECK(!pt.access_token.empty());
  CHECK(pt.expires_in > 0);
  CHECK(pt.profile.object == "profile");
  CHECK(pt.profile.id.rfind("prof_", 0) == 0);
  CHECK(pt.profile.email == email);
  CHECK(pt.profile.connection_type == "MagicLink");
  CHECK(pt.profile.connection_id.rfind("conn_", 0) == 0);
  CHECK(pt.profile.raw_attributes == nlohmann::json::object());  // {} on live since 2026-04-15
  CHECK(pt.profile.custom_attributes.is_null());                 // omitted: no mapped claims
  // Where an IdP's claims are (an SSO connection with mapped attributes):
  const auto sso =
      nlohmann::json::parse(R"({"object":"profile","id":"prof_1","email":"lu@x.example",
    "connection_id":"conn_1","connection_type":"GoogleOAuth","idp_id":"1","raw_attributes":{},
    "custom_attributes":{"picture":"https://pics.example/lu.png","locale":"pt-BR"}})")
          .get<workos::Profile>();
  CHECK(sso.custom_attributes.value("picture", "") == "https://pics.example/lu.png");
  CHECK(sso.custom_attributes.value("locale", "") == "pt-BR");

  workos::Profile profile = t.client.sso().GetProfile(pt.access_token);
  CHECK(profile.id == pt.profile.id);
  CHECK(profile.email == email);

  // The code is single use.
  try {
    t.client.sso().GetProfileAndToken(visit.code);
    FAIL("a second exchange of the same code must fail");
  } catch (const workos::OAuthError& e) {
    CHECK(e.status() == 400);
    CHECK(e.error() == "invalid_grant");
  }

  // What the server saw: our User-Agent, an Idempotency-Key on the create, no secrets.
  auto creates = testsupport::Requests(t.mock(), "POST", "/passwordless/sessions");
  REQUIRE(creates.size() == 1);
  CHECK(creates[0].user_agent == std::string("workos-cpp/") + workos::kVersion);
  CHECK(!creates[0].header("Idempotency-Key").empty());
  auto tokens = testsupport::Requests(t.mock(), "POST", "/sso/token");
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].header("Content-Type").find("application/x-www-form-urlencoded") == 0);
  CHECK(t.mock().ListRequests().size() >= 5);
  std::string journal;
  for (const auto& e : t.mock().ListRequests()) journal += e.raw.dump();
  CHECK(journal.find(t.env.api_key) == std::string::npos);
}

TEST_CASE("magic link: the link expires with the environment clock", "[flow]") {
  TestEnv t;
  workos::CreatePasswordlessSessionOptions o;
  o.email = "late@example.com";
  auto session = t.client.passwordless().CreateSession(o);
  REQUIRE(t.client.passwordless().SendSession(session.id));

  workos::Clock before = t.mock().GetClock();
  workos::Clock after = t.mock().AdvanceClock(16 * 60);
  CHECK(after.offset_seconds == before.offset_seconds + 16 * 60);
  CHECK(after.now > before.now);

  workos::LinkVisit visit = t.mock().OpenLink(session.link);
  CHECK(visit.status == 302);
  CHECK(visit.error == "access_denied");
  CHECK(visit.code.empty());
}

TEST_CASE("environments are isolated from each other", "[flow]") {
  TestEnv a;
  TestEnv b;
  CHECK(a.env.api_key != b.env.api_key);
  CHECK(a.env.client_id != b.env.client_id);
  workos::CreatePasswordlessSessionOptions o;
  o.email = "someone@example.com";
  auto session = a.client.passwordless().CreateSession(o);
  // B cannot send A's session.
  CHECK_THROWS_AS(b.client.passwordless().SendSession(session.id),
                  workos::UnprocessableEntityError);
  CHECK(a.client.passwordless().SendSession(session.id));
  CHECK(b.mock().ListOutbox().empty());
  CHECK(a.mock().ListOutbox().size() == 1);
  CHECK_FALSE(b.mock().LatestEmail("someone@example.com"));
}

TEST_CASE("authorization URL is built locally", "[flow]") {
  TestEnv t;
  workos::AuthorizationUrlOptions o;
  o.provider = "GoogleOAuth";
  o.redirect_uri = t.redirect_uri();
  o.state = "s t&a=te";
  o.login_hint = "user@example.com";
  std::string url = t.client.sso().GetAuthorizationUrl(o);
  CHECK(url.rfind(testsupport::MockBaseUrl() + "/sso/authorize?", 0) == 0);
  CHECK(workos::QueryParam(url, "client_id") == t.env.client_id);
  CHECK(workos::QueryParam(url, "redirect_uri") == t.redirect_uri());
  CHECK(workos::QueryParam(url, "response_type") == "code");
  CHECK(workos::QueryParam(url, "provider") == "GoogleOAuth");
  CHECK(workos::QueryParam(url, "state") == "s t&a=te");
  CHECK(workos::QueryParam(url, "login_hint") == "user@example.com");
  CHECK(url.find(t.env.api_key) == std::string::npos);
  CHECK(t.mock().ListRequests().empty());  // nothing was sent

  workos::Pkce pkce = workos::GeneratePkce();
  CHECK(pkce.code_verifier.size() == 43);
  CHECK(pkce.code_challenge.size() == 43);
  o.provider.clear();
  o.connection = "conn_123";
  o.code_challenge = pkce.code_challenge;
  url = t.client.sso().GetAuthorizationUrl(o);
  CHECK(workos::QueryParam(url, "connection") == "conn_123");
  CHECK(workos::QueryParam(url, "code_challenge") == pkce.code_challenge);
  CHECK(workos::QueryParam(url, "code_challenge_method") == "S256");

  o.connection.clear();
  CHECK_THROWS_AS(t.client.sso().GetAuthorizationUrl(o), workos::ConfigError);
}

TEST_CASE("a repeated POST with one Idempotency-Key: two sessions, or the first with replay on",
          "[flow]") {
  TestEnv t;
  workos::CreatePasswordlessSessionOptions o;
  o.email = "once@example.com";
  workos::RequestOptions r;
  r.idempotency_key = "my-key-0";
  // Like live: the key is accepted, not deduplicated.
  CHECK(t.client.passwordless().CreateSession(o, r).id !=
        t.client.passwordless().CreateSession(o, r).id);
  CHECK(t.mock().GetSettings().value("idempotent_replay", true) == false);
  CHECK(t.mock().SetSettings({{"idempotent_replay", true}}).value("idempotent_replay", false));
  r.idempotency_key = "my-key-1";
  auto first = t.client.passwordless().CreateSession(o, r);
  auto second = t.client.passwordless().CreateSession(o, r);
  CHECK(first.id == second.id);
  r.idempotency_key = "my-key-2";
  CHECK(t.client.passwordless().CreateSession(o, r).id != first.id);
}
