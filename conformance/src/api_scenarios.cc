// Scenarios across the API: authentication, validation bodies, unknown ids, connections.
#include <optional>
#include <set>

#include "harness.h"

using namespace conformance;
using nlohmann::json;

TEST_CASE("auth: a missing or wrong API key is 401", "[live-safe][auth]") {
  Scenario s;
  workos::Config wrong = s.config();
  wrong.api_key = "sk_test_conformance_wrong_key_000000000000";
  workos::Client impostor(wrong);
  auto e = ExpectError<workos::UnauthorizedError>("create with a wrong key", [&] {
    workos::CreatePasswordlessSessionOptions o;
    o.email = s.Email();
    impostor.passwordless().CreateSession(o);
  });
  if (e) {
    CHECK(e->status() == 401);
    CHECK(e->message() == "Unauthorized");
  }
  auto list = ExpectError<workos::UnauthorizedError>("list connections with a wrong key",
                                                     [&] { impostor.connections().List(); });
  if (list) CHECK(list->status() == 401);

  // No Authorization header at all.
  HttpResult none =
      PostJson("/passwordless/sessions", {{"type", "MagicLink"}, {"email", s.Email()}}, "");
  INFO(none.body);
  CHECK(none.status == 401);
  CHECK(none.json().value("message", "") == "Unauthorized");
  HttpResult get = Http("GET", Url("/connections"));
  CHECK(get.status == 401);
}

TEST_CASE("validation: 422 bodies name the field", "[live-safe][validation]") {
  Scenario s;
  struct Case {
    std::string what;
    workos::CreatePasswordlessSessionOptions options;
    std::string field;
  };
  std::vector<Case> cases(3);
  cases[0] = {"an email that is not one", {}, "email"};
  cases[0].options.email = "not-an-email";
  cases[1] = {"a type other than MagicLink", {}, "type"};
  cases[1].options.email = s.Email();
  cases[1].options.type = "SMS";
  cases[2] = {"expires_in out of range (60 s)", {}, "expires_in"};
  cases[2].options.email = s.Email();
  cases[2].options.expires_in = 60;
  for (const auto& c : cases) {
    INFO(c.what);
    auto e = ExpectError<workos::UnprocessableEntityError>(
        c.what, [&] { s.client().passwordless().CreateSession(c.options); });
    if (!e) continue;
    INFO(e->raw_body());
    CHECK(e->status() == 422);
    CHECK(e->message().rfind("Validation failed", 0) == 0);
    REQUIRE(e->body().contains("errors"));
    REQUIRE(e->body()["errors"].is_array());
    REQUIRE(!e->errors().empty());
    CHECK(e->errors()[0].field == c.field);
    CHECK(!e->errors()[0].code.empty());
    CHECK(!e->request_id().empty());
  }

  // A missing email (the client always sends one; this is a raw request).
  HttpResult missing = PostJson("/passwordless/sessions", {{"type", "MagicLink"}}, s.api_key());
  INFO(missing.body);
  CHECK(missing.status == 422);
  json body = missing.json();
  REQUIRE(body.is_object());
  CHECK(body.value("message", "").rfind("Validation failed", 0) == 0);
  REQUIRE(body.contains("errors"));
  REQUIRE(body["errors"].is_array());
  REQUIRE(!body["errors"].empty());
  CHECK(body["errors"][0].value("field", "") == "email");
  CHECK(body["errors"][0]["code"].is_string());

  // Malformed JSON: 400 invalid_request_parameters.
  HttpResult bad =
      Http("POST", Url("/passwordless/sessions"),
           {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + s.api_key()}},
           "{\"email\":");
  INFO(bad.body);
  CHECK(bad.status == 400);
  CHECK(bad.json().value("code", "") == "invalid_request_parameters");
}

