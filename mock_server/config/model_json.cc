#include "config/model_json.h"

#include "domain/sso.h"

namespace workos_mock {

using nlohmann::json;

RedirectUriEntry ReadRedirectUri(const JsonReader& r, const json& o, const std::string& path) {
  r.Known(o, path, {"uri", "default"});
  RedirectUriEntry e;
  e.uri = r.RequiredString(o, path, "uri");
  e.is_default = r.Bool(o, path, "default", false);
  return e;
}

std::string ReadDomainState(const JsonReader& r, const json& o, const std::string& path) {
  std::string state = r.String(o, path, "state", "verified");
  if (state != "verified" && state != "pending")
    r.Fail(path + ".state", "must be \"verified\" or \"pending\"");
  return state;
}

IdpUser ReadIdpUser(const JsonReader& r, const json& o, const std::string& path,
                    std::string (*outcome_problem)(const std::string& outcome)) {
  r.Known(o, path,
          {"email", "first_name", "last_name", "idp_id", "groups", "roles", "custom_attributes",
           "outcome"});
  IdpUser user;
  user.email = r.RequiredString(o, path, "email");
  user.outcome = r.String(o, path, "outcome", "");
  if (!user.outcome.empty() && !IsSignInOutcome(user.outcome))
    r.Fail(path + ".outcome", outcome_problem(user.outcome));
  user.first_name = r.OptionalString(o, path, "first_name");
  user.last_name = r.OptionalString(o, path, "last_name");
  user.idp_id = r.String(o, path, "idp_id", "");
  user.groups = r.Strings(o, path, "groups");
  user.roles = r.Strings(o, path, "roles");
  user.custom_attributes = r.StringMap(o, path, "custom_attributes");
  return user;
}

ScannerSettings ReadScannerKeys(const JsonReader& r, const json& o, const std::string& path) {
  r.Known(o, path, {"mode", "allowlist", "delay_ms"});
  ScannerSettings s;
  s.mode = r.String(o, path, "mode", s.mode);
  s.allowlist = r.Strings(o, path, "allowlist");
  s.delay_ms = r.Int(o, path, "delay_ms", s.delay_ms);
  return s;
}

EnvironmentSettings ReadSettingsKeys(const JsonReader& r, const json& o, const std::string& path,
                                     EnvironmentSettings base) {
  base.idempotent_replay = r.Bool(o, path, "idempotent_replay", base.idempotent_replay);
  base.head_consumes_links = r.Bool(o, path, "head_consumes_links", base.head_consumes_links);
  return base;
}

json NullableJson(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json RedirectUrisJson(const std::vector<RedirectUriEntry>& uris) {
  json out = json::array();
  for (const auto& e : uris) out.push_back({{"uri", e.uri}, {"default", e.is_default}});
  return out;
}

json ScannerFieldsJson(const ScannerSettings& s) {
  return {{"mode", s.mode}, {"allowlist", s.allowlist}, {"delay_ms", s.delay_ms}};
}

json ProfileFieldsJson(const Profile& p) {
  return {{"id", p.id},
          {"organization_id", NullableJson(p.organization_id)},
          {"connection_id", p.connection_id},
          {"connection_type", p.connection_type},
          {"idp_id", p.idp_id},
          {"email", p.email},
          {"first_name", NullableJson(p.first_name)},
          {"last_name", NullableJson(p.last_name)},
          {"groups", p.groups}};
}

json EmailFieldsJson(const Email& e) {
  return {{"id", e.id},     {"to", e.to},     {"from", e.from}, {"subject", e.subject},
          {"text", e.text}, {"html", e.html}, {"link", e.link}, {"session_id", e.session_id}};
}

json SettingsFieldsJson(const EnvironmentSettings& s) {
  return {{"idempotent_replay", s.idempotent_replay},
          {"head_consumes_links", s.head_consumes_links}};
}

}  // namespace workos_mock
