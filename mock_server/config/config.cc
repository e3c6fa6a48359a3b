#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "domain/clock.h"
#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/registry.h"

namespace workos_mock {
namespace {

using nlohmann::json;

constexpr const char* kDefaultConfig = R"JSON({
  "environments": [
    {
      "name": "default",
      "kind": "staging",
      "api_keys": ["sk_test_workos_mock"],
      "client_id": "client_workos_mock",
      "redirect_uris": [{"uri": "http://localhost:3000/callback", "default": true}]
    }
  ]
})JSON";

class Parser {
 public:
  explicit Parser(std::string source, DeterministicDefaults defaults = {})
      : source_(std::move(source)), defaults_(std::move(defaults)) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& what) const {
    throw ConfigError(source_, path, what);
  }

  void Keys(const json& obj, const std::string& path, const std::set<std::string>& allowed) const {
    if (!obj.is_object()) Fail(path, "must be an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (it.key().rfind("_", 0) == 0) continue;  // "_comment" and friends document the file
      if (!allowed.count(it.key())) {
        std::string list;
        for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
        Fail(path + "." + it.key(), "unknown key (allowed here: " + list + ")");
      }
    }
  }

  std::string String(const json& obj, const std::string& path, const std::string& key,
                     const std::string& fallback, bool required = false) const {
    if (!obj.contains(key)) {
      if (required) Fail(path + "." + key, "is required");
      return fallback;
    }
    if (!obj[key].is_string()) Fail(path + "." + key, "must be a string");
    return obj[key].get<std::string>();
  }

  int64_t Seconds(const json& obj, const std::string& path, const std::string& key,
                  int64_t fallback) const {
    if (!obj.contains(key)) return fallback;
    // is_number_integer() is also true for values beyond INT64_MAX (unsigned): range-check it.
    const json& v = obj[key];
    const bool whole =
        v.is_number_integer() &&
        (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t(kMaxDurationSeconds) : true);
    if (!whole || CheckDuration(key, v.get<int64_t>()))
      Fail(path + "." + key, "must be a whole number of seconds from 1 to " +
                                 std::to_string(kMaxDurationSeconds) + " (100 years)");
    return v.get<int64_t>();
  }

  std::vector<std::string> Strings(const json& obj, const std::string& path,
                                   const std::string& key) const {
    std::vector<std::string> out;
    if (!obj.contains(key)) return out;
    if (!obj[key].is_array()) Fail(path + "." + key, "must be an array of strings");
    for (size_t i = 0; i < obj[key].size(); ++i) {
      if (!obj[key][i].is_string())
        Fail(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
      out.push_back(obj[key][i].get<std::string>());
    }
    return out;
  }

  std::vector<Domain> Domains(const json& obj, const std::string& path, int64_t now,
                              IdGenerator& ids) const {
    std::vector<Domain> out;
    for (const auto& d : Strings(obj, path, "domains"))
      out.push_back({ids.NewId("org_domain", now), d});
    return out;
  }

  // An organization's domains: "foo.com" (verified) or {"domain": "foo.com", "state":
  // "verified"|"pending"}.
  std::vector<Domain> OrganizationDomains(const json& obj, const std::string& path, int64_t now,
                                          IdGenerator& ids) const {
    std::vector<Domain> out;
    if (!obj.contains("domains")) return out;
    if (!obj["domains"].is_array()) Fail(path + ".domains", "must be an array");
    for (size_t i = 0; i < obj["domains"].size(); ++i) {
      const std::string p = path + ".domains[" + std::to_string(i) + "]";
      const json& d = obj["domains"][i];
      Domain domain{ids.NewId("org_domain", now), "", "verified"};
      if (d.is_string()) {
        domain.domain = d.get<std::string>();
      } else if (d.is_object()) {
        Keys(d, p, {"domain", "state"});
        domain.domain = String(d, p, "domain", "", true);
        domain.state = String(d, p, "state", "verified");
        if (domain.state != "verified" && domain.state != "pending")
          Fail(p + ".state", "must be \"verified\" or \"pending\"");
      } else {
        Fail(p,
             "must be a domain (\"foo.com\") or {\"domain\": \"foo.com\", \"state\": "
             "\"pending\"}");
      }
      if (domain.domain.empty()) Fail(p, "must not be empty");
      out.push_back(domain);
    }
    return out;
  }

  // The keys seed and start_time of an environment (over the server's defaults), checked.
  void Deterministic(const json& e, const std::string& path, EnvironmentConfig& c) const {
    c.random_seed = defaults_.seed;
    c.start_time_ms = defaults_.start_time_ms;
    if (e.contains("seed")) {
      const json& v = e["seed"];
      if (!v.is_null()) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
            static_cast<uint64_t>(v.get<int64_t>()) > kMaxSeed)
          Fail(path + ".seed", "must be a whole number from 0 to 9007199254740991 (or null)");
        c.random_seed = v.get<uint64_t>();
      } else {
        c.random_seed.reset();
      }
    }
    if (e.contains("start_time")) {
      const json& v = e["start_time"];
      if (!v.is_null()) {
        std::optional<int64_t> t;
        if (v.is_string()) t = ParseRfc3339(v.get<std::string>());
        if (!t || *t < 0)
          Fail(path + ".start_time",
               "must be an RFC 3339 time from 1970 on, e.g. \"2026-01-01T00:00:00Z\" (or null)");
        c.start_time_ms = t;
      } else {
        c.start_time_ms.reset();
      }
    }
    if (c.random_seed && c.kind == EnvironmentKind::kProduction) {
      if (e.contains("seed"))
        Fail(path + ".seed",
             "a production environment cannot have a seed: deterministic mode makes its "
             "tokens, links and codes predictable. Use a staging environment.");
      Fail(path + ".kind",
           "--seed (WORKOS_MOCK_SEED) is refused for production environment '" + c.name +
               "': deterministic mode makes its tokens, links and codes predictable. Drop "
               "--seed, or give the staging environments a \"seed\" key of their own.");
    }
  }

  std::vector<RedirectUriEntry> RedirectUris(const json& obj, const std::string& path) const {
    std::vector<RedirectUriEntry> out;
    if (!obj.contains("redirect_uris")) return out;
    const json& list = obj["redirect_uris"];
    if (!list.is_array()) Fail(path + ".redirect_uris", "must be an array");
    bool any_default = false;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = path + ".redirect_uris[" + std::to_string(i) + "]";
      RedirectUriEntry e;
      if (list[i].is_string()) {
        e.uri = list[i].get<std::string>();
      } else {
        Keys(list[i], p, {"uri", "default"});
        e.uri = String(list[i], p, "uri", "", true);
        if (list[i].contains("default")) {
          if (!list[i]["default"].is_boolean()) Fail(p + ".default", "must be true or false");
          e.is_default = list[i]["default"].get<bool>();
        }
      }
      any_default |= e.is_default;
      out.push_back(e);
    }
    if (!any_default && !out.empty()) out.front().is_default = true;  // the first is the default
    return out;
  }

  // {"mode": "off|prefetch|prefetch_follow|head", "allowlist": [..], "delay_ms": 0}; also the
  // body of PUT /_mock/scanner.
  ScannerSettings Scanner(const json& o, const std::string& path) const {
    Keys(o, path, {"mode", "allowlist", "delay_ms"});
    ScannerSettings s;
    s.mode = String(o, path, "mode", s.mode);
    s.allowlist = Strings(o, path, "allowlist");
    if (o.contains("delay_ms")) {
      if (!o["delay_ms"].is_number_integer()) Fail(path + ".delay_ms", "must be a whole number");
      s.delay_ms = o["delay_ms"].get<int64_t>();
    }
    if (auto error = ::workos_mock::Environment::ValidateScanner(s)) {
      const auto& fe = error->errors.front();
      Fail(path + "." + fe.field, fe.code);
    }
    for (auto& entry : s.allowlist)
      for (auto& ch : entry) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  // The settings keys (idempotent_replay, head_consumes_links) of `o`, over `base`; also the body
  // of PUT /_mock/settings.
  EnvironmentSettings Settings(const json& o, const std::string& path,
                               EnvironmentSettings base) const {
    auto flag = [&](const char* key, bool& out) {
      if (!o.contains(key)) return;
      if (!o[key].is_boolean()) Fail(path + "." + key, "must be true or false");
      out = o[key].get<bool>();
    };
    flag("idempotent_replay", base.idempotent_replay);
    flag("head_consumes_links", base.head_consumes_links);
    return base;
  }

  EnvironmentConfig Environment(const json& e, const std::string& path, int64_t now) const {
    Keys(e, path,
         {"name",
          "kind",
          "api_keys",
          "client_id",
          "redirect_uris",
          "allow_wildcard_redirect_uris",
          "link_ttl_seconds",
          "code_ttl_seconds",
          "access_token_ttl_seconds",
          "sweep_after_seconds",
          "max_stored",
          "journal_max_bytes",
          "app_name",
          "email_from",
          "interactive_idp",
          "idempotent_replay",
          "head_consumes_links",
          "scanner",
          "smtp_url",
          "seed",
          "start_time",
          "organizations",
          "connections"});
    EnvironmentConfig c;
    c.name = String(e, path, "name", "", true);
    std::string kind = String(e, path, "kind", "staging");
    if (kind != "staging" && kind != "production")
      Fail(path + ".kind", "must be \"staging\" or \"production\", not \"" + kind + "\"");
    c.kind = kind == "production" ? EnvironmentKind::kProduction : EnvironmentKind::kStaging;
    c.api_keys = Strings(e, path, "api_keys");
    c.client_id = String(e, path, "client_id", "", true);
    c.redirect_uris = RedirectUris(e, path);
    if (e.contains("allow_wildcard_redirect_uris")) {
      if (!e["allow_wildcard_redirect_uris"].is_boolean())
        Fail(path + ".allow_wildcard_redirect_uris", "must be true or false");
      c.allow_wildcard_redirect_uris = e["allow_wildcard_redirect_uris"].get<bool>();
    }
    c.link_ttl_seconds = Seconds(e, path, "link_ttl_seconds", c.link_ttl_seconds);
    c.code_ttl_seconds = Seconds(e, path, "code_ttl_seconds", c.code_ttl_seconds);
    c.access_token_ttl_seconds =
        Seconds(e, path, "access_token_ttl_seconds", c.access_token_ttl_seconds);
    c.sweep_after_seconds = Seconds(e, path, "sweep_after_seconds", c.sweep_after_seconds);
    if (e.contains("max_stored")) {
      const json& m = e["max_stored"];
      if (!m.is_number_integer() || m.get<int64_t>() < 100 || m.get<int64_t>() > 10000000)
        Fail(path + ".max_stored", "must be a whole number from 100 to 10000000");
      c.max_stored = m.get<int64_t>();
    }
    if (e.contains("journal_max_bytes")) {
      const json& m = e["journal_max_bytes"];
      if (!m.is_number_integer() || m.get<int64_t>() < 65536 || m.get<int64_t>() > (1LL << 30))
        Fail(path + ".journal_max_bytes", "must be a whole number from 65536 to 1073741824");
      c.journal_max_bytes = m.get<int64_t>();
    }
    c.app_name = String(e, path, "app_name", c.app_name);
    c.email_from = String(e, path, "email_from", c.email_from);
    if (e.contains("interactive_idp")) {
      if (!e["interactive_idp"].is_boolean())
        Fail(path + ".interactive_idp", "must be true or false");
      c.interactive_idp = e["interactive_idp"].get<bool>();
    }
    c.settings = Settings(e, path, c.settings);
    if (e.contains("scanner")) c.scanner = Scanner(e["scanner"], path + ".scanner");
    c.smtp_url = String(e, path, "smtp_url", "");
    if (!c.smtp_url.empty() && c.smtp_url.rfind("smtp://", 0) != 0 &&
        c.smtp_url.rfind("smtps://", 0) != 0)
      Fail(path + ".smtp_url", "must be smtp://host:port or smtps://host:port");
    Deterministic(e, path, c);
    // Ids the config leaves out are made here: in deterministic mode from a stream of their own
    // (seed, environment name, "config") and at start_time, so they are reproducible too.
    IdGenerator csprng;
    std::unique_ptr<IdGenerator> seeded;
    if (c.random_seed) seeded = std::make_unique<IdGenerator>(*c.random_seed, c.name, "config");
    IdGenerator& ids = seeded ? *seeded : csprng;
    if (c.start_time_ms) now = *c.start_time_ms;

    std::set<std::string> org_ids;
    if (e.contains("organizations")) {
      if (!e["organizations"].is_array()) Fail(path + ".organizations", "must be an array");
      for (size_t i = 0; i < e["organizations"].size(); ++i) {
        const std::string p = path + ".organizations[" + std::to_string(i) + "]";
        const json& o = e["organizations"][i];
        Keys(o, p, {"id", "name", "domains", "allow_profiles_outside_organization"});
        Organization org;
        org.id = o.contains("id") ? String(o, p, "id", "") : ids.NewId("org", now);
        if (org.id.rfind("org_", 0) != 0) Fail(p + ".id", "must start with 'org_'");
        org.name = String(o, p, "name", "", true);
        org.domains = OrganizationDomains(o, p, now, ids);
        if (o.contains("allow_profiles_outside_organization")) {
          if (!o["allow_profiles_outside_organization"].is_boolean())
            Fail(p + ".allow_profiles_outside_organization", "must be true or false");
          org.allow_profiles_outside_organization =
              o["allow_profiles_outside_organization"].get<bool>();
        }
        org.created_ms = org.updated_ms = now;
        if (!org_ids.insert(org.id).second) Fail(p + ".id", "duplicate organization id");
        c.organizations.push_back(org);
      }
    }
    if (e.contains("connections")) {
      if (!e["connections"].is_array()) Fail(path + ".connections", "must be an array");
      std::set<std::string> conn_ids;
      for (size_t i = 0; i < e["connections"].size(); ++i) {
        const std::string p = path + ".connections[" + std::to_string(i) + "]";
        const json& o = e["connections"][i];
        Keys(o, p, {"id", "type", "name", "state", "organization", "domains", "users"});
        Connection conn;
        conn.id = o.contains("id") ? String(o, p, "id", "") : ids.NewId("conn", now);
        if (conn.id.rfind("conn_", 0) != 0) Fail(p + ".id", "must start with 'conn_'");
        conn.type = String(o, p, "type", "", true);
        const auto& types = ConnectionTypes();
        if (std::find(types.begin(), types.end(), conn.type) == types.end())
          Fail(p + ".type", "'" + conn.type +
                                "' is not a WorkOS connection type (e.g. OktaSAML, GoogleOAuth, "
                                "EntraIdOIDC, GenericOIDC; the list is in docs/config.md)");
        conn.name = String(o, p, "name", conn.type);
        conn.state = String(o, p, "state", "active");
        static const std::set<std::string> kStates = {"requires_type", "draft",    "active",
                                                      "validating",    "inactive", "deleting"};
        if (!kStates.count(conn.state))
          Fail(p + ".state",
               "must be one of requires_type, draft, active, validating, inactive, deleting");
        if (o.contains("organization")) {
          std::string org = String(o, p, "organization", "");
          if (!org_ids.count(org))
            Fail(p + ".organization", "no organization with id '" + org + "' in this environment");
          conn.organization_id = org;
        }
        conn.domains = Domains(o, p, now, ids);
        if (o.contains("users")) {
          if (!o["users"].is_array()) Fail(p + ".users", "must be an array");
          for (size_t j = 0; j < o["users"].size(); ++j) {
            const std::string up = p + ".users[" + std::to_string(j) + "]";
            const json& u = o["users"][j];
            if (u.is_object() && u.contains("raw_attributes")) {
              Fail(up + ".raw_attributes",
                   "live returns raw_attributes {} in every profile since 2026-04-15 (WorkOS's "
                   "raw_attributes deprecation), so the mock does too: give the IdP's claims as "
                   "custom_attributes, where live returns them now, e.g. \"custom_attributes\": "
                   "{\"picture\": \"https://...\", \"locale\": \"en-US\"}");
            }
            Keys(u, up,
                 {"email", "first_name", "last_name", "idp_id", "groups", "roles",
                  "custom_attributes", "outcome"});
            IdpUser user;
            user.email = String(u, up, "email", "", true);
            user.outcome = String(u, up, "outcome", "");
            if (!user.outcome.empty() && !IsSignInOutcome(user.outcome)) {
              std::string all;
              for (const auto& code : SignInOutcomes()) all += (all.empty() ? "" : ", ") + code;
              Fail(up + ".outcome", "'" + user.outcome + "' is not a sign-in outcome (one of " +
                                        all + "; leave it out to sign the user in)");
            }
            if (u.contains("first_name")) user.first_name = String(u, up, "first_name", "");
            if (u.contains("last_name")) user.last_name = String(u, up, "last_name", "");
            user.idp_id = String(u, up, "idp_id", "");
            user.groups = Strings(u, up, "groups");
            user.roles = Strings(u, up, "roles");
            if (u.contains("custom_attributes")) {
              const json& a = u["custom_attributes"];
              if (!a.is_object()) Fail(up + ".custom_attributes", "must be an object of strings");
              for (auto it = a.begin(); it != a.end(); ++it) {
                if (!it->is_string())
                  Fail(up + ".custom_attributes." + it.key(), "must be a string");
                user.custom_attributes[it.key()] = it->get<std::string>();
              }
            }
            conn.users.push_back(user);
          }
        }
        conn.created_ms = conn.updated_ms = now;
        if (!conn_ids.insert(conn.id).second) Fail(p + ".id", "duplicate connection id");
        c.connections.push_back(conn);
      }
    }
    if (auto error = Registry::Validate(c)) {
      const auto& fe = error->errors.front();
      Fail(path + "." + fe.field, fe.code);
    }
    return c;
  }

  ServerConfig Parse(const std::string& text) const {
    json root;
    try {
      root = json::parse(text);
    } catch (const json::exception& e) {
      Fail("", std::string("not valid JSON: ") + e.what());
    }
    Keys(root, "", {"environments"});
    if (!root.contains("environments") || !root["environments"].is_array() ||
        root["environments"].empty())
      Fail("environments", "must be a non-empty array");
    ServerConfig config;
    config.deterministic = defaults_;
    if (defaults_.seed) {
      config.environment_ids = std::make_shared<IdGenerator>(*defaults_.seed, "", "environments");
      config.request_ids = std::make_shared<IdGenerator>(*defaults_.seed, "", "requests");
    }
    const int64_t now = SystemClock().NowMs();
    std::set<std::string> names, keys, client_ids;
    for (size_t i = 0; i < root["environments"].size(); ++i) {
      const std::string path = "environments[" + std::to_string(i) + "]";
      EnvironmentConfig env = Environment(root["environments"][i], path, now);
      if (!names.insert(env.name).second) Fail(path + ".name", "duplicate environment name");
      if (!client_ids.insert(env.client_id).second)
        Fail(path + ".client_id", "another environment already uses this client id");
      for (const auto& k : env.api_keys)
        if (!keys.insert(k).second)
          Fail(path + ".api_keys", "another environment already uses this key");
      config.environments.push_back(env);
    }
    return config;
  }

 private:
  std::string source_;
  DeterministicDefaults defaults_;
};

}  // namespace

