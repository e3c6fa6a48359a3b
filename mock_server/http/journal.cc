#include "http/journal.h"

#include <cctype>
#include <cstring>
#include <regex>
#include <set>

#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/text.h"
#include "http/replies.h"

namespace workos_mock {
namespace {

using nlohmann::json;

// Keeps the shape of a secret (its prefix) so a reader can tell which key was used, never the key.
std::string RedactSecret(const std::string& secret) {
  if (secret.rfind("sk_test_", 0) == 0) return "sk_test_[redacted]";
  if (secret.rfind("sk_live_", 0) == 0) return "sk_live_[redacted]";
  return "[redacted]";
}

const std::string* Header(const JournalEntry& e, const std::string& name) {
  const std::string want = Lower(name);
  for (const auto& [k, v] : e.headers)
    if (Lower(k) == want) return &v;
  return nullptr;
}

std::string HeaderOr(const JournalEntry& e, const std::string& name) {
  const std::string* v = Header(e, name);
  return v ? *v : std::string();
}

// Every API key in `text` (sk_test_... / sk_live_..., wherever it appears: a custom header, a
// malformed body) reduced to its prefix.
std::string ScrubKeys(std::string text) {
  for (const char* prefix : {"sk_test_", "sk_live_"}) {
    const size_t n = std::strlen(prefix);
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + n)) {
      size_t end = at + n;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '_' || text[end] == '-'))
        ++end;
      if (end > at + n) text.replace(at + n, end - at - n, "[redacted]");
    }
  }
  return text;
}

void ScrubStrings(json& j) {
  if (j.is_string())
    j = ScrubKeys(j.get<std::string>());
  else if (j.is_structured())
    for (auto& item : j) ScrubStrings(item);
}

// The body as the server read it (the same rule as ReadFormOrJson, not the Content-Type alone:
// fetch() sends a form string as text/plain), with every secret field redacted, and any API key
// left anywhere else scrubbed.
json RedactedBody(const JournalEntry& e) {
  static const char* kSecretFields[] = {"client_secret", "code_verifier", "code", "access_token"};
  if (e.body_size == 0) return nullptr;
  if (e.body_size > JournalEntry::kMaxJournalBody)
    return "[" + std::to_string(e.body_size) + " bytes, not kept]";
  if (JsonTooDeep(e.body, kMaxJsonDepth)) return "[nested too deeply, not kept]";
  json body = json::parse(e.body, nullptr, false);
  if (body.is_discarded()) {
    if (!ParsedAsForm(HeaderOr(e, "Content-Type"), e.body)) return ScrubKeys(e.body);
    httplib::Params params;
    httplib::detail::parse_query_text(e.body, params);
    body = json::object();
    for (const auto& [k, v] : params) body[k] = v;
  }
  if (body.is_object()) {
    for (const char* f : kSecretFields)
      if (body.contains(f) && body[f].is_string())
        body[f] = std::string(f) == "client_secret" ? RedactSecret(body[f]) : "[redacted]";
  }
  ScrubStrings(body);
  return body;
}

bool LooksLikeBrowser(const JournalEntry& e) {
  return Header(e, "Origin") || e.method == "OPTIONS" ||
         HeaderOr(e, "User-Agent").find("Mozilla/") != std::string::npos;
}

}  // namespace

