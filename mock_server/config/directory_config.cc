#include "config/directory_config.h"

#include <algorithm>
#include <set>

#include "config/model_json.h"
#include "domain/sso.h"

namespace workos_mock {
namespace {

using nlohmann::json;

// An organization's domains: "foo.com" (verified) or {"domain": "foo.com", "state":
// "verified"|"pending"}.
std::vector<Domain> OrganizationDomains(const JsonReader& r, const json& o, const std::string& path,
                                        int64_t now, IdGenerator& ids) {
  std::vector<Domain> out;
  const json& list = r.Array(o, path, "domains");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = path + ".domains[" + std::to_string(i) + "]";
    const json& d = list[i];
    Domain domain{ids.NewId("org_domain", now), "", "verified"};
    if (d.is_string()) {
      domain.domain = d.get<std::string>();
    } else if (d.is_object()) {
      r.Known(d, p, {"domain", "state"});
      domain.domain = r.RequiredString(d, p, "domain");
      domain.state = ReadDomainState(r, d, p);
    } else {
      r.Fail(p,
             "must be a domain (\"foo.com\") or {\"domain\": \"foo.com\", \"state\": "
             "\"pending\"}");
    }
    if (domain.domain.empty()) r.Fail(p, "must not be empty");
    out.push_back(domain);
  }
  return out;
}

std::string OutcomeProblem(const std::string& outcome) {
  std::string all;
  for (const auto& code : SignInOutcomes()) all += (all.empty() ? "" : ", ") + code;
  return "'" + outcome + "' is not a sign-in outcome (one of " + all +
         "; leave it out to sign the user in)";
}

std::vector<IdpUser> Users(const JsonReader& r, const json& o, const std::string& path) {
  std::vector<IdpUser> out;
  const json& list = r.Array(o, path, "users");
  for (size_t j = 0; j < list.size(); ++j) {
    const std::string up = path + ".users[" + std::to_string(j) + "]";
    const json& u = list[j];
    if (u.is_object() && u.contains("raw_attributes")) {
      r.Fail(up + ".raw_attributes",
             "live returns raw_attributes {} in every profile since 2026-04-15 (WorkOS's "
             "raw_attributes deprecation), so the mock does too: give the IdP's claims as "
             "custom_attributes, where live returns them now, e.g. \"custom_attributes\": "
             "{\"picture\": \"https://...\", \"locale\": \"en-US\"}");
    }
    out.push_back(ReadIdpUser(r, u, up, OutcomeProblem));
  }
  return out;
}

Connection ReadConnection(const JsonReader& r, const json& o, const std::string& p, int64_t now,
                          IdGenerator& ids, const std::set<std::string>& org_ids) {
  r.Known(o, p, {"id", "type", "name", "state", "organization", "domains", "users"});
  Connection conn;
  conn.id = o.contains("id") ? r.RequiredString(o, p, "id") : ids.NewId("conn", now);
  if (conn.id.rfind("conn_", 0) != 0) r.Fail(p + ".id", "must start with 'conn_'");
  conn.type = r.RequiredString(o, p, "type");
  const auto& types = ConnectionTypes();
  if (std::find(types.begin(), types.end(), conn.type) == types.end())
    r.Fail(p + ".type", "'" + conn.type +
                            "' is not a WorkOS connection type (e.g. OktaSAML, GoogleOAuth, "
                            "EntraIdOIDC, GenericOIDC; the list is in docs/config.md)");
  conn.name = r.String(o, p, "name", conn.type);
  conn.state = r.String(o, p, "state", "active");
  static const std::set<std::string> kStates = {"requires_type", "draft",    "active",
                                                "validating",    "inactive", "deleting"};
  if (!kStates.count(conn.state))
    r.Fail(p + ".state",
           "must be one of requires_type, draft, active, validating, inactive, deleting");
  if (o.contains("organization")) {
    std::string org = r.RequiredString(o, p, "organization");
    if (!org_ids.count(org))
      r.Fail(p + ".organization", "no organization with id '" + org + "' in this environment");
    conn.organization_id = org;
  }
  for (const auto& d : r.Strings(o, p, "domains"))
    conn.domains.push_back({ids.NewId("org_domain", now), d});
  conn.users = Users(r, o, p);
  conn.created_ms = conn.updated_ms = now;
  return conn;
}

}  // namespace

void ReadDirectory(const JsonReader& r, const json& e, const std::string& path, int64_t now,
                   IdGenerator& ids, EnvironmentConfig& c) {
  std::set<std::string> org_ids;
  const json& orgs = r.Array(e, path, "organizations");
  for (size_t i = 0; i < orgs.size(); ++i) {
    const std::string p = path + ".organizations[" + std::to_string(i) + "]";
    const json& o = orgs[i];
    r.Known(o, p, {"id", "name", "domains", "allow_profiles_outside_organization"});
    Organization org;
    org.id = o.contains("id") ? r.RequiredString(o, p, "id") : ids.NewId("org", now);
    if (org.id.rfind("org_", 0) != 0) r.Fail(p + ".id", "must start with 'org_'");
    org.name = r.RequiredString(o, p, "name");
    org.domains = OrganizationDomains(r, o, p, now, ids);
    org.allow_profiles_outside_organization = r.Bool(o, p, "allow_profiles_outside_organization",
                                                     org.allow_profiles_outside_organization);
    org.created_ms = org.updated_ms = now;
    if (!org_ids.insert(org.id).second) r.Fail(p + ".id", "duplicate organization id");
    c.organizations.push_back(org);
  }
  std::set<std::string> conn_ids;
  const json& conns = r.Array(e, path, "connections");
  for (size_t i = 0; i < conns.size(); ++i) {
    const std::string p = path + ".connections[" + std::to_string(i) + "]";
    Connection conn = ReadConnection(r, conns[i], p, now, ids, org_ids);
    if (!conn_ids.insert(conn.id).second) r.Fail(p + ".id", "duplicate connection id");
    c.connections.push_back(conn);
  }
}

}  // namespace workos_mock