ScannerSettings ParseScanner(const std::string& text, const std::string& source) {
  json o;
  try {
    o = json::parse(text);
  } catch (const json::exception& e) {
    throw ConfigError(source, "", std::string("not valid JSON: ") + e.what());
  }
  return ScannerFromJson(o, source);
}

ScannerSettings ScannerFromJson(const json& object, const std::string& source) {
  return Parser(source).Scanner(object, "scanner");
}

EnvironmentSettings ParseSettings(const std::string& text, const std::string& source,
                                  const EnvironmentSettings& base) {
  json o;
  try {
    o = json::parse(text);
  } catch (const json::exception& e) {
    throw ConfigError(source, "", std::string("not valid JSON: ") + e.what());
  }
  return SettingsFromJson(o, source, base);
}

EnvironmentSettings SettingsFromJson(const json& object, const std::string& source,
                                     const EnvironmentSettings& base) {
  Parser parser(source);
  parser.Keys(object, "settings", {"idempotent_replay", "head_consumes_links"});
  return parser.Settings(object, "settings", base);
}

ServerConfig ParseConfig(const std::string& text, const std::string& source,
                         const DeterministicDefaults& defaults) {
  return Parser(source, defaults).Parse(text);
}

ServerConfig LoadConfigFile(const std::string& path, const DeterministicDefaults& defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return ParseConfig(buf.str(), path, defaults);
}

