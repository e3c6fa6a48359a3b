#include "config/state.h"

#include <set>

#include "config/json_reader.h"
#include "config/model_json.h"

namespace workos_mock {
namespace {

using nlohmann::json;

json Opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

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

json RedirectUrisJsonOf(const std::vector<RedirectUriEntry>& uris) {
  json out = json::array();
  for (const auto& e : uris) out.push_back({{"uri", e.uri}, {"default", e.is_default}});
  return out;
}

json ScannerJsonOf(const ScannerSettings& s) {
  return {{"mode", s.mode}, {"allowlist", s.allowlist}, {"delay_ms", s.delay_ms}};
}

std::vector<Domain> Domains(const JsonReader& r, const json& o, const std::string& path) {
  return r.List<Domain>(o, path, "domains", [&](const json& d, const std::string& p) {
    r.Known(d, p, {"id", "domain", "state"});
    Domain x;
    x.id = r.RequiredString(d, p, "id");
    x.domain = r.RequiredString(d, p, "domain");
    x.state = ReadDomainState(r, d, p);
    return x;
  });
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
            {"redirect_uris", RedirectUrisJsonOf(c.redirect_uris)},
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
            {"idempotent_replay", c.settings.idempotent_replay},
            {"head_consumes_links", c.settings.head_consumes_links},
            {"scanner", ScannerJsonOf(c.scanner)},
            {"organizations", orgs},
            {"connections", conns}};
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
                     {"organization_id", Opt(c.organization_id)},
                     {"type", c.type},
                     {"name", c.name},
                     {"state", c.state},
                     {"domains", DomainsJson(c.domains)},
                     {"users", users},
                     {"created_ms", c.created_ms},
                     {"updated_ms", c.updated_ms}});
  }
  json profiles = json::array();
  for (const auto& p : s.profiles)
    profiles.push_back({{"id", p.id},
                        {"organization_id", Opt(p.organization_id)},
                        {"connection_id", p.connection_id},
                        {"connection_type", p.connection_type},
                        {"idp_id", p.idp_id},
                        {"email", p.email},
                        {"first_name", Opt(p.first_name)},
                        {"last_name", Opt(p.last_name)},
                        {"groups", p.groups},
                        {"roles", p.roles},
                        {"custom_attributes", p.custom_attributes}});
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
                        {"state", Opt(x.state)},
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
                     {"code_challenge", Opt(c.code_challenge)},
                     {"provider_scopes", c.provider_scopes},
                     {"expires_ms", c.expires_ms},
                     {"used", c.used}});
  json tokens = json::array();
  for (const auto& t : s.access_tokens)
    tokens.push_back(
        {{"token", t.token}, {"profile_id", t.profile_id}, {"expires_ms", t.expires_ms}});
  json outbox = json::array();
  for (const auto& e : s.outbox) {
    json j = {{"id", e.id},           {"to", e.to},
              {"from", e.from},       {"subject", e.subject},
              {"text", e.text},       {"html", e.html},
              {"link", e.link},       {"session_id", e.session_id},
              {"sent_ms", e.sent_ms}, {"scanner", nullptr},
              {"delivery", nullptr}};
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
                      {"code_challenge", Opt(p.code_challenge)},
                      {"nonce", p.nonce},
                      {"provider_scopes", p.provider_scopes},
                      {"expires_ms", p.expires_ms}});
  json out = {
      {"clock_offset_ms", s.clock_offset_ms},
      {"redirect_uris", RedirectUrisJsonOf(s.redirect_uris)},
      {"scanner", ScannerJsonOf(s.scanner)},
      {"settings",
       {{"idempotent_replay", s.settings.value_or(EnvironmentSettings{}).idempotent_replay},
        {"head_consumes_links", s.settings.value_or(EnvironmentSettings{}).head_consumes_links}}},
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

EnvironmentSnapshot ParseSnapshot(const json& state, const std::string& path) {
  JsonReader r("request body", kStateDialect);
  r.Object(state, path);
  EnvironmentSnapshot s;
  s.clock_offset_ms = r.Int(state, path, "clock_offset_ms", 0);
  s.redirect_uris = r.List<RedirectUriEntry>(
      state, path, "redirect_uris",
      [&](const json& o, const std::string& p) { return ReadRedirectUri(r, o, p); });
  if (state.contains("scanner"))
    s.scanner = ReadScannerKeys(r, state["scanner"], path + ".scanner");
  if (state.contains("settings")) {  // absent in files written before the settings existed
    const std::string p = path + ".settings";
    const json& o = r.Known(state["settings"], p, {"idempotent_replay", "head_consumes_links"});
    s.settings = ReadSettingsKeys(r, o, p, EnvironmentSettings{});
  }
  s.organizations =
      r.List<Organization>(state, path, "organizations", [&](const json& o, const std::string& p) {
        r.Known(o, p,
                {"id", "name", "domains", "allow_profiles_outside_organization", "created_ms",
                 "updated_ms"});
        Organization x;
        x.id = r.RequiredString(o, p, "id");
        x.name = r.RequiredString(o, p, "name");
        x.domains = Domains(r, o, p);
        x.allow_profiles_outside_organization =
            r.Bool(o, p, "allow_profiles_outside_organization", false);
        x.created_ms = r.Int(o, p, "created_ms", 0);
        x.updated_ms = r.Int(o, p, "updated_ms", 0);
        return x;
      });
  s.connections =
      r.List<Connection>(state, path, "connections", [&](const json& o, const std::string& p) {
        r.Known(o, p,
                {"id", "organization_id", "type", "name", "state", "domains", "users", "created_ms",
                 "updated_ms"});
        Connection x;
        x.id = r.RequiredString(o, p, "id");
        x.organization_id = r.OptionalString(o, p, "organization_id");
        x.type = r.RequiredString(o, p, "type");
        x.name = r.String(o, p, "name", x.type);
        x.state = r.String(o, p, "state", "active");
        x.domains = Domains(r, o, p);
        x.users = r.List<IdpUser>(o, p, "users", [&](const json& u, const std::string& up) {
          return ReadIdpUser(r, u, up, [](const std::string&) -> std::string {
            return "is not a sign-in outcome";
          });
        });
        x.created_ms = r.Int(o, p, "created_ms", 0);
        x.updated_ms = r.Int(o, p, "updated_ms", 0);
        return x;
      });
  s.profiles = r.List<Profile>(state, path, "profiles", [&](const json& o, const std::string& p) {
    r.Known(o, p,
            {"id", "organization_id", "connection_id", "connection_type", "idp_id", "email",
             "first_name", "last_name", "groups", "roles", "custom_attributes"});
    Profile x;
    x.id = r.RequiredString(o, p, "id");
    x.organization_id = r.OptionalString(o, p, "organization_id");
    x.connection_id = r.RequiredString(o, p, "connection_id");
    x.connection_type = r.RequiredString(o, p, "connection_type");
    x.idp_id = r.String(o, p, "idp_id", "");
    x.email = r.RequiredString(o, p, "email");
    x.first_name = r.OptionalString(o, p, "first_name");
    x.last_name = r.OptionalString(o, p, "last_name");
    x.groups = r.Strings(o, p, "groups");
    x.roles = r.Strings(o, p, "roles");
    x.custom_attributes = r.StringMap(o, p, "custom_attributes");
    return x;
  });
  s.sessions = r.List<PasswordlessSession>(
      state, path, "sessions", [&](const json& o, const std::string& p) {
        r.Known(o, p,
                {"id", "email", "redirect_uri", "state", "connection_id", "token", "created_ms",
                 "expires_ms", "sends", "used", "code", "visits", "visits_omitted"});
        PasswordlessSession x;
        x.id = r.RequiredString(o, p, "id");
        x.email = r.RequiredString(o, p, "email");
        x.redirect_uri = r.RequiredString(o, p, "redirect_uri");
        x.state = r.OptionalString(o, p, "state");
        x.connection_id = r.RequiredString(o, p, "connection_id");
        x.token = r.RequiredString(o, p, "token");
        x.created_ms = r.RequiredInt(o, p, "created_ms");
        x.expires_ms = r.RequiredInt(o, p, "expires_ms");
        x.sends = static_cast<int>(r.Int(o, p, "sends", 0));
        x.used = r.Bool(o, p, "used", false);
        x.code = r.String(o, p, "code", "");
        x.visits = r.List<LinkVisit>(o, p, "visits", [&](const json& v, const std::string& vp) {
          r.Known(v, vp, {"at_ms", "method", "user_agent", "outcome"});
          return LinkVisit{r.Int(v, vp, "at_ms", 0), r.RequiredString(v, vp, "method"),
                           r.String(v, vp, "user_agent", ""), r.RequiredString(v, vp, "outcome")};
        });
        x.visits_omitted = r.Int(o, p, "visits_omitted", 0);
        if (x.visits_omitted < 0) r.Fail(p + ".visits_omitted", "must be 0 or more");
        return x;
      });
  s.codes =
      r.List<AuthorizationCode>(state, path, "codes", [&](const json& o, const std::string& p) {
        r.Known(o, p,
                {"code", "profile_id", "connection_id", "redirect_uri", "session_id",
                 "code_challenge", "provider_scopes", "expires_ms", "used"});
        AuthorizationCode x;
        x.code = r.RequiredString(o, p, "code");
        x.profile_id = r.RequiredString(o, p, "profile_id");
        x.connection_id = r.RequiredString(o, p, "connection_id");
        x.redirect_uri = r.String(o, p, "redirect_uri", "");
        x.session_id = r.String(o, p, "session_id", "");
        x.code_challenge = r.OptionalString(o, p, "code_challenge");
        x.provider_scopes = r.Strings(o, p, "provider_scopes");
        x.expires_ms = r.RequiredInt(o, p, "expires_ms");
        x.used = r.Bool(o, p, "used", false);
        return x;
      });
  s.access_tokens =
      r.List<AccessToken>(state, path, "access_tokens", [&](const json& o, const std::string& p) {
        r.Known(o, p, {"token", "profile_id", "expires_ms"});
        return AccessToken{r.RequiredString(o, p, "token"), r.RequiredString(o, p, "profile_id"),
                           r.RequiredInt(o, p, "expires_ms")};
      });
  s.outbox = r.List<Email>(state, path, "outbox", [&](const json& o, const std::string& p) {
    r.Known(o, p,
            {"id", "to", "from", "subject", "text", "html", "link", "session_id", "sent_ms",
             "scanner", "delivery"});
    Email e;
    e.id = r.RequiredString(o, p, "id");
    e.to = r.RequiredString(o, p, "to");
    e.from = r.String(o, p, "from", "");
    e.subject = r.String(o, p, "subject", "");
    e.text = r.String(o, p, "text", "");
    e.html = r.String(o, p, "html", "");
    e.link = r.String(o, p, "link", "");
    e.session_id = r.String(o, p, "session_id", "");
    e.sent_ms = r.Int(o, p, "sent_ms", 0);
    if (o.contains("scanner") && !o["scanner"].is_null()) {
      const std::string sp = p + ".scanner";
      const json& sc = r.Known(o["scanner"], sp, {"visited_ms", "mode", "outcome", "detail"});
      e.scanner = ScanResult{r.Int(sc, sp, "visited_ms", 0), r.String(sc, sp, "mode", ""),
                             r.String(sc, sp, "outcome", ""), r.String(sc, sp, "detail", "")};
    }
    if (o.contains("delivery") && !o["delivery"].is_null()) {
      const std::string dp = p + ".delivery";
      const json& d = r.Known(o["delivery"], dp, {"status", "error", "at_ms"});
      e.delivery = DeliveryResult{r.String(d, dp, "status", ""), r.String(d, dp, "error", ""),
                                  r.Int(d, dp, "at_ms", 0)};
    }
    return e;
  });
  s.pending_logins =
      r.List<PendingLogin>(state, path, "pending_logins", [&](const json& o, const std::string& p) {
        r.Known(o, p,
                {"id", "connection_id", "redirect_uri", "state", "code_challenge", "nonce",
                 "provider_scopes", "expires_ms"});
        PendingLogin x;
        x.id = r.RequiredString(o, p, "id");
        x.connection_id = r.RequiredString(o, p, "connection_id");
        x.redirect_uri = r.RequiredString(o, p, "redirect_uri");
        x.state = r.String(o, p, "state", "");
        x.code_challenge = r.OptionalString(o, p, "code_challenge");
        x.nonce = r.String(o, p, "nonce", "");
        x.provider_scopes = r.Strings(o, p, "provider_scopes");
        x.expires_ms = r.RequiredInt(o, p, "expires_ms");
        return x;
      });
  if (state.contains("id_streams")) {
    const std::string p = path + ".id_streams";
    const json& o = r.Object(state["id_streams"], p);
    for (auto it = o.begin(); it != o.end(); ++it) {
      const std::string sp = p + "." + it.key();
      const json& stream = r.Known(*it, sp, {"drawn", "last_ulid"});
      const int64_t drawn = r.RequiredInt(stream, sp, "drawn");
      if (drawn < 0) r.Fail(sp + ".drawn", "must be a whole number from 0");
      s.id_streams[it.key()] = {static_cast<uint64_t>(drawn),
                                r.RequiredString(stream, sp, "last_ulid")};
    }
  }
  static const std::set<std::string> kKeys = {
      "id_streams",    "clock_offset_ms", "redirect_uris", "scanner",  "settings",
      "organizations", "connections",     "profiles",      "sessions", "codes",
      "access_tokens", "outbox",          "pending_logins"};
  for (auto it = state.begin(); it != state.end(); ++it)
    if (!kKeys.count(it.key()) && it.key().rfind("_", 0) != 0)
      r.Fail(path + "." + it.key(), "unknown key");
  return s;
}

json ExportEnvironment(const Environment& env, uint64_t* change_count) {
  return {{"object", "mock_state"},
          {"version", 1},
          {"environment", SeedJson(env.seed())},
          {"state", SnapshotJson(env.Snapshot(change_count))}};
}

std::optional<Error> ImportEnvironment(Environment& env, const json& doc) {
  auto field_error = [](const std::string& field, const std::string& problem) {
    return ValidationError({{field.empty() ? "body" : field, problem}});
  };
  if (!doc.is_object()) return field_error("body", "must be a JSON object");
  // "object" and "version" may be left out of a hand-written fixture; when present they must be
  // what this build writes, so a document of another kind or a newer format is refused.
  if (doc.contains("object") && doc["object"] != "mock_state")
    return field_error("object",
                       "must be \"mock_state\" (an environment exported by GET "
                       "/_mock/state), not " +
                           doc["object"].dump());
  if (doc.contains("version") && doc["version"] != 1)
    return field_error("version", "must be 1 (the only state format so far)");
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key().rfind("_", 0) != 0 && it.key() != "object" && it.key() != "version" &&
        it.key() != "environment" && it.key() != "state")
      return field_error(it.key(),
                         "unknown key (allowed here: object, version, environment, state)");
  if (!doc.contains("state")) return field_error("state", "is required");
  EnvironmentSnapshot snapshot;
  try {
    if (doc.contains("environment"))
      ParseConfig(json({{"environments", json::array({doc["environment"]})}}).dump(), "body");
    snapshot = ParseSnapshot(doc["state"], "state");
  } catch (const ConfigError& e) {
    std::string field = e.path();
    if (field.rfind("environments[0]", 0) == 0) field = "environment" + field.substr(15);
    return field_error(field, e.problem());
  }
  return env.Restore(std::move(snapshot));
}

