// The control plane's traffic routes (/_mock/...): what was sent and asked -- the outbox, a
// session's lifecycle, SSO sign-ins, the request journal -- and what the next requests meet:
// injected faults and queued sign-in outcomes. Scoped like control_routes.cc.
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "domain/ids.h"
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

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

void MockServer::AddTrafficRoutes() {
  ControlRoute("GET", "/_mock/outbox", true, [](Call& c) {
    json data = json::array();
    for (const auto& e : c.env->Outbox(c.req.get_param_value("email")))
      data.push_back(EmailJson(e));
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", data}});
  });
  ControlRoute("GET", "/_mock/outbox/latest", true, [](Call& c) {
    double wait = 0;
    if (c.req.has_param("wait")) {
      // As std::stod reads it (a leading number; none, or out of range, is refused), without
      // an exception to catch.
      const std::string text = c.req.get_param_value("wait");
      char* end = nullptr;
      errno = 0;
      wait = std::strtod(text.c_str(), &end);
      if (end == text.c_str() || errno == ERANGE) wait = -1;
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

  ControlRoute("GET", "/_mock/requests", true, [this](Call& c) {
    ReplyJson(c.res, 200, {{"object", "list"}, {"data", Control(*c.env)->Journal()}});
  });
  ControlRoute("DELETE", "/_mock/requests", true, [this](Call& c) {
    Control(*c.env)->ClearJournal();
    c.res.status = 204;
  });
}

}  // namespace workos_mock