const char* DefaultConfigJson() { return kDefaultConfig; }

std::string DeterministicWarning(const ServerConfig& config) {
  std::string seeded, frozen;
  for (const auto& e : config.environments) {
    if (e.random_seed)
      seeded +=
          (seeded.empty() ? "" : ", ") + e.name + " (seed " + std::to_string(*e.random_seed) + ")";
    if (e.start_time_ms)
      frozen +=
          (frozen.empty() ? "" : ", ") + e.name + " (at " + FormatIso8601(*e.start_time_ms) + ")";
  }
  std::string out;
  if (!seeded.empty() || config.deterministic.seed)
    out +=
        "workos-mock: WARNING: deterministic mode: ids, magic-link tokens, codes and access tokens "
        "are "
        "PREDICTABLE (derived from the seed) in: " +
        (seeded.empty() ? std::string("(no environment yet)") : seeded) +
        (config.deterministic.seed ? "; environments created later get --seed " +
                                         std::to_string(*config.deterministic.seed)
                                   : std::string()) +
        ". For tests only: never serve it where anyone else can reach it.\n";
  if (!frozen.empty() || config.deterministic.start_time_ms)
    out +=
        "workos-mock: deterministic mode: the clock is frozen (it moves only by POST "
        "/_mock/clock/advance) "
        "in: " +
        (frozen.empty() ? std::string("(no environment yet)") : frozen) + ".\n";
  return out;
}

ServerConfig DefaultConfig(const DeterministicDefaults& defaults) {
  return ParseConfig(kDefaultConfig, "<embedded default>", defaults);
}

}  // namespace workos_mock
