// The state object of docs/state.md read back into a snapshot; every key is checked, and one
// this build does not know is refused (state.h).
#include <set>

#include "config/json_reader.h"
#include "config/model_json.h"
#include "config/state.h"

namespace workos_mock {
namespace {

using nlohmann::json;

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

}  // namespace workos_mock
