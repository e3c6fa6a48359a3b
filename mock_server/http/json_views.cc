#include "http/json_views.h"

#include "config/model_json.h"
#include "domain/ids.h"

namespace workos_mock {

using nlohmann::json;

json SessionJson(const PasswordlessSession& s, const std::string& link) {
  return {{"object", "passwordless_session"},
          {"id", s.id},
          {"email", s.email},
          {"expires_at", FormatIso8601(s.expires_ms)},
          {"link", link}};
}

json ProfileJson(const Profile& p) {
  json name = nullptr;
  if (p.first_name && p.last_name)
    name = *p.first_name + " " + *p.last_name;
  else if (p.first_name)
    name = *p.first_name;
  else if (p.last_name)
    name = *p.last_name;
  json out = ProfileFieldsJson(p);
  out["object"] = "profile";
  out["name"] = name;
  out["role"] = nullptr;
  out["roles"] = nullptr;
  out["raw_attributes"] = json::object();  // since 2026-04-15 the live API returns {} everywhere
  if (!p.roles.empty()) {
    json roles = json::array();
    for (const auto& slug : p.roles) roles.push_back({{"slug", slug}});
    out["role"] = roles.front();
    out["roles"] = roles;
  }
  // Live omits custom_attributes for connections without attribute mappings.
  if (!p.custom_attributes.empty()) out["custom_attributes"] = p.custom_attributes;
  return out;
}

json OAuthTokensJson(const OAuthTokens& t) {
  return {{"provider", t.provider},
          {"refresh_token", t.refresh_token},
          {"access_token", t.access_token},
          {"expires_at", t.expires_at},
          {"scopes", t.scopes}};
}

json ConnectionJson(const Connection& c) {
  json domains = json::array();
  for (const auto& d : c.domains)
    domains.push_back({{"object", "connection_domain"}, {"id", d.id}, {"domain", d.domain}});
  json out = {{"object", "connection"},
              {"id", c.id},
              {"connection_type", c.type},
              {"name", c.name},
              {"state", c.state},
              {"status", c.state == "active" ? "linked" : "unlinked"},
              {"domains", domains},
              {"created_at", FormatIso8601(c.created_ms)},
              {"updated_at", FormatIso8601(c.updated_ms)}};
  // The spec makes organization_id optional but never null: leave it out when there is none.
  if (c.organization_id) out["organization_id"] = *c.organization_id;
  return out;
}

json OrganizationJson(const Organization& o) {
  json domains = json::array();
  for (const auto& d : o.domains)
    domains.push_back({{"object", "organization_domain"},
                       {"id", d.id},
                       {"domain", d.domain},
                       {"organization_id", o.id},
                       {"state", d.state}});
  return {{"object", "organization"},
          {"id", o.id},
          {"name", o.name},
          {"allow_profiles_outside_organization", o.allow_profiles_outside_organization},
          {"domains", domains},
          {"created_at", FormatIso8601(o.created_ms)},
          {"updated_at", FormatIso8601(o.updated_ms)}};
}

json EmailJson(const Email& e) {
  json out = EmailFieldsJson(e);
  out["object"] = "email";
  out["sent_at"] = FormatIso8601(e.sent_ms);
  out["scanner"] = e.scanner ? ScanJson(*e.scanner) : json(nullptr);
  out["delivery"] = e.delivery ? DeliveryJson(*e.delivery) : json(nullptr);
  return out;
}

json ScanJson(const ScanResult& r) {
  return {{"visited_at", r.visited_ms ? json(FormatIso8601(r.visited_ms)) : json(nullptr)},
          {"mode", r.mode},
          {"outcome", r.outcome},
          {"detail", r.detail}};
}

json DeliveryJson(const DeliveryResult& d) {
  json out = {{"status", d.status}, {"at", FormatIso8601(d.at_ms)}};
  if (!d.error.empty()) out["error"] = d.error;
  return out;
}

json ScannerSettingsJson(const ScannerSettings& s) {
  json out = ScannerFieldsJson(s);
  out["object"] = "scanner";
  out["user_agent"] = kScannerUserAgent;
  return out;
}

json SettingsJson(const EnvironmentSettings& s) {
  json out = SettingsFieldsJson(s);
  out["object"] = "settings";
  return out;
}

json JwksJson(const std::vector<JsonWebKey>& keys) {
  json out = json::array();
  for (const auto& k : keys)
    out.push_back({{"alg", k.alg},
                   {"kty", k.kty},
                   {"use", k.use},
                   {"x5c", k.x5c},
                   {"n", k.n},
                   {"e", k.e},
                   {"kid", k.kid},
                   {"x5t#S256", k.x5t_s256}});
  return {{"keys", out}};
}

json EnvironmentJson(const Environment& env) {
  const EnvironmentConfig& seed = env.seed();
  return {{"object", "environment"},
          {"name", env.name()},
          {"kind", KindName(env.kind())},
          {"api_key", env.api_keys().front()},
          {"client_id", env.client_id()},
          {"redirect_uris", RedirectUrisJson(env.redirect_uris())},
          // Deterministic mode (null when off).
          {"seed", seed.random_seed ? json(*seed.random_seed) : json(nullptr)},
          {"start_time",
           seed.start_time_ms ? json(FormatIso8601(*seed.start_time_ms)) : json(nullptr)}};
}

json QueuedOutcomeJson(const QueuedOutcome& q) {
  return {{"object", "sso_outcome"},
          {"id", q.id},
          {"connection", q.connection_id.empty() ? json(nullptr) : json(q.connection_id)},
          {"outcome", q.outcome},
          {"times", q.times},
          {"remaining", q.remaining}};
}

json SignInJson(const SsoSignIn& s, bool code_exchanged) {
  auto opt = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  return {{"object", "sso_sign_in"},
          {"status", s.status},
          {"started_at", FormatIso8601(s.started_ms)},
          {"finished_at", s.finished_ms ? json(FormatIso8601(s.finished_ms)) : json(nullptr)},
          {"connection_id", s.connection_id},
          {"connection_type", s.connection_type},
          {"organization_id", NullableJson(s.organization_id)},
          {"email", opt(s.email)},
          {"redirect_uri", s.redirect_uri},
          {"state", opt(s.state)},
          {"error", opt(s.error)},
          {"error_description", opt(s.error_description)},
          {"source", opt(s.source)},
          {"code", opt(s.code)},
          {"code_exchanged", code_exchanged}};
}

}  // namespace workos_mock
