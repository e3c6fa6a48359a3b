// The control plane (/_mock/...): environments, clock, outbox, faults, journal, redirect URIs.
// Scoped to the environment whose API key is the Bearer token; loopback clients only (server.cc).
#include <cmath>

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

Error ConfigValidationError(const ConfigError& e) {
  std::string field = e.path();
  const std::string prefix = "environments[0].";
  if (field.rfind(prefix, 0) == 0) field = field.substr(prefix.size());
  return ValidationError({{field.empty() ? "body" : field, e.problem()}});
}

// GET/DELETE/POST/PUT only; "*" matches any method.
std::optional<Fault> DecodeFault(const json& b, std::vector<FieldError>& errors) {
  Fault f;
  auto str = [&](const char* key, std::string fallback) {
    if (!b.contains(key)) return fallback;
    if (!b[key].is_string()) errors.push_back({key, std::string(key) + " must be a string"});
    return b[key].is_string() ? b[key].get<std::string>() : fallback;
  };
  auto integer = [&](const char* key, int64_t fallback, int64_t lo, int64_t hi) {
    if (!b.contains(key)) return fallback;
    if (!b[key].is_number_integer() || b[key].get<int64_t>() < lo || b[key].get<int64_t>() > hi) {
      errors.push_back({key, std::string(key) + " must be a whole number from " +
                                 std::to_string(lo) + " to " + std::to_string(hi)});
      return fallback;
    }
    return b[key].get<int64_t>();
  };
  f.method = str("method", "*");
  for (auto& ch : f.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  f.path = str("path", "");
  if (f.path.empty() || f.path[0] != '/')
    errors.push_back({"path",
                      "path must be the exact request path, starting with '/' (e.g. "
                      "/passwordless/sessions)"});
  f.status = static_cast<int>(integer("status", 0, 100, 599));
  f.delay_ms = integer("delay_ms", 0, 0, 120000);
  f.remaining = f.times = static_cast<int>(integer("times", 1, 1, 1000000));
  f.action = str("action", "respond");
  if (f.action != "respond" && f.action != "close")
    errors.push_back({"action", "action must be \"respond\" or \"close\""});
  if (b.contains("body"))
    f.body = b["body"].is_string() ? b["body"].get<std::string>() : Dump(b["body"]);
  if (b.contains("headers")) {
    if (!b["headers"].is_object()) {
      errors.push_back({"headers", "headers must be an object of strings"});
    } else {
      for (auto it = b["headers"].begin(); it != b["headers"].end(); ++it)
        f.headers[it.key()] = it->is_string() ? it->get<std::string>() : Dump(*it);
    }
  }
  if (f.action == "respond" && f.status == 0 && f.delay_ms == 0)
    errors.push_back(
        {"status", "give a status, a delay_ms, or action \"close\": this fault does nothing"});
  if (!errors.empty()) return std::nullopt;
  return f;
}

json FaultJson(const Fault& f) {
  return {
      {"object", "fault"},
      {"id", f.id},
      {"method", f.method},
      {"path", f.path},
      {"status", f.status},
      {"body", nlohmann::json::parse(f.body, nullptr, false).is_discarded() ? json(f.body)
                                                                            : json::parse(f.body)},
      {"headers", f.headers},
      {"delay_ms", f.delay_ms},
      {"remaining", f.remaining},
      {"action", f.action},
      {"times", f.times}};
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
    EnvironmentConfig seed;
    try {
      seed = ParseConfig(Dump({{"environments", json::array({env})}}), "request body",
                         config_.deterministic)
                 .environments.front();
    } catch (const ConfigError& e) {
      return ReplyError(c.res, ConfigValidationError(e));
    }
    auto added = registry_->Add(seed);
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

  ControlRoute("GET", "/_mock/outbox", true, [](Call& c) {
    json data = json::array();
    for (const auto& e : c.env->Outbox(c.req.get_param_value("email")))
      data.push_back(EmailJson(e));
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });
  ControlRoute("GET", "/_mock/outbox/latest", true, [](Call& c) {
    double wait = 0;
    if (c.req.has_param("wait")) {
      try {
        wait = std::stod(c.req.get_param_value("wait"));
      } catch (const std::exception&) {
        wait = -1;
      }
      if (!(wait >= 0 && wait <= 60))
        return ReplyError(
            c.res, ValidationError({{"wait", "wait must be a number of seconds from 0 to 60"}}));
    }
    const std::string to = c.req.get_param_value("email");
    auto email =
        c.env->LatestEmail(to, std::chrono::milliseconds(static_cast<int64_t>(wait * 1000)));
    if (!email)
      return ReplyJson(c.res, 404,
                       {{"message", to.empty() ? "No email has been sent yet."
                                               : "No email has been sent to '" + to + "' yet."},
                        {"code", "entity_not_found"}});
    ReplyJson(c.res, 200, EmailJson(*email));
  });

  ControlRoute("GET", "/_mock/passwordless/sessions/([^/]+)", true, [](Call& c) {
    auto s = c.env->FindSession(c.req.matches[1]);
    if (!s) return ReplyNotFound(c.res);
    json visits = json::array();
    for (const auto& v : s->visits) {
      // A used or expired link sends the browser back to the app with error=access_denied.
      const bool refused = v.outcome == "used" || v.outcome == "expired";
      visits.push_back({{"at", FormatIso8601(v.at_ms)},
                        {"method", v.method},
                        {"user_agent", v.user_agent},
                        {"outcome", v.outcome},
                        {"error", refused ? json("access_denied") : json(nullptr)}});
    }
    ReplyJson(c.res, 200,
              {{"object", "passwordless_session_lifecycle"},
               {"id", s->id},
               {"email", s->email},
               {"state", c.env->SessionState(*s)},
               {"redirect_uri", s->redirect_uri},
               {"connection_id", s->connection_id},
               {"created_at", FormatIso8601(s->created_ms)},
               {"expires_at", FormatIso8601(s->expires_ms)},
               {"sends", s->sends},
               {"visits", visits},
               {"visits_omitted", s->visits_omitted},
               {"code", s->code.empty() ? json(nullptr) : json(s->code)},
               {"code_exchanged", !s->code.empty() && c.env->CodeExchanged(s->code)}});
  });

  ControlRoute("GET", "/_mock/scanner", true,
               [](Call& c) { ReplyJson(c.res, 200, ScannerSettingsJson(c.env->scanner())); });
  ControlRoute("PUT", "/_mock/scanner", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    ScannerSettings settings;
    try {
      // Parsed once, by ReadJsonObject -- except a body of blanks: that reads as {} there, and
      // the scanner's parser has always refused it as not JSON.
      settings = BlankBody(c.req) ? ParseScanner(c.req.body, "request body")
                                  : ScannerFromJson(*body, "request body");
    } catch (const ConfigError& e) {
      std::string field = e.path();
      if (field.rfind("scanner.", 0) == 0) field = field.substr(8);
      return ReplyError(c.res, ValidationError({{field.empty() ? "body" : field, e.problem()}}));
    }
    auto set = c.env->SetScanner(settings);
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
    EnvironmentSettings settings;
    try {
      // Keys left out keep their current value.
      settings = BlankBody(c.req) ? ParseSettings(c.req.body, "request body", c.env->settings())
                                  : SettingsFromJson(*body, "request body", c.env->settings());
    } catch (const ConfigError& e) {
      std::string field = e.path();
      if (field.rfind("settings.", 0) == 0) field = field.substr(9);
      return ReplyError(c.res, ValidationError({{field.empty() ? "body" : field, e.problem()}}));
    }
    c.env->SetSettings(settings);
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

  ControlRoute("POST", "/_mock/faults", true, [this](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    std::vector<FieldError> errors;
    auto fault = DecodeFault(*body, errors);
    if (!fault) return ReplyError(c.res, ValidationError(errors));
    fault->id = c.env->NewControlId("fault");
    if (!Control(*c.env)->AddFault(*fault))
      return ReplyError(c.res, {ErrorKind::kLimitExceeded,
                                "This environment already has the maximum of " +
                                    std::to_string(ControlState::kMaxFaults) +
                                    " faults; wait for them to be used up or DELETE /_mock/faults.",
                                {}});
    ReplyJson(c.res, 201, FaultJson(*fault));
  });
  ControlRoute("GET", "/_mock/faults", true, [this](Call& c) {
    json data = json::array();
    for (const auto& f : Control(*c.env)->Faults()) data.push_back(FaultJson(f));
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });
  ControlRoute("DELETE", "/_mock/faults", true, [this](Call& c) {
    Control(*c.env)->ClearFaults();
    c.res.status = 204;
  });

  // Sign-in outcomes at the mock IdP: failures queued for the next sign-ins, and what happened.
  ControlRoute("POST", "/_mock/sso/outcomes", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    std::vector<FieldError> errors;
    auto text = [&](const char* key) {
      if (!body->contains(key) || (*body)[key].is_null()) return std::string();
      if (!(*body)[key].is_string())
        errors.push_back({key, std::string(key) + " must be a string"});
      return (*body)[key].is_string() ? (*body)[key].get<std::string>() : std::string();
    };
    const std::string connection = text("connection"), outcome = text("outcome");
    if (outcome.empty() && errors.empty())
      errors.push_back({"outcome", "outcome is required, e.g. {\"outcome\": \"access_denied\"}"});
    int64_t times = 1;
    if (body->contains("times")) {
      if ((*body)["times"].is_number_integer())
        times = (*body)["times"].get<int64_t>();
      else
        errors.push_back({"times", "times must be a whole number from 1 to 1000000"});
    }
    if (!errors.empty()) return ReplyError(c.res, ValidationError(std::move(errors)));
    auto queued = c.env->QueueOutcome(connection, outcome, times);
    if (!queued.ok()) return ReplyError(c.res, queued.error());
    ReplyJson(c.res, 201, QueuedOutcomeJson(queued.value()));
  });
  ControlRoute("GET", "/_mock/sso/outcomes", true, [](Call& c) {
    json data = json::array();
    for (const auto& q : c.env->QueuedOutcomes()) data.push_back(QueuedOutcomeJson(q));
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });
  ControlRoute("DELETE", "/_mock/sso/outcomes", true, [](Call& c) {
    c.env->ClearQueuedOutcomes();
    c.res.status = 204;
  });
  // Filters: ?state= and ?connection= (exact).
  ControlRoute("GET", "/_mock/sso/sign-ins", true, [](Call& c) {
    const std::string state = c.req.get_param_value("state");
    const std::string connection = c.req.get_param_value("connection");
    json data = json::array();
    for (const auto& s : c.env->SignIns()) {
      if (c.req.has_param("state") && s.state != state) continue;
      if (!connection.empty() && s.connection_id != connection) continue;
      data.push_back(SignInJson(s, !s.code.empty() && c.env->CodeExchanged(s.code)));
    }
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });

  // The environment as a fixture (config/state.h, docs/state.md); PUT replaces the runtime state.
  ControlRoute("GET", "/_mock/state", true,
               [](Call& c) { ReplyJson(c.res, 200, ExportEnvironment(*c.env)); });
  ControlRoute("PUT", "/_mock/state", true, [](Call& c) {
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    if (auto error = ImportEnvironment(*c.env, *body)) return ReplyError(c.res, *error);
    ReplyJson(c.res, 200, ExportEnvironment(*c.env));
  });

  ControlRoute("GET", "/_mock/requests", true, [this](Call& c) {
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", Control(*c.env)->Journal()}});
  });
  ControlRoute("DELETE", "/_mock/requests", true, [this](Call& c) {
    Control(*c.env)->ClearJournal();
    c.res.status = 204;
  });
}

}  // namespace workos_mock