TEST_CASE("unknown ids: sending an unknown session is 422, an unknown connection 404",
          "[live-safe][unknown-ids]") {
  Scenario s;
  const std::string id = "passwordless_session_00000000000000000000000000";
  auto e = ExpectError<workos::UnprocessableEntityError>(
      "send an unknown session", [&] { s.client().passwordless().SendSession(id); });
  if (e) {
    CHECK(e->status() == 422);
    CHECK(e->message() == "The passwordless session '" + id + "' has expired or is invalid.");
  }
  auto nf = ExpectError<workos::NotFoundError>(
      "GET /connections/conn_unknown", [&] { s.client().connections().Get("conn_unknown"); });
  if (nf) {
    INFO(nf->raw_body());
    CHECK(nf->status() == 404);
    CHECK(nf->message() == "Not Found");
  }
  auto org = ExpectError<workos::NotFoundError>(
      "GET /organizations/org_unknown", [&] { s.client().organizations().Get("org_unknown"); });
  if (org) CHECK(org->status() == 404);
}

TEST_CASE("connections: listing and limit=1 pagination with after cursors",
          "[live-safe][connections]") {
  Scenario s;
  // Sessions for two domains make sure two MagicLink connections exist (created once).
  for (const char* domain : {kDomainA, kDomainB}) {
    workos::CreatePasswordlessSessionOptions o;
    o.email = std::string("list@") + domain;
    o.redirect_uri = s.redirect_uri();
    s.client().passwordless().CreateSession(o);
  }

  workos::ListConnectionsOptions all_options;
  all_options.limit = 100;
  workos::ListResponse<workos::Connection> all = s.client().connections().List(all_options);
  INFO(all.raw.dump());
  CHECK(all.raw.value("object", "") == "list");
  REQUIRE(all.raw.contains("list_metadata"));
  CHECK(all.raw["list_metadata"].contains("before"));
  CHECK(all.raw["list_metadata"].contains("after"));
  REQUIRE(all.data.size() >= 2);
  std::set<std::string> magic_domains;
  for (const auto& c : all.data) {
    INFO(c.raw.dump());
    CHECK(c.object == "connection");
    CHECK(c.id.rfind("conn_", 0) == 0);
    CHECK(!c.connection_type.empty());
    CHECK(!c.state.empty());
    CHECK(!c.created_at.empty());
    for (const auto& d : c.domains) {
      CHECK(d.object == "connection_domain");
      if (c.connection_type == "MagicLink") magic_domains.insert(d.domain);
    }
  }
  CHECK(magic_domains.count(kDomainA) == 1);
  CHECK(magic_domains.count(kDomainB) == 1);

  // limit=1, following list_metadata.after, walks the same list one by one.
  const size_t walk = all.data.size();
  std::vector<std::string> walked;
  workos::ListConnectionsOptions page_options;
  page_options.limit = 1;
  {
    // As many pages as the environment has connections: one merged drift observation.
    drift::Repeated pages("limit=1 pages");
    for (size_t i = 0; i < walk; ++i) {
      workos::ListResponse<workos::Connection> page = s.client().connections().List(page_options);
      INFO("page " << i << ": " << page.raw.dump());
      REQUIRE(page.data.size() == 1);
      walked.push_back(page.data[0].id);
      if (i + 1 < walk) {
        REQUIRE(page.list_metadata.after.has_value());
        CHECK(*page.list_metadata.after == page.data[0].id);
        page_options.after = *page.list_metadata.after;
      } else if (!all.list_metadata.after.has_value()) {
        CHECK(!page.list_metadata.after.has_value());  // the last page says so
      }
    }
  }
  std::vector<std::string> expected;
  for (const auto& c : all.data) expected.push_back(c.id);
  CHECK(walked == expected);

  // One connection by id is the listed one: the MagicLink connection of kDomainA (not simply the
  // first listed, which depends on what else the environment holds).
  std::optional<workos::Connection> listed;
  for (const auto& c : all.data)
    for (const auto& d : c.domains)
      if (c.connection_type == "MagicLink" && d.domain == kDomainA) listed = c;
  REQUIRE(listed.has_value());
  workos::Connection one = s.client().connections().Get(listed->id);
  CHECK(one.raw == listed->raw);

  // limit out of range is a 422 naming limit.
  HttpResult bad =
      Http("GET", Url("/connections?limit=101"), {{"Authorization", "Bearer " + s.api_key()}});
  INFO(bad.body);
  CHECK(bad.status == 422);
}
