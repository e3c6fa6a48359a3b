// Connections, organizations and the rest of the control plane.
#include <catch2/catch.hpp>

#include "mock_server.h"

using testsupport::TestEnv;

TEST_CASE("connections: list, get, delete", "[resources]") {
  TestEnv t;
  // A magic-link session auto-creates the MagicLink connection for the email's domain.
  workos::CreatePasswordlessSessionOptions o;
  o.email = "user@acme-widgets.test";
  t.client.passwordless().CreateSession(o);

  workos::ListResponse<workos::Connection> all = t.client.connections().List();
  REQUIRE(all.raw.contains("list_metadata"));
  const workos::Connection* magic = nullptr;
  for (const auto& c : all.data) {
    for (const auto& d : c.domains) {
      if (d.domain == "acme-widgets.test") magic = &c;
    }
  }
  REQUIRE(magic != nullptr);
  CHECK(magic->object == "connection");
  CHECK(magic->id.rfind("conn_", 0) == 0);
  CHECK(magic->connection_type == "MagicLink");
  CHECK(!magic->created_at.empty());

  workos::ListConnectionsOptions filter;
  filter.connection_type = "MagicLink";
  filter.limit = 5;
  auto filtered = t.client.connections().List(filter);
  for (const auto& c : filtered.data) CHECK(c.connection_type == "MagicLink");
  CHECK(filtered.data.size() <= 5);

  workos::Connection got = t.client.connections().Get(magic->id);
  CHECK(got.id == magic->id);
  CHECK(got.name == magic->name);

  t.client.connections().Delete(magic->id);
  CHECK_THROWS_AS(t.client.connections().Get(magic->id), workos::NotFoundError);
}

TEST_CASE("connections and organizations: unknown ids are NotFoundError", "[resources]") {
  TestEnv t;
  try {
    t.client.connections().Get("conn_01NOPE");
    FAIL("expected NotFoundError");
  } catch (const workos::NotFoundError& e) {
    CHECK(e.status() == 404);
    CHECK(!e.message().empty());
    CHECK(!e.request_id().empty());
  }
  CHECK_THROWS_AS(t.client.organizations().Get("org_01NOPE"), workos::NotFoundError);
}

TEST_CASE("organizations: list and get", "[resources]") {
  TestEnv t;
  workos::ListResponse<workos::Organization> orgs = t.client.organizations().List();
  REQUIRE(orgs.raw.contains("data"));
  REQUIRE(orgs.raw.contains("list_metadata"));
  for (const auto& org : orgs.data) {
    CHECK(org.object == "organization");
    workos::Organization got = t.client.organizations().Get(org.id);
    CHECK(got.id == org.id);
    CHECK(got.name == org.name);
  }
}

TEST_CASE("mock control: environments", "[resources]") {
  workos::CreateEnvironmentOptions o;
  o.kind = "production";
  o.redirect_uris = {"https://app.example.com/callback"};
  TestEnv t(o);
  CHECK(t.env.object == "environment");
  CHECK(t.env.kind == "production");
  CHECK(t.env.api_key.rfind("sk_live_", 0) == 0);
  CHECK(t.env.client_id.rfind("client_", 0) == 0);
  REQUIRE(t.env.redirect_uris.size() == 1);
  CHECK(t.env.redirect_uris[0].uri == "https://app.example.com/callback");
  CHECK(t.env.redirect_uris[0].is_default);

  // Production refuses plain-HTTP redirect URIs.
  CHECK_THROWS_AS(t.mock().SetRedirectUris({"http://app.example.com/callback"}),
                  workos::UnprocessableEntityError);
  workos::Environment e =
      t.mock().SetRedirectUris({"https://app.example.com/a", "https://app.example.com/b"});
  CHECK(e.redirect_uris.size() == 2);

  // A deleted environment's key no longer works.
  workos::MockControl admin(testsupport::BaseConfig());
  workos::Environment gone = admin.CreateEnvironment();
  admin.DeleteEnvironment(gone.name);
  workos::MockControl gone_ctl(gone.ApplyTo(testsupport::BaseConfig()));
  CHECK_THROWS_AS(gone_ctl.GetClock(), workos::UnauthorizedError);
  CHECK_THROWS_AS(admin.DeleteEnvironment(gone.name), workos::NotFoundError);
}

TEST_CASE("mock control: reset, journal, session lifecycle", "[resources]") {
  TestEnv t;
  workos::CreatePasswordlessSessionOptions o;
  o.email = "life@example.com";
  auto s = t.client.passwordless().CreateSession(o);
  t.client.passwordless().SendSession(s.id);
  nlohmann::json life = t.mock().GetPasswordlessSession(s.id);
  CHECK(life.value("state", "") == "sent");

  CHECK(!t.mock().ListRequests().empty());
  t.mock().ClearRequests();
  CHECK(t.mock().ListRequests().empty());

  t.mock().AdvanceClock(60);
  t.mock().Reset();
  CHECK(t.mock().ListOutbox().empty());
  CHECK(t.mock().GetClock().offset_seconds == 0);
  CHECK_THROWS_AS(t.mock().GetPasswordlessSession(s.id), workos::NotFoundError);
}

TEST_CASE("mock control: a prefetching email scanner consumes the link", "[resources]") {
  TestEnv t;
  workos::ScannerSettings scanner;
  scanner.mode = "prefetch";
  t.mock().SetScanner(scanner);
  CHECK(t.mock().GetScanner().value("mode", "") == "prefetch");

  workos::CreatePasswordlessSessionOptions o;
  o.email = "victim@example.com";
  auto s = t.client.passwordless().CreateSession(o);
  REQUIRE(t.client.passwordless().SendSession(s.id));
  // The user's click comes after the scanner's: the link is already used.
  workos::LinkVisit visit = t.mock().OpenLink(s.link);
  CHECK(visit.status == 302);
  CHECK(visit.error == "access_denied");
  CHECK(visit.code.empty());

  // Allow-listing the recipient's domain is the documented work-around.
  scanner.allowlist = {"example.com"};
  t.mock().SetScanner(scanner);
  std::string code = testsupport::MagicLinkCode(t, "victim@example.com");
  CHECK(!code.empty());
}

TEST_CASE("mock control: state export and import", "[resources]") {
  TestEnv t;
  nlohmann::json state = t.mock().GetState();
  CHECK(state.is_object());
  t.mock().PutState(state);
}
