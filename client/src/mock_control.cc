#include "workos/mock_control.h"

#include "workos/errors.h"
#include "workos/internal/url.h"
#include "workos/list.h"

namespace workos {

using nlohmann::json;

namespace {
int Int(const json& j, const char* key) {
  if (!j.is_object()) return 0;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int>() : 0;
}

template <typename T>
std::vector<T> DataOf(const json& j) {
  std::vector<T> out;
  const json* arr = &j;
  if (j.is_object() && j.contains("data")) arr = &j["data"];
  if (arr->is_array()) {
    for (const json& x : *arr) out.push_back(x.get<T>());
  }
  return out;
}
}  // namespace

std::string QueryParam(const std::string& url, const std::string& name) {
  size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string query = url.substr(q + 1);
  size_t hash = query.find('#');
  if (hash != std::string::npos) query.resize(hash);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    size_t eq = part.find('=');
    if (internal::PercentDecode(part.substr(0, eq)) == name) {
      return eq == std::string::npos ? "" : internal::PercentDecode(part.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return "";
}

void from_json(const json& j, RedirectUri& r) {
  if (j.is_string()) {
    r.uri = j.get<std::string>();
    r.is_default = false;
    return;
  }
  r.uri = detail::Str(j, "uri");
  r.is_default = j.is_object() && j.value("default", false);
}

void from_json(const json& j, Environment& e) {
  e.object = detail::Str(j, "object");
  e.name = detail::Str(j, "name");
  e.kind = detail::Str(j, "kind");
  e.api_key = detail::Str(j, "api_key");
  e.client_id = detail::Str(j, "client_id");
  e.redirect_uris.clear();
  if (j.is_object() && j.contains("redirect_uris") && j["redirect_uris"].is_array()) {
    for (const json& r : j["redirect_uris"]) e.redirect_uris.push_back(r.get<RedirectUri>());
  }
  e.raw = j;
}

Config Environment::ApplyTo(Config base) const {
  base.api_key = api_key;
  base.client_id = client_id;
  return base;
}

void from_json(const json& j, Clock& c) {
  c.now = detail::Str(j, "now");
  c.offset_seconds =
      j.is_object() && j.contains("offset_seconds") && j["offset_seconds"].is_number()
          ? j["offset_seconds"].get<std::int64_t>()
          : 0;
  c.raw = j;
}

void from_json(const json& j, Email& e) {
  e.object = detail::Str(j, "object");
  e.id = detail::Str(j, "id");
  e.to = detail::Str(j, "to");
  e.from = detail::Str(j, "from");
  e.subject = detail::Str(j, "subject");
  e.text = detail::Str(j, "text");
  e.html = detail::Str(j, "html");
  e.link = detail::Str(j, "link");
  e.session_id = detail::Str(j, "session_id");
  e.sent_at = detail::Str(j, "sent_at");
  e.raw = j;
}

void from_json(const json& j, Fault& f) {
  f.object = detail::Str(j, "object");
  f.id = detail::Str(j, "id");
  f.method = detail::Str(j, "method");
  f.path = detail::Str(j, "path");
  f.action = detail::Str(j, "action");
  f.status = Int(j, "status");
  f.delay_ms = Int(j, "delay_ms");
  f.times = Int(j, "times");
  f.remaining = Int(j, "remaining");
  f.raw = j;
}

void from_json(const json& j, JournalEntry& e) {
  e.id = detail::Str(j, "id");
  e.at = detail::Str(j, "at");
  e.method = detail::Str(j, "method");
  e.path = detail::Str(j, "path");
  e.query = j.is_object() ? j.value("query", json()) : json();
  e.status = Int(j, "status");
  e.request_id = detail::Str(j, "request_id");
  e.user_agent = detail::Str(j, "user_agent");
  e.headers = j.is_object() ? j.value("headers", json()) : json();
  e.body = j.is_object() ? j.value("body", json()) : json();
  e.raw = j;
}

std::string JournalEntry::header(const std::string& name) const {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string want = lower(name);
  if (headers.is_object()) {
    for (auto it = headers.begin(); it != headers.end(); ++it) {
      if (lower(it.key()) != want) continue;
      if (it->is_string()) return it->get<std::string>();
      if (it->is_array() && !it->empty() && (*it)[0].is_string())
        return (*it)[0].get<std::string>();
      return it->dump();
    }
  } else if (headers.is_array()) {  // [[name, value], ...] or [{name, value}, ...]
    for (const json& h : headers) {
      if (h.is_array() && h.size() == 2 && h[0].is_string() &&
          lower(h[0].get<std::string>()) == want) {
        return h[1].is_string() ? h[1].get<std::string>() : h[1].dump();
      }
      if (h.is_object() && lower(detail::Str(h, "name")) == want) return detail::Str(h, "value");
    }
  }
  return "";
}

MockControl::MockControl(Config config) : t_(std::make_shared<Transport>(std::move(config))) {}

Environment MockControl::CreateEnvironment(const CreateEnvironmentOptions& o) {
  json body = json::object();
  if (!o.kind.empty()) body["kind"] = o.kind;
  if (!o.redirect_uris.empty()) body["redirect_uris"] = o.redirect_uris;
  if (!o.name.empty()) body["name"] = o.name;
  return t_->SendJson("POST", "/_mock/environments", body, {}, {}, Auth::kNone).get<Environment>();
}

void MockControl::DeleteEnvironment(const std::string& name) {
  // Needs no API key (any loopback client may drop an environment); sent when there is one.
  t_->SendJson("DELETE", "/_mock/environments/" + UrlEncode(name), nullptr, {}, {},
               t_->config().api_key.empty() ? Auth::kNone : Auth::kApiKey);
}

void MockControl::Reset() { t_->SendJson("POST", "/_mock/reset", json::object()); }

Clock MockControl::GetClock() { return t_->SendJson("GET", "/_mock/clock").get<Clock>(); }

Clock MockControl::AdvanceClock(std::int64_t seconds) {
  return t_->SendJson("POST", "/_mock/clock/advance", json{{"seconds", seconds}}).get<Clock>();
}

std::vector<Email> MockControl::ListOutbox(const std::string& email) {
  QueryParams q;
  if (!email.empty()) q.emplace_back("email", email);
  return DataOf<Email>(t_->SendJson("GET", "/_mock/outbox", nullptr, q));
}

std::optional<Email> MockControl::LatestEmail(const std::string& email, int wait_seconds) {
  QueryParams q;
  if (!email.empty()) q.emplace_back("email", email);
  RequestOptions options;
  if (wait_seconds > 0) {
    q.emplace_back("wait", std::to_string(wait_seconds));
    options.timeout = t_->config().request_timeout + std::chrono::seconds(wait_seconds);
  }
  try {
    return t_->SendJson("GET", "/_mock/outbox/latest", nullptr, q, options).get<Email>();
  } catch (const NotFoundError&) {
    return std::nullopt;
  }
}

Fault MockControl::AddFault(const FaultSpec& s) {
  json body = {{"method", s.method}, {"path", s.path}};
  if (s.status != 0) body["status"] = s.status;
  if (!s.body.is_null()) body["body"] = s.body;
  if (!s.headers.empty()) body["headers"] = s.headers;
  if (s.delay_ms != 0) body["delay_ms"] = s.delay_ms;
  if (s.times != 0) body["times"] = s.times;
  if (!s.action.empty()) body["action"] = s.action;
  return t_->SendJson("POST", "/_mock/faults", body).get<Fault>();
}

std::vector<Fault> MockControl::ListFaults() {
  return DataOf<Fault>(t_->SendJson("GET", "/_mock/faults"));
}

void MockControl::ClearFaults() { t_->SendJson("DELETE", "/_mock/faults"); }

std::vector<JournalEntry> MockControl::ListRequests() {
  return DataOf<JournalEntry>(t_->SendJson("GET", "/_mock/requests"));
}

void MockControl::ClearRequests() { t_->SendJson("DELETE", "/_mock/requests"); }

Environment MockControl::SetRedirectUris(const std::vector<std::string>& uris) {
  return t_->SendJson("PUT", "/_mock/redirect_uris", json{{"redirect_uris", uris}})
      .get<Environment>();
}

json MockControl::GetScanner() { return t_->SendJson("GET", "/_mock/scanner"); }

json MockControl::SetScanner(const ScannerSettings& s) {
  return t_->SendJson("PUT", "/_mock/scanner",
                      json{{"mode", s.mode}, {"allowlist", s.allowlist}, {"delay_ms", s.delay_ms}});
}

json MockControl::GetSettings() { return t_->SendJson("GET", "/_mock/settings"); }

json MockControl::SetSettings(const json& changes) {
  return t_->SendJson("PUT", "/_mock/settings", changes);
}

json MockControl::GetPasswordlessSession(const std::string& session_id) {
  return t_->SendJson("GET", "/_mock/passwordless/sessions/" + UrlEncode(session_id));
}

json MockControl::GetState() { return t_->SendJson("GET", "/_mock/state"); }

json MockControl::PutState(const json& state) { return t_->SendJson("PUT", "/_mock/state", state); }

LinkVisit MockControl::OpenLink(const std::string& url, const std::string& method,
                                const std::string& user_agent) {
  HttpRequest req;
  req.method = method;
  req.path = url;
  req.auth = Auth::kNone;
  req.retryable = false;  // a browser does not repeat a click
  req.headers.emplace_back("Accept", "text/html,application/xhtml+xml,*/*");
  if (!user_agent.empty()) req.headers.emplace_back("User-Agent", user_agent);
  HttpResponse r = t_->Send(req, /*throw_on_status=*/false);
  LinkVisit v;
  v.status = r.status;
  v.location = r.header("location");
  v.code = QueryParam(v.location, "code");
  v.state = QueryParam(v.location, "state");
  v.error = QueryParam(v.location, "error");
  v.body = r.body;
  v.request_id = r.request_id();
  return v;
}

}  // namespace workos
