// The read side of connections and organizations: GET /connections[/{id}],
// DELETE /connections/{id}, GET /organizations[/{id}]. Bearer API key.
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

std::optional<std::string> Param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

PageRequest PageOf(const httplib::Request& req) {
  return {Param(req, "limit"), Param(req, "order"), Param(req, "before"), Param(req, "after")};
}

}  // namespace

void MockServer::AddDirectoryRoutes() {
  auto by_key = [this](Call& c) { return registry_->ByApiKey(BearerToken(c.req)); };

  Route("GET", "/connections", by_key, [](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    ConnectionFilter f;
    f.connection_type = c.req.get_param_value("connection_type");
    f.domain = c.req.get_param_value("domain");
    f.organization_id = c.req.get_param_value("organization_id");
    f.search = c.req.get_param_value("search");
    auto page = c.env->ListConnections(f, PageOf(c.req));
    if (!page.ok()) return ReplyError(c.res, page.error());
    ReplyJson(c.res, 200, ListJson(page.value(), ConnectionJson));
  });

  Route("GET", R"(/connections/([^/]+))", by_key, [](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    auto conn = c.env->FindConnection(c.req.matches[1]);
    if (!conn) return ReplyNotFound(c.res);
    ReplyJson(c.res, 200, ConnectionJson(*conn));
  });

  // 204 with no body, as recorded from production. Its sessions' links and unexchanged codes
  // stop working (Environment::DeleteConnection).
  Route("DELETE", R"(/connections/([^/]+))", by_key, [](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    if (!c.env->DeleteConnection(c.req.matches[1])) return ReplyNotFound(c.res);
    c.res.status = 204;
  });

  Route("GET", "/organizations", by_key, [](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    auto page = c.env->ListOrganizations(ListParam(c.req, "domains"), PageOf(c.req));
    if (!page.ok()) return ReplyError(c.res, page.error());
    ReplyJson(c.res, 200, ListJson(page.value(), OrganizationJson));
  });

  Route("GET", R"(/organizations/([^/]+))", by_key, [](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    auto org = c.env->FindOrganization(c.req.matches[1]);
    if (!org) return ReplyNotFound(c.res);
    ReplyJson(c.res, 200, OrganizationJson(*org));
  });
}

}  // namespace workos_mock
