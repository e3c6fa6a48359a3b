// The request pipeline every route runs through: the environment's resolution and request id,
// injected faults, idempotent replay and the journal (Route); the control plane's key check
// (ControlRoute); and the route table that answers 405s and in-process requests.
#include <regex>
#include <set>

#include "http/idempotency.h"
#include "http/journal.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {
namespace {

constexpr const char* kDefaultApiKey = "sk_test_workos_mock";

// Deterministic mode (--seed): a seeded stream names the request instead of the random id the
// pre-routing handler gave it.
void NameRequest(httplib::Response& res, const std::string& id) {
  res.headers.erase("X-Request-ID");
  res.set_header("X-Request-ID", id);
}

}  // namespace

const nlohmann::json* MockServer::Call::PeekForm() {
  if (!form_) form_ = DecodeFormOrJson(req);
  return form_->ok() ? &form_->value() : nullptr;
}

const nlohmann::json* MockServer::Call::ReadForm() {
  const nlohmann::json* form = PeekForm();
  if (!form) ReplyError(res, form_->error());
  return form;
}

void MockServer::Route(const std::string& method, const std::string& pattern, Resolver resolve,
                       Handler handler) {
  auto wrapped = [this, resolve, handler](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > kMaxBodyBytes) return ReplyTooLarge(res);  // chunked, no Content-Length
    // A parameter given twice is ambiguous (which redirect_uri, which code?): refused, except the
    // documented list parameters (domains, provider_scopes, with or without []).
    for (auto it = req.params.begin(); it != req.params.end();
         it = req.params.upper_bound(it->first)) {
      const std::string& k = it->first;
      const bool list = k.size() > 2 && k.compare(k.size() - 2, 2, "[]") == 0;
      if (!list && k != "domains" && k != "provider_scopes" && req.params.count(k) > 1)
        return ReplyBadRequest(
            res, "The parameter '" + k + "' was given more than once; send each parameter once.");
    }
    Call call(req, res);
    if (resolve) call.env = resolve(call);
    if (call.env)
      if (auto* connection = ConnectionContext::Current())
        connection->set_environment(call.env->name());
    if (call.env && call.env->deterministic())  // --seed: the environment's stream names it
      NameRequest(res, call.env->NewRequestId());
    else if (!call.env && config_.request_ids)
      NameRequest(res, config_.request_ids->Uuid());
    std::shared_ptr<ControlState> control = call.env ? Control(*call.env) : nullptr;
    auto record = [&] {
      if (!control) return;
      const int64_t now = call.env->NowMs();  // one read of the environment's (locked) clock
      control->Record(CaptureRequest(req, res, call.env->NewJournalId(now), now));
    };
    if (control) {
      if (auto fault = control->TakeFault(req.method, req.path)) {
        // A shutdown cuts the delay short: the request is then answered at once.
        if (fault->delay_ms > 0)
          http_->SleepUnlessShutdown(clock_, std::chrono::milliseconds(fault->delay_ms));
        if (fault->action == "close") {
          res.status = fault->status ? fault->status : 200;
          // Promise a body, then fail to produce it: the client sees the connection drop.
          res.set_content_provider(64, "application/json",
                                   [](size_t, size_t, httplib::DataSink&) { return false; });
          record();
          return;
        }
        if (fault->status) {
          res.status = fault->status;
          for (const auto& [k, v] : fault->headers) res.set_header(k, v);
          std::string body =
              fault->body.empty()
                  ? Dump({{"message", "Injected fault (workos-mock " + fault->id + ")"}})
                  : fault->body;
          res.set_content(body, "application/json; charset=utf-8");
          record();
          return;
        }
      }
    }
    IdempotentCall idempotent(call.env.get(), req);  // http/idempotency.h
    if (!idempotent.Answered(res)) {
      handler(call);
      idempotent.Finish(res);
    }
    record();
  };
  Register(method, pattern, wrapped);
}

void MockServer::ControlRoute(const std::string& method, const std::string& pattern, bool needs_env,
                              Handler handler) {
  const size_t max_body = pattern == "/_mock/state" ? kMaxStateBodyBytes : kMaxBodyBytes;
  auto wrapped = [this, needs_env, handler, max_body](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (req.body.size() > max_body) return ReplyTooLarge(res);
    Call call(req, res);
    if (!needs_env && config_.request_ids) NameRequest(res, config_.request_ids->Uuid());
    if (needs_env) {
      call.env = registry_->ByApiKey(BearerToken(req));
      if (call.env)
        if (auto* connection = ConnectionContext::Current())
          connection->set_environment(call.env->name());
      if (call.env && call.env->deterministic()) NameRequest(res, call.env->NewControlRequestId());
      if (!call.env) {
        std::string message =
            "Unauthorized: send the environment's API key as 'Authorization: Bearer sk_test_...'";
        // Named only while it works: after the default environment is deleted it would mislead.
        if (registry_->ByApiKey(kDefaultApiKey))
          message += std::string(" (the default environment's key is ") + kDefaultApiKey + ")";
        if (config_.request_ids) NameRequest(res, config_.request_ids->Uuid());
        ReplyJson(res, 401, {{"message", message + "."}});
        return;
      }
    }
    handler(call);
  };
  Register(method, pattern, wrapped);
}

void MockServer::Register(const std::string& method, const std::string& pattern,
                          const httplib::Server::Handler& handler) {
  route_table_.push_back({method, std::regex(pattern), handler});
  if (method == "GET")
    http_->Get(pattern, handler);
  else if (method == "POST")
    http_->Post(pattern, handler);
  else if (method == "PUT")
    http_->Put(pattern, handler);
  else if (method == "DELETE")
    http_->Delete(pattern, handler);
  else
    throw std::logic_error("unsupported method " + method);
}

std::string MockServer::AllowedMethods(const std::string& path) const {
  std::set<std::string> methods;
  for (const auto& route : route_table_)
    if (std::regex_match(path, route.pattern)) methods.insert(route.method);
  if (methods.count("GET")) methods.insert("HEAD");
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

bool MockServer::DispatchInProcess(httplib::Request& req, httplib::Response& res) const {
  // httplib answers HEAD with the GET route.
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  for (const auto& route : route_table_) {
    if (route.method != method || !route.handler) continue;
    if (!std::regex_match(req.path, req.matches, route.pattern)) continue;
    route.handler(req, res);
    return true;
  }
  return false;
}

}  // namespace workos_mock
