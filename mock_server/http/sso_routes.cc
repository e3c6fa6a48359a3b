// POST /sso/token and GET /sso/profile: the code exchange shared by Magic Link and SSO.
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

std::string Field(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

}  // namespace

void MockServer::AddSsoRoutes() {
  // The environment is the one whose key is the client_secret (form or JSON body), else the
  // one owning client_id (PKCE public clients send no secret).
  auto by_client = [this](const httplib::Request& req) -> std::shared_ptr<Environment> {
    httplib::Response scratch;
    auto body = ReadFormOrJson(req, scratch);
    if (!body) return nullptr;
    const std::string secret = Field(*body, "client_secret");
    if (!secret.empty()) return registry_->ByApiKey(secret);
    return registry_->ByClientId(Field(*body, "client_id"));
  };

  Route("POST", "/sso/token", by_client, [](Call& c) {
    auto body = ReadFormOrJson(c.req, c.res);
    if (!body) return;
    TokenRequest r{Field(*body, "client_id"), Field(*body, "client_secret"),
                   Field(*body, "grant_type"), Field(*body, "code"), Field(*body, "code_verifier")};
    if (!c.env) {
      if (r.grant_type != "authorization_code")
        return ReplyError(c.res,
                          {ErrorKind::kUnsupportedGrant, "The grant type is not supported.", {}});
      return ReplyError(c.res, {ErrorKind::kInvalidClient, "Invalid client ID or secret.", {}});
    }
    auto grant = c.env->ExchangeCode(r);
    if (!grant.ok()) return ReplyError(c.res, grant.error());
    ReplyJson(c.res, 200,
              {{"token_type", "Bearer"},
               {"access_token", grant.value().access_token},
               {"expires_in", grant.value().expires_in},
               {"profile", ProfileJson(grant.value().profile)}});
  });

  auto by_access_token = [this](const httplib::Request& req) {
    return registry_->ByAccessToken(BearerToken(req));
  };
  Route("GET", "/sso/profile", by_access_token, [](Call& c) {
    std::optional<Profile> profile;
    if (c.env) profile = c.env->ProfileForAccessToken(BearerToken(c.req));
    // The spec documents {"error": "Unauthorized"} here; other endpoints say {"message": ...}.
    if (!profile)
      return ReplyJson(c.res, 401, {{"error", "Unauthorized"}, {"message", "Unauthorized"}});
    ReplyJson(c.res, 200, ProfileJson(*profile));
  });
}

}  // namespace workos_mock
