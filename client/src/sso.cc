#include "workos/sso.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "workos/errors.h"
#include "workos/list.h"

namespace workos {

using nlohmann::json;

void from_json(const json& j, Profile& p) {
  p.object = detail::Str(j, "object");
  p.id = detail::Str(j, "id");
  p.organization_id = detail::OptStr(j, "organization_id");
  p.connection_id = detail::Str(j, "connection_id");
  p.connection_type = detail::Str(j, "connection_type");
  p.idp_id = detail::Str(j, "idp_id");
  p.email = detail::Str(j, "email");
  p.first_name = detail::OptStr(j, "first_name");
  p.last_name = detail::OptStr(j, "last_name");
  p.name = detail::OptStr(j, "name");
  p.raw_attributes = j.is_object() ? j.value("raw_attributes", json()) : json();
  p.custom_attributes = j.is_object() ? j.value("custom_attributes", json()) : json();
  p.raw = j;
}

void from_json(const json& j, ProfileAndToken& p) {
  p.token_type = detail::Str(j, "token_type");
  p.access_token = detail::Str(j, "access_token");
  p.expires_in = 0;
  if (j.is_object() && j.contains("expires_in") && j["expires_in"].is_number()) {
    p.expires_in = j["expires_in"].get<std::int64_t>();
  }
  p.profile = j.is_object() && j.contains("profile") ? j["profile"].get<Profile>() : Profile{};
  p.oauth_tokens = j.is_object() ? j.value("oauth_tokens", json()) : json();
  p.raw = j;
}

namespace {
std::string Base64Url(const unsigned char* data, size_t n) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (n - i == 1) {
    unsigned v = data[i] << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
  } else if (n - i == 2) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
  }
  return out;
}
}  // namespace

Pkce GeneratePkce() {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) throw Error("PKCE: no randomness available");
  Pkce p;
  p.code_verifier = Base64Url(random, sizeof random);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(p.code_verifier.data()), p.code_verifier.size(),
         digest);
  p.code_challenge = Base64Url(digest, sizeof digest);
  return p;
}

std::string Sso::GetAuthorizationUrl(const AuthorizationUrlOptions& o) const {
  const Config& c = t_->config();
  const std::string client_id = o.client_id.empty() ? c.client_id : o.client_id;
  if (client_id.empty()) throw ConfigError("no client id: set WORKOS_CLIENT_ID or client_id");
  if (o.redirect_uri.empty()) throw ConfigError("redirect_uri is required");
  if (o.connection.empty() && o.organization.empty() && o.provider.empty() && o.domain.empty()) {
    throw ConfigError("one of connection, organization or provider is required");
  }
  QueryParams q = {
      {"client_id", client_id}, {"redirect_uri", o.redirect_uri}, {"response_type", "code"}};
  auto opt = [&q](const char* k, const std::string& v) {
    if (!v.empty()) q.emplace_back(k, v);
  };
  opt("connection", o.connection);
  opt("organization", o.organization);
  opt("provider", o.provider);
  opt("domain", o.domain);
  opt("domain_hint", o.domain_hint);
  opt("login_hint", o.login_hint);
  for (const std::string& s : o.provider_scopes) q.emplace_back("provider_scopes", s);
  opt("state", o.state);
  if (!o.code_challenge.empty()) {
    q.emplace_back("code_challenge", o.code_challenge);
    q.emplace_back("code_challenge_method",
                   o.code_challenge_method.empty() ? "S256" : o.code_challenge_method);
  }
  opt("nonce", o.nonce);
  std::string base = c.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/sso/authorize?" + EncodeQuery(q);
}

ProfileAndToken Sso::GetProfileAndToken(const std::string& code, const std::string& code_verifier,
                                        const RequestOptions& request) {
  const Config& c = t_->config();
  if (c.client_id.empty()) throw ConfigError("no client id: set WORKOS_CLIENT_ID or client_id");
  QueryParams form = {{"client_id", c.client_id}};
  if (!c.api_key.empty()) form.emplace_back("client_secret", c.api_key);
  form.emplace_back("grant_type", "authorization_code");
  form.emplace_back("code", code);
  if (!code_verifier.empty()) form.emplace_back("code_verifier", code_verifier);
  if (c.api_key.empty() && code_verifier.empty()) {
    throw ConfigError("no API key: set WORKOS_API_KEY, or pass a PKCE code_verifier");
  }

  HttpRequest req;
  req.method = "POST";
  req.path = "/sso/token";
  req.body = EncodeQuery(form);
  req.content_type = "application/x-www-form-urlencoded";
  req.auth = Auth::kNone;  // the secret travels in the form, as the Node SDK does
  req.headers.emplace_back("Accept", "application/json");
  req.idempotency_key = request.idempotency_key;
  req.timeout = request.timeout;
  return t_->Send(req).json().get<ProfileAndToken>();
}

Profile Sso::GetProfile(const std::string& access_token, const RequestOptions& request) {
  if (access_token.empty()) throw ConfigError("access_token is required");
  return t_->SendJson("GET", "/sso/profile", nullptr, {}, request, Auth::kBearer, access_token)
      .get<Profile>();
}

}  // namespace workos
