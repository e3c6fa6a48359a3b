#include "workos/organizations.h"

namespace workos {

using nlohmann::json;

void from_json(const json& j, OrganizationDomain& d) {
  d.object = detail::Str(j, "object");
  d.id = detail::Str(j, "id");
  d.domain = detail::Str(j, "domain");
  d.state = detail::OptStr(j, "state");
}

void from_json(const json& j, Organization& o) {
  o.object = detail::Str(j, "object");
  o.id = detail::Str(j, "id");
  o.name = detail::Str(j, "name");
  o.domains.clear();
  if (j.is_object() && j.contains("domains") && j["domains"].is_array()) {
    for (const json& d : j["domains"]) o.domains.push_back(d.get<OrganizationDomain>());
  }
  o.allow_profiles_outside_organization.reset();
  if (j.is_object() && j.contains("allow_profiles_outside_organization") &&
      j["allow_profiles_outside_organization"].is_boolean()) {
    o.allow_profiles_outside_organization = j["allow_profiles_outside_organization"].get<bool>();
  }
  o.created_at = detail::Str(j, "created_at");
  o.updated_at = detail::Str(j, "updated_at");
  o.raw = j;
}

ListResponse<Organization> Organizations::List(const ListOrganizationsOptions& o,
                                               const RequestOptions& request) {
  QueryParams q;
  for (const std::string& d : o.domains) q.emplace_back("domains", d);
  if (o.limit > 0) q.emplace_back("limit", std::to_string(o.limit));
  if (!o.before.empty()) q.emplace_back("before", o.before);
  if (!o.after.empty()) q.emplace_back("after", o.after);
  if (!o.order.empty()) q.emplace_back("order", o.order);
  json j = t_->SendJson("GET", "/organizations", nullptr, q, request);
  ListResponse<Organization> out;
  if (j.is_object() && j.contains("data") && j["data"].is_array()) {
    for (const json& x : j["data"]) out.data.push_back(x.get<Organization>());
  }
  out.list_metadata = detail::ParseListMetadata(j);
  out.raw = j;
  return out;
}

Organization Organizations::Get(const std::string& id, const RequestOptions& request) {
  return t_->SendJson("GET", "/organizations/" + UrlEncode(id), nullptr, {}, request)
      .get<Organization>();
}

}  // namespace workos
