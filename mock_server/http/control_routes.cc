// The control plane's set-up routes (/_mock/...): environments, reset, clock, scanner, settings,
// redirect URIs and state; what happens to requests is traffic_routes.cc. Scoped to the
// environment whose API key is the Bearer token; loopback clients only (server_hooks.cc).
#include "config/state.h"
#include "domain/ids.h"
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

// A body of spaces, tabs and line ends only (not an empty one).
bool BlankBody(const httplib::Request& req) {
  return !req.body.empty() && req.body.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

void MockServer::AddControlRoutes() {
  ControlRoute("POST", "/_mock/environments", false, [this](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    EnvironmentKind kind = EnvironmentKind::kStaging;
    if (body->contains("kind") && (*body)["kind"] == "production")
      kind = EnvironmentKind::kProduction;
    EnvironmentConfig generated = registry_->Generate(kind);
    if (config_.environment_ids) {
      // --seed: generated names, keys and client ids are reproducible too (in creation order;
      // parallel workers that want their own stream regardless of order give a "name").
      IdGenerator& ids = *config_.environment_ids;
      const int64_t t = config_.deterministic.start_time_ms.value_or(SystemClock().NowMs());
      generated.name = "env_" + ids.Ulid(t);
      generated.api_keys = {
          std::string(kind == EnvironmentKind::kProduction ? "sk_live_" : "sk_test_") +
          ids.Alphanumeric(32)};
      generated.client_id = "client_" + ids.Ulid(t);
    }
    json env = *body;
    if (!env.contains("name")) env["name"] = generated.name;
    if (env.contains("api_key")) {
      env["api_keys"] = json::array({env["api_key"]});
      env.erase("api_key");
    }
    if (!env.contains("api_keys")) env["api_keys"] = generated.api_keys;
    if (!env.contains("client_id")) env["client_id"] = generated.client_id;
    if (!env.contains("redirect_uris") && kind == EnvironmentKind::kStaging)
      env["redirect_uris"] = json::array({"http://localhost:3000/callback"});
    auto seed = ReadEnvironmentSeed(env, config_.deterministic);
    if (!seed.ok()) return ReplyError(c.res, seed.error());
    auto added = registry_->Add(seed.value());
    if (!added.ok()) return ReplyError(c.res, added.error());
    ReplyJson(c.res, 201, EnvironmentJson(*added.value()));
  });

  // Every environment of the server, for a human or a CI job wondering what is there; API keys
  // are left out (each worker knows its own).
  ControlRoute("GET", "/_mock/environments", false, [this](Call& c) {
    json data = json::array();
    for (const auto& env : registry_->All()) {
      const EnvironmentCounts n = env->Counts();
      data.push_back({{"object", "environment"},
                      {"name", env->name()},
                      {"kind", KindName(env->kind())},
                      {"client_id", env->client_id()},
                      {"sessions", n.sessions},
                      {"codes", n.codes},
                      {"access_tokens", n.access_tokens},
                      {"emails", n.emails}});
    }
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });

  ControlRoute("DELETE", "/_mock/environments/([^/]+)", false, [this](Call& c) {
    const std::string name = c.req.matches[1];
    if (!registry_->Remove(name))
      return ReplyJson(c.res, 404, {{"message", "No environment named '" + name + "'."}});
    DropControl(name);
    c.res.status = 204;
  });

  ControlRoute("GET", "/_mock/environment", true,
               [](Call& c) { ReplyJson(c.res, 200, EnvironmentJson(*c.env)); });

  ControlRoute("POST", "/_mock/reset", true, [this](Call& c) {
    c.env->Reset();
    Control(*c.env)->Reset();
    ReplyJson(c.res, 200, {{"success", true}});
  });

  auto clock_json = [](const Environment& env) {
    return json{{"now", FormatIso8601(env.NowMs())}, {"offset_seconds", env.ClockOffsetSeconds()}};
  };
  ControlRoute("GET", "/_mock/clock", true,
               [clock_json](Call& c) { ReplyJson(c.res, 200, clock_json(*c.env)); });
  ControlRoute("POST", "/_mock/clock/advance", true, [clock_json](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    if (!body->contains("seconds") || !(*body)["seconds"].is_number_integer())
      return ReplyError(
          c.res, ValidationError(
                     {{"seconds", "seconds must be a whole number, e.g. {\"seconds\": 900}"}}));
    auto advanced = c.env->AdvanceClock((*body)["seconds"].get<int64_t>());
    if (!advanced.ok()) return ReplyError(c.res, advanced.error());
    ReplyJson(c.res, 200, clock_json(*c.env));
  });

  ControlRoute("GET", "/_mock/scanner", true,
               [](Call& c) { ReplyJson(c.res, 200, ScannerSettingsJson(c.env->scanner())); });
  ControlRoute("PUT", "/_mock/scanner", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    // Parsed once, by ReadJsonObject -- except a body of blanks: that reads as {} there, and
    // the scanner's parser has always refused it as not JSON.
    auto settings = BlankBody(c.req) ? ReadScannerText(c.req.body) : ReadScanner(*body);
    if (!settings.ok()) return ReplyError(c.res, settings.error());
    auto set = c.env->SetScanner(settings.value());
    if (!set.ok()) return ReplyError(c.res, set.error());
    ReplyJson(c.res, 200, ScannerSettingsJson(set.value()));
  });

  // Behaviours to pick per environment (domain/model.h EnvironmentSettings); reset restores the
  // config's values.
  ControlRoute("GET", "/_mock/settings", true,
               [](Call& c) { ReplyJson(c.res, 200, SettingsJson(c.env->settings())); });
  ControlRoute("PUT", "/_mock/settings", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    // Keys left out keep their current value.
    auto settings = BlankBody(c.req) ? ReadSettingsText(c.req.body, c.env->settings())
                                     : ReadSettings(*body, c.env->settings());
    if (!settings.ok()) return ReplyError(c.res, settings.error());
    c.env->SetSettings(settings.value());
    ReplyJson(c.res, 200, SettingsJson(c.env->settings()));
  });

  ControlRoute("PUT", "/_mock/redirect_uris", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    std::vector<RedirectUriEntry> uris;
    const json& list = body->value("redirect_uris", json());
    if (!list.is_array())
      return ReplyError(
          c.res,
          ValidationError(
              {{"redirect_uris",
                "redirect_uris must be an array of URIs or {\"uri\", \"default\"} objects"}}));
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].is_string()) {
        uris.push_back({list[i].get<std::string>(), false});
      } else if (list[i].is_object() && list[i].contains("uri") && list[i]["uri"].is_string()) {
        uris.push_back({list[i]["uri"].get<std::string>(), list[i].value("default", false)});
      } else {
        return ReplyError(
            c.res,
            ValidationError({{"redirect_uris[" + std::to_string(i) + "]",
                              "must be a URI string or {\"uri\": ..., \"default\": true|false}"}}));
      }
    }
    auto set = c.env->SetRedirectUris(uris);
    if (!set.ok()) return ReplyError(c.res, set.error());
    ReplyJson(c.res, 200, EnvironmentJson(*c.env));
  });

  // The environment as a fixture (config/state.h, docs/state.md); PUT replaces the runtime state.
  ControlRoute("GET", "/_mock/state", true,
               [](Call& c) { ReplyJson(c.res, 200, ExportEnvironment(*c.env)); });
  ControlRoute("PUT", "/_mock/state", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    Status imported = ImportEnvironment(*c.env, *body);
    if (!imported.ok()) return ReplyError(c.res, imported.error());
    ReplyJson(c.res, 200, ExportEnvironment(*c.env));
  });
}

}  // namespace workos_mock