json ExportRegistry(const Registry& registry) {
  json envs = json::array();
  for (const auto& env : registry.All()) envs.push_back(ExportEnvironment(*env));
  return {{"object", "mock_state_file"}, {"version", 1}, {"environments", envs}};
}

void ImportRegistry(Registry& registry, const json& doc, const std::string& source) {
  // A state file this build did not write (another kind of document, a newer format, keys it
  // does not know) stops the start with the key path (docs/state.md).
  if (!doc.is_object()) throw ConfigError(source, "", "must be a JSON object (a state file)");
  if (doc.value("object", json()) != "mock_state_file")
    throw ConfigError(source, "object",
                      "must be \"mock_state_file\" (is this a state file written by "
                      "workos-mock --state-file?), not " +
                          doc.value("object", json()).dump());
  if (doc.value("version", json()) != 1)
    throw ConfigError(source, "version",
                      "must be 1, not " + doc.value("version", json()).dump() +
                          ": this workos-mock reads state files of version 1 only (was the "
                          "file written by a newer workos-mock?)");
  JsonReader(source, kStateDialect).Known(doc, "", {"object", "version", "environments"});
  if (!doc.contains("environments") || !doc["environments"].is_array())
    throw ConfigError(source, "environments", "must be an array (is this a state file?)");
  const json& envs = doc["environments"];
  for (size_t i = 0; i < envs.size(); ++i) {
    const std::string path = "environments[" + std::to_string(i) + "]";
    const json& e = envs[i];
    if (!e.is_object() || !e.contains("environment"))
      throw ConfigError(source, path + ".environment", "is required");
    EnvironmentConfig seed;
    try {
      seed = ParseConfig(json({{"environments", json::array({e["environment"]})}}).dump(), source)
                 .environments.front();
    } catch (const ConfigError& error) {
      std::string field = error.path();
      if (field.rfind("environments[0]", 0) == 0) field = field.substr(15);
      throw ConfigError(source, path + ".environment" + field, error.problem());
    }
    auto env = registry.ByName(seed.name);
    if (!env) {
      auto added = registry.Add(seed);
      if (!added.ok()) throw ConfigError(source, path, added.error().message);
      env = added.value();
    }
    if (auto error = ImportEnvironment(*env, e)) {
      const auto& fe = error->errors.empty() ? FieldError{"", error->message} : error->errors[0];
      throw ConfigError(source, path + "." + fe.field, fe.code);
    }
  }
}

}  // namespace workos_mock