JournalEntry CaptureRequest(const httplib::Request& req, const httplib::Response& res,
                            std::string id, int64_t at_ms) {
  JournalEntry e;
  e.id = std::move(id);
  e.at_ms = at_ms;
  e.method = req.method;
  e.path = req.path;
  e.target = req.target;
  e.status = res.status == -1 ? 200 : res.status;
  e.request_id = res.get_header_value("X-Request-ID");
  // Bounded whatever the client sends: 2,000 requests with 98 headers of 8 KB each used to
  // keep 1.5 GB here. Values are cut (UTF-8 safe, marked "...[N bytes]").
  e.location = res.get_header_value("Location");
  size_t header_bytes = 0;
  for (const auto& [k, v] : req.headers) {  // httplib adds these four; they are not headers
    if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT")
      continue;
    std::string value = TruncateValue(v, JournalEntry::kMaxHeaderValue);
    if (header_bytes + k.size() + value.size() > JournalEntry::kMaxHeaderBytes) {
      ++e.headers_omitted;
      continue;
    }
    header_bytes += k.size() + value.size();
    e.headers.emplace_back(k, std::move(value));
  }
  e.body_size = req.body.size();
  if (e.body_size <= JournalEntry::kMaxJournalBody) e.body = req.body;
  e.bytes = sizeof(JournalEntry) + e.id.size() + e.method.size() + e.path.size() + e.target.size() +
            e.request_id.size() + e.location.size() + header_bytes +
            e.headers.size() * sizeof(e.headers[0]) + e.body.size();
  return e;
}

json RenderJournalEntry(const JournalEntry& e) {
  json headers = json::object();
  for (const auto& [k, v] : e.headers) {
    const std::string key = Lower(k);
    if (key == "authorization")
      headers[k] = "Bearer " + RedactSecret(BearerOf(v));
    else if (key == "cookie" || key == "x-mock-admin-token")
      headers[k] = "[redacted]";
    else
      headers[k] = ScrubKeys(v);
  }
  // Only the URL's own query: httplib also folds form bodies into req.params, and a form body
  // can carry client_secret (it is shown, redacted, under "body").
  json query = json::object();
  if (auto q = e.target.find('?'); q != std::string::npos) {
    httplib::Params url_params;
    httplib::detail::parse_query_text(e.target.substr(q + 1), url_params);
    static const std::set<std::string> kSecret = {"code", "code_verifier", "client_secret",
                                                  "access_token"};
    for (const auto& [k, v] : url_params)
      query[k] =
          kSecret.count(k) ? (k == "client_secret" ? RedactSecret(v) : "[redacted]") : ScrubKeys(v);
  }
  // A redirect's target with its code redacted, and the OAuth error it carries (a sign-in
  // outcome, a used link): what the browser was sent to.
  json location = nullptr, error = nullptr;
  if (!e.location.empty()) {
    static const std::regex kCode("([?&]code=)[^&]*");
    location = std::regex_replace(e.location, kCode, "$1[redacted]");
    if (auto q = e.location.find('?'); q != std::string::npos) {
      httplib::Params params;
      httplib::detail::parse_query_text(e.location.substr(q + 1), params);
      if (auto it = params.find("error"); it != params.end()) error = it->second;
    }
  }
  const std::string bearer = BearerOf(HeaderOr(e, "Authorization"));
  const bool carries_key =
      bearer.rfind("sk_", 0) == 0 || e.body.find("client_secret") != std::string::npos;
  return {{"id", e.id},
          {"at", FormatIso8601(e.at_ms)},
          {"method", e.method},
          {"path", LoggablePath(e.path)},
          {"query", query},
          {"status", e.status},
          {"request_id", e.request_id},
          {"location", location},
          {"error", error},
          {"user_agent", ScrubKeys(HeaderOr(e, "User-Agent"))},
          {"headers", headers},
          {"headers_omitted", e.headers_omitted},
          {"body", RedactedBody(e)},
          {"key_exposed_to_browser", carries_key && LooksLikeBrowser(e)}};
}

std::string LoggablePath(const std::string& path) {
  if (path.rfind("/passwordless/", 0) == 0 && path.rfind("/passwordless/sessions", 0) != 0 &&
      path.size() > 22 && path.compare(path.size() - 8, 8, "/confirm") == 0)
    return "/passwordless/[token]/confirm";
  if (path.rfind("/sso/idp/", 0) == 0) return "/sso/idp/[login]";  // the id finishes a login
  return path;
}

}  // namespace workos_mock
