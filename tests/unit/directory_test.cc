// The directory (domain/directory.h): organizations and connections by id, by email domain, by
// organization and by type, and the list filters of GET /connections and GET /organizations
// (the last case through an environment's list calls).
#include <catch2/catch.hpp>

#include <set>

#include "domain/directory.h"
#include "sso_fixture.h"

using namespace workos_mock;
using workos_mock::testing::sso_fixture::Fixture;

namespace {

Connection Conn(const std::string& id, const std::string& type, const std::string& org,
                std::vector<std::string> domains = {}, const std::string& state = "active") {
  Connection c;
  c.id = id;
  c.type = type;
  c.name = type + " " + id;
  c.state = state;
  if (!org.empty()) c.organization_id = org;
  for (const auto& d : domains) c.domains.push_back({"org_domain_" + d, d});
  return c;
}

Organization Org(const std::string& id, std::vector<std::string> domains) {
  Organization o;
  o.id = id;
  o.name = id;
  for (const auto& d : domains) o.domains.push_back({"org_domain_" + d, d});
  return o;
}

Directory Sample() {
  Directory d;
  auto fresh = Directory::Prepare(
      {Org("org_b", {"Shared.com"}), Org("org_a", {"a.com", "shared.com"})},
      {Conn("conn_3", "MagicLink", "", {"a.com"}), Conn("conn_1", "OktaSAML", "org_a", {"A.com"}),
       Conn("conn_2", "MagicLink", "org_a", {"A.COM"}),
       Conn("conn_4", "GoogleOAuth", "org_b", {}, "inactive"),
       Conn("conn_5", "GoogleOAuth", "org_b")});
  d.ReplaceWith(fresh);
  return d;
}

std::vector<std::string> Ids(const std::vector<Connection>& connections) {
  std::vector<std::string> out;
  for (const auto& c : connections) out.push_back(c.id);
  return out;
}

}  // namespace

TEST_CASE("directory: lists are in id order, and a replace swaps the old contents out",
          "[directory]") {
  Directory d = Sample();
  CHECK(Ids(d.Connections()) ==
        std::vector<std::string>{"conn_1", "conn_2", "conn_3", "conn_4", "conn_5"});
  REQUIRE(d.Organizations().size() == 2);
  CHECK(d.Organizations()[0].id == "org_a");
  REQUIRE(d.FindConnection("conn_2") != nullptr);
  CHECK(d.FindConnection("conn_2")->type == "MagicLink");
  CHECK(d.FindConnection("conn_9") == nullptr);
  REQUIRE(d.FindOrganization("org_b") != nullptr);
  CHECK(d.FindOrganization("org_b")->domains.at(0).domain == "Shared.com");
  CHECK(d.FindOrganization("org_c") == nullptr);

  auto fresh = Directory::Prepare({Org("org_c", {})}, {Conn("conn_9", "OktaSAML", "org_c")});
  d.ReplaceWith(fresh);
  CHECK(Ids(d.Connections()) == std::vector<std::string>{"conn_9"});
  CHECK(d.FindOrganization("org_a") == nullptr);
  CHECK(fresh.connections.size() == 5);  // the old contents, for the caller to free
  CHECK(fresh.organizations.size() == 2);
}

TEST_CASE("directory: who is who by domain, organization and type", "[directory]") {
  Directory d = Sample();
  // The oldest MagicLink connection of the (lower-case) domain, whatever the case it is stored in:
  // conn_1 is older and has the domain too, but is not a MagicLink connection.
  REQUIRE(d.MagicLinkConnectionFor("a.com") != nullptr);
  CHECK(d.MagicLinkConnectionFor("a.com")->id == "conn_2");
  CHECK(d.MagicLinkConnectionFor("shared.com") == nullptr);
  // Two organizations claim shared.com: the newest (last by id) wins.
  CHECK(d.OrganizationWithDomain("shared.com") == std::optional<std::string>("org_b"));
  CHECK(d.OrganizationWithDomain("a.com") == std::optional<std::string>("org_a"));
  CHECK(d.OrganizationWithDomain("nope.com") == std::nullopt);

  std::vector<std::string> of_a;
  for (const Connection* c : d.ConnectionsOf("org_a")) of_a.push_back(c->id);
  CHECK(of_a == std::vector<std::string>{"conn_1", "conn_2"});
  CHECK(d.ConnectionsOf("org_x").empty());

  // The oldest active one, in the exact spelling.
  REQUIRE(d.ActiveConnectionOfType("GoogleOAuth") != nullptr);
  CHECK(d.ActiveConnectionOfType("GoogleOAuth")->id == "conn_5");
  CHECK(d.ActiveConnectionOfType("googleoauth") == nullptr);
}

