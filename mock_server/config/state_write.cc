// Seeds and snapshots as the JSON of docs/config.md and docs/state.md (state.h).
#include "config/model_json.h"
#include "config/state.h"

namespace workos_mock {
namespace {

using nlohmann::json;

json DomainsJson(const std::vector<Domain>& domains) {
  json out = json::array();
  for (const auto& d : domains) {
    json j = {{"id", d.id}, {"domain", d.domain}};
    if (d.state != "verified") j["state"] = d.state;  // organizations' pending domains
    out.push_back(j);
  }
  return out;
}

json UserJson(const IdpUser& u) {
  json j = {{"email", u.email}};
  if (u.first_name) j["first_name"] = *u.first_name;
  if (u.last_name) j["last_name"] = *u.last_name;
  if (!u.idp_id.empty()) j["idp_id"] = u.idp_id;
  if (!u.groups.empty()) j["groups"] = u.groups;
  if (!u.roles.empty()) j["roles"] = u.roles;
  if (!u.custom_attributes.empty()) j["custom_attributes"] = u.custom_attributes;
  if (!u.outcome.empty()) j["outcome"] = u.outcome;
  return j;
}

}  // namespace

json SeedJson(const EnvironmentConfig& c) {
  json orgs = json::array();
  for (const auto& o : c.organizations) {
    json domains = json::array();
    for (const auto& d : o.domains)
      domains.push_back(d.state == "verified" ? json(d.domain)
                                              : json{{"domain", d.domain}, {"state", d.state}});
    json org = {{"id", o.id}, {"name", o.name}, {"domains", domains}};
    if (o.allow_profiles_outside_organization) org["allow_profiles_outside_organization"] = true;
    orgs.push_back(org);
  }
  json conns = json::array();
  for (const auto& cn : c.connections) {
    json domains = json::array();
    for (const auto& d : cn.domains) domains.push_back(d.domain);
    json users = json::array();
    for (const auto& u : cn.users) users.push_back(UserJson(u));
    json j = {{"id", cn.id},       {"type", cn.type},    {"name", cn.name},
              {"state", cn.state}, {"domains", domains}, {"users", users}};
    if (cn.organization_id) j["organization"] = *cn.organization_id;
    conns.push_back(j);
  }
  json j = {{"name", c.name},
            {"kind", KindName(c.kind)},
            {"api_keys", c.api_keys},
            {"client_id", c.client_id},
            {"redirect_uris", RedirectUrisJson(c.redirect_uris)},
            {"allow_wildcard_redirect_uris", c.allow_wildcard_redirect_uris},
            {"link_ttl_seconds", c.link_ttl_seconds},
            {"code_ttl_seconds", c.code_ttl_seconds},
            {"access_token_ttl_seconds", c.access_token_ttl_seconds},
            {"sweep_after_seconds", c.sweep_after_seconds},
            {"max_stored", c.max_stored},
            {"journal_max_bytes", c.journal_max_bytes},
            {"app_name", c.app_name},
            {"email_from", c.email_from},
            {"interactive_idp", c.interactive_idp},
            {"scanner", ScannerFieldsJson(c.scanner)},
            {"organizations", orgs},
            {"connections", conns}};
  j.update(SettingsFieldsJson(c.settings));
  if (!c.smtp_url.empty()) j["smtp_url"] = c.smtp_url;
  if (c.random_seed) j["seed"] = *c.random_seed;
  if (c.start_time_ms) j["start_time"] = FormatIso8601(*c.start_time_ms);
  return j;
}

json SnapshotJson(const EnvironmentSnapshot& s) {
  json orgs = json::array();
  for (const auto& o : s.organizations)
    orgs.push_back({{"id", o.id},
                    {"name", o.name},
                    {"domains", DomainsJson(o.domains)},
                    {"allow_profiles_outside_organization", o.allow_profiles_outside_organization},
                    {"created_ms", o.created_ms},
                    {"updated_ms", o.updated_ms}});
  json conns = json::array();
  for (const auto& c : s.connections) {
    json users = json::array();
    for (const auto& u : c.users) users.push_back(UserJson(u));
    conns.push_back({{"id", c.id},
                     {"organization_id", NullableJson(c.organization_id)},
                     {"type", c.type},
                     {"name", c.name},
                     {"state", c.state},
                     {"domains", DomainsJson(c.domains)},
                     {"users", users},
                     {"created_ms", c.created_ms},
                     {"updated_ms", c.updated_ms}});
  }
  json profiles = json::array();
  for (const auto& p : s.profiles) {
    json j = ProfileFieldsJson(p);
    j["roles"] = p.roles;
    j["custom_attributes"] = p.custom_attributes;
    profiles.push_back(j);
  }
  json sessions = json::array();
  for (const auto& x : s.sessions) {
    json visits = json::array();
    for (const auto& v : x.visits)
      visits.push_back({{"at_ms", v.at_ms},
                        {"method", v.method},
                        {"user_agent", v.user_agent},
                        {"outcome", v.outcome}});
    sessions.push_back({{"id", x.id},
                        {"email", x.email},
                        {"redirect_uri", x.redirect_uri},
                        {"state", NullableJson(x.state)},
                        {"connection_id", x.connection_id},
                        {"token", x.token},
                        {"created_ms", x.created_ms},
                        {"expires_ms", x.expires_ms},
                        {"sends", x.sends},
                        {"used", x.used},
                        {"code", x.code},
                        {"visits", visits},
                        {"visits_omitted", x.visits_omitted}});
  }
  json codes = json::array();
  for (const auto& c : s.codes)
    codes.push_back({{"code", c.code},
                     {"profile_id", c.profile_id},
                     {"connection_id", c.connection_id},
                     {"redirect_uri", c.redirect_uri},
                     {"session_id", c.session_id},
                     {"code_challenge", NullableJson(c.code_challenge)},
                     {"provider_scopes", c.provider_scopes},
                     {"expires_ms", c.expires_ms},
                     {"used", c.used}});
  json tokens = json::array();
  for (const auto& t : s.access_tokens)
    tokens.push_back(
        {{"token", t.token}, {"profile_id", t.profile_id}, {"expires_ms", t.expires_ms}});
  json outbox = json::array();
  for (const auto& e : s.outbox) {
    json j = EmailFieldsJson(e);
    j["sent_ms"] = e.sent_ms;
    j["scanner"] = nullptr;
    j["delivery"] = nullptr;
    if (e.scanner)
      j["scanner"] = {{"visited_ms", e.scanner->visited_ms},
                      {"mode", e.scanner->mode},
                      {"outcome", e.scanner->outcome},
                      {"detail", e.scanner->detail}};
    if (e.delivery)
      j["delivery"] = {{"status", e.delivery->status},
                       {"error", e.delivery->error},
                       {"at_ms", e.delivery->at_ms}};
    outbox.push_back(j);
  }
  json logins = json::array();
  for (const auto& p : s.pending_logins)
    logins.push_back({{"id", p.id},
                      {"connection_id", p.connection_id},
                      {"redirect_uri", p.redirect_uri},
                      {"state", p.state},
                      {"code_challenge", NullableJson(p.code_challenge)},
                      {"nonce", p.nonce},
                      {"provider_scopes", p.provider_scopes},
                      {"expires_ms", p.expires_ms}});
  json out = {{"clock_offset_ms", s.clock_offset_ms},
              {"redirect_uris", RedirectUrisJson(s.redirect_uris)},
              {"scanner", ScannerFieldsJson(s.scanner)},
              {"settings", SettingsFieldsJson(s.settings.value_or(EnvironmentSettings{}))},
              {"organizations", orgs},
              {"connections", conns},
              {"profiles", profiles},
              {"sessions", sessions},
              {"codes", codes},
              {"access_tokens", tokens},
              {"outbox", outbox},
              {"pending_logins", logins}};
  if (!s.id_streams.empty()) {  // deterministic mode only
    json streams = json::object();
    for (const auto& [name, p] : s.id_streams)
      streams[name] = {{"drawn", p.drawn}, {"last_ulid", p.last_ulid}};
    out["id_streams"] = streams;
  }
  return out;
}

}  // namespace workos_mock
