#include "workos/connections.h"

namespace workos {

using nlohmann::json;

void from_json(const json& j, ConnectionDomain& d) {
  d.object = detail::Str(j, "object");
  d.id = detail::Str(j, "id");
  d.domain = detail::Str(j, "domain");
}

void from_json(const json& j, Connection& c) {
  c.object = detail::Str(j, "object");
  c.id = detail::Str(j, "id");
  c.organization_id = detail::OptStr(j, "organization_id");
  c.connection_type = detail::Str(j, "connection_type");
  c.name = detail::Str(j, "name");
  c.state = detail::Str(j, "state");
  c.domains.clear();
  if (j.is_object() && j.contains("domains") && j["domains"].is_array()) {
    for (const json& d : j["domains"]) c.domains.push_back(d.get<ConnectionDomain>());
  }
  c.created_at = detail::Str(j, "created_at");
  c.updated_at = detail::Str(j, "updated_at");
  c.raw = j;
}

ListResponse<Connection> Connections::List(const ListConnectionsOptions& o,
                                           const RequestOptions& request) {
  QueryParams q;
  auto opt = [&q](const char* k, const std::string& v) {
    if (!v.empty()) q.emplace_back(k, v);
  };
  opt("connection_type", o.connection_type);
  opt("domain", o.domain);
  opt("organization_id", o.organization_id);
  if (o.limit > 0) q.emplace_back("limit", std::to_string(o.limit));
  opt("before", o.before);
  opt("after", o.after);
  opt("order", o.order);
  json j = t_->SendJson("GET", "/connections", nullptr, q, request);
  ListResponse<Connection> out;
  if (j.is_object() && j.contains("data") && j["data"].is_array()) {
    for (const json& c : j["data"]) out.data.push_back(c.get<Connection>());
  }
  out.list_metadata = detail::ParseListMetadata(j);
  out.raw = j;
  return out;
}

Connection Connections::Get(const std::string& id, const RequestOptions& request) {
  return t_->SendJson("GET", "/connections/" + UrlEncode(id), nullptr, {}, request)
      .get<Connection>();
}

void Connections::Delete(const std::string& id, const RequestOptions& request) {
  t_->SendJson("DELETE", "/connections/" + UrlEncode(id), nullptr, {}, request);
}

}  // namespace workos