TEST_CASE("directory: connections added and removed", "[directory]") {
  Directory d = Sample();
  const Connection& added = d.AddConnection(Conn("conn_6", "MagicLink", "", {"new.org"}));
  CHECK(&added == d.FindConnection("conn_6"));
  CHECK(d.MagicLinkConnectionFor("new.org") == &added);
  CHECK(d.RemoveConnection("conn_2"));
  CHECK_FALSE(d.RemoveConnection("conn_2"));
  CHECK(d.FindConnection("conn_2") == nullptr);
  REQUIRE(d.MagicLinkConnectionFor("a.com") != nullptr);
  CHECK(d.MagicLinkConnectionFor("a.com")->id == "conn_3");
}

TEST_CASE("directory: the list filters", "[directory]") {
  Directory d = Sample();
  auto matching = [&](ConnectionFilter f) {
    auto found = Ids(d.ConnectionsMatching(f));
    return std::set<std::string>(found.begin(), found.end());
  };
  CHECK(matching({}).size() == 5);
  CHECK(matching({"OKTASAML", "", "", ""}) == std::set<std::string>{"conn_1"});
  CHECK(matching({"", "a.com", "", ""}) == std::set<std::string>{"conn_1", "conn_2", "conn_3"});
  CHECK(matching({"", "", "org_b", ""}) == std::set<std::string>{"conn_4", "conn_5"});
  CHECK(matching({"", "", "", "GOOGLEOAUTH conn_4"}) == std::set<std::string>{"conn_4"});
  CHECK(matching({"MagicLink", "a.com", "org_a", "magic"}) == std::set<std::string>{"conn_2"});
  CHECK(matching({"", "", "org_x", ""}).empty());

  CHECK(d.OrganizationsWithDomains({}).size() == 2);
  auto shared = d.OrganizationsWithDomains({"SHARED.COM"});
  CHECK(shared.size() == 2);
  auto a = d.OrganizationsWithDomains({"a.com", "nope.com"});
  REQUIRE(a.size() == 1);
  CHECK(a[0].id == "org_a");
}

TEST_CASE("connections and organizations: filters", "[sso][directory]") {
  Fixture f;
  auto list = [&](ConnectionFilter filter) {
    auto page = f.env.ListConnections(filter, {});
    REQUIRE(page.ok());
    std::set<std::string> out;
    for (const auto& c : page.value().data) out.insert(c.id);
    return out;
  };
  CHECK(list({}).size() == 5);
  CHECK(list({"OktaSAML", "", "", ""}) == std::set<std::string>{"conn_foo"});
  CHECK(list({"oktasaml", "", "", ""}) == std::set<std::string>{"conn_foo"});
  CHECK(list({"", "BAR.io", "", ""}) == std::set<std::string>{"conn_bar1"});
  CHECK(list({"", "", "org_bar", ""}) == std::set<std::string>{"conn_bar1", "conn_bar2"});
  CHECK(list({"", "", "", "entra"}) == std::set<std::string>{"conn_bar2"});
  CHECK(list({"GoogleOAuth", "", "org_foo", ""}).empty());

  auto orgs = f.env.ListOrganizations({"foo.com", "BAR.IO"}, {});
  REQUIRE(orgs.ok());
  CHECK(orgs.value().data.size() == 2);
  CHECK(f.env.ListOrganizations({}, {}).value().data.size() == 4);
  CHECK(f.env.ListOrganizations({"nope.com"}, {}).value().data.empty());
}
