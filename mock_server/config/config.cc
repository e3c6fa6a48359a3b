#include "config/config.h"

#include <cctype>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/directory_config.h"
#include "config/json_reader.h"
#include "config/model_json.h"
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
      : r_(std::move(source), kConfigDialect), defaults_(std::move(defaults)) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& what) const {
    r_.Fail(path, what);
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
    const json& list = r_.Array(obj, path, "redirect_uris");
    bool any_default = false;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string p = path + ".redirect_uris[" + std::to_string(i) + "]";
      RedirectUriEntry e = list[i].is_string() ? RedirectUriEntry{list[i].get<std::string>(), false}
                                               : ReadRedirectUri(r_, list[i], p);
      any_default |= e.is_default;
      out.push_back(e);
    }
    if (!any_default && !out.empty()) out.front().is_default = true;  // the first is the default
    return out;
  }

  // {"mode": "off|prefetch|prefetch_follow|head", "allowlist": [..], "delay_ms": 0}; also the
  // body of PUT /_mock/scanner.
  ScannerSettings Scanner(const json& o, const std::string& path) const {
    ScannerSettings s = ReadScannerKeys(r_, o, path);
    if (Status valid = ::workos_mock::Environment::ValidateScanner(s); !valid.ok()) {
      const auto& fe = valid.error().errors.front();
      Fail(path + "." + fe.field, fe.code);
    }
    for (auto& entry : s.allowlist)
      for (auto& ch : entry) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  }

  // The body of PUT /_mock/settings: only the settings keys, over `base`.
  EnvironmentSettings Settings(const json& o, const std::string& path,
                               const EnvironmentSettings& base) const {
    r_.Known(o, path, {"idempotent_replay", "head_consumes_links"});
    return ReadSettingsKeys(r_, o, path, base);
  }

  EnvironmentConfig Environment(const json& e, const std::string& path, int64_t now) const {
    r_.Known(e, path,
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
    c.name = r_.RequiredString(e, path, "name");
    std::string kind = r_.String(e, path, "kind", "staging");
    if (kind != "staging" && kind != "production")
      Fail(path + ".kind", "must be \"staging\" or \"production\", not \"" + kind + "\"");
    c.kind = kind == "production" ? EnvironmentKind::kProduction : EnvironmentKind::kStaging;
    c.api_keys = r_.Strings(e, path, "api_keys");
    c.client_id = r_.RequiredString(e, path, "client_id");
    c.redirect_uris = RedirectUris(e, path);
    c.allow_wildcard_redirect_uris =
        r_.Bool(e, path, "allow_wildcard_redirect_uris", c.allow_wildcard_redirect_uris);
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
    c.app_name = r_.String(e, path, "app_name", c.app_name);
    c.email_from = r_.String(e, path, "email_from", c.email_from);
    c.interactive_idp = r_.Bool(e, path, "interactive_idp", c.interactive_idp);
    c.settings = ReadSettingsKeys(r_, e, path, c.settings);
    if (e.contains("scanner")) c.scanner = Scanner(e["scanner"], path + ".scanner");
    c.smtp_url = r_.String(e, path, "smtp_url", "");
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
    ReadDirectory(r_, e, path, now, ids, c);
    if (Status valid = Registry::Validate(c); !valid.ok()) {
      const auto& fe = valid.error().errors.front();
      Fail(path + "." + fe.field, fe.code);
    }
    return c;
  }

  ServerConfig Parse(const std::string& text) const {
    const json root = ParseJson(text);
    r_.Known(root, "", {"environments"});
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

  json ParseJson(const std::string& text) const {
    try {
      return json::parse(text);
    } catch (const json::exception& e) {
      Fail("", std::string("not valid JSON: ") + e.what());
    }
  }

 private:
  JsonReader r_;
  DeterministicDefaults defaults_;
};

}  // namespace

ScannerSettings ParseScanner(const std::string& text, const std::string& source) {
  Parser parser(source);
  return parser.Scanner(parser.ParseJson(text), "scanner");
}

ScannerSettings ScannerFromJson(const json& object, const std::string& source) {
  return Parser(source).Scanner(object, "scanner");
}

EnvironmentSettings ParseSettings(const std::string& text, const std::string& source,
                                  const EnvironmentSettings& base) {
  Parser parser(source);
  return parser.Settings(parser.ParseJson(text), "settings", base);
}

EnvironmentSettings SettingsFromJson(const json& object, const std::string& source,
                                     const EnvironmentSettings& base) {
  return Parser(source).Settings(object, "settings", base);
}

ServerConfig ParseConfig(const std::string& text, const std::string& source,
                         const DeterministicDefaults& defaults) {
  return Parser(source, defaults).Parse(text);
}

namespace {

// The module's boundary: runs a throwing reader and turns its ConfigError into the Error a
// request is answered with, the key path without `prefix` (the reader's, not the body's).
template <typename Read>
auto ReadOrError(const std::string& prefix, Read read) -> Result<decltype(read())> {
  try {
    return read();
  } catch (const ConfigError& e) {
    std::string field = e.path();
    if (field.rfind(prefix, 0) == 0) field = field.substr(prefix.size());
    return ValidationError({{field.empty() ? "body" : field, e.problem()}});
  }
}

constexpr const char* kRequestBody = "request body";

}  // namespace

Result<EnvironmentConfig> ReadEnvironmentSeed(const json& environment,
                                              const DeterministicDefaults& defaults) {
  return ReadOrError("environments[0].", [&] {
    const json doc = {{"environments", json::array({environment})}};
    return ParseConfig(doc.dump(-1, ' ', false, json::error_handler_t::replace), kRequestBody,
                       defaults)
        .environments.front();
  });
}

Result<ScannerSettings> ReadScanner(const json& body) {
  return ReadOrError("scanner.", [&] { return ScannerFromJson(body, kRequestBody); });
}

Result<ScannerSettings> ReadScannerText(const std::string& text) {
  return ReadOrError("scanner.", [&] { return ParseScanner(text, kRequestBody); });
}

Result<EnvironmentSettings> ReadSettings(const json& body, const EnvironmentSettings& base) {
  return ReadOrError("settings.", [&] { return SettingsFromJson(body, kRequestBody, base); });
}

Result<EnvironmentSettings> ReadSettingsText(const std::string& text,
                                             const EnvironmentSettings& base) {
  return ReadOrError("settings.", [&] { return ParseSettings(text, kRequestBody, base); });
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
