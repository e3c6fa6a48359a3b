// The transport under every resource (workos/http.h): Transport::Send with its retries, backoff,
// Retry-After and total deadline, and a non-2xx reply turned into the fitting ApiError. One
// attempt over libcurl is http_attempt.cc's; what is retried is retry_policy.cc's.
#include "workos/http.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "transport_internal.h"
#include "workos/errors.h"
#include "workos/list.h"

namespace workos {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::once_flag g_curl_init_once;

void GlobalInit() {
  std::call_once(g_curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

namespace transport {

std::string ResourcePath(const std::string& path_or_url) {
  // For messages: the path of an absolute URL, without its query.
  std::string p = path_or_url;
  size_t scheme = p.find("://");
  if (scheme != std::string::npos) {
    size_t slash = p.find('/', scheme + 3);
    p = slash == std::string::npos ? "/" : p.substr(slash);
  }
  size_t q = p.find('?');
  return q == std::string::npos ? p : p.substr(0, q);
}

}  // namespace transport

using namespace transport;

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json HttpResponse::json() const {
  if (Trim(body).empty()) return nullptr;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw Error("response is not JSON (status " + std::to_string(status) +
                (request_id().empty() ? "" : ", request id " + request_id()) + ")");
  }
  return j;
}

std::string NewUuid() {
  std::random_device rd;
  unsigned char b[16];
  for (int i = 0; i < 16; i += 4) {
    unsigned int r = rd();
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>(r >> (8 * k));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

Transport::Transport(Config config) : config_(std::move(config)) {
  GlobalInit();
  while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
}

Transport::~Transport() = default;

std::string Transport::Scrub(const std::string& text, const std::string& also) const {
  std::string out = text;
  for (const std::string& secret : {config_.api_key, also}) {
    if (secret.size() < 4) continue;
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + 10)) {
      out.replace(pos, secret.size(), "[REDACTED]");
    }
  }
  // Any other thing that looks like a WorkOS secret key: sk_test_… / sk_live_….
  for (const char* prefix : {"sk_test_", "sk_live_"}) {
    const std::string p = prefix;
    for (size_t pos = out.find(p); pos != std::string::npos; pos = out.find(p, pos + p.size())) {
      size_t end = pos + p.size();
      while (end < out.size() && (std::isalnum(static_cast<unsigned char>(out[end])) ||
                                  out[end] == '_' || out[end] == '-')) {
        ++end;
      }
      if (end == pos + p.size()) continue;  // nothing after the prefix (or already redacted)
      out.replace(pos + p.size(), end - pos - p.size(), "[REDACTED]");
    }
  }
  return out;
}

HttpResponse Transport::Send(const HttpRequest& req, bool throw_on_status) {
  const std::string method = Upper(req.method);
  const std::string path = ResourcePath(req.path);
  if (req.auth == Auth::kApiKey && config_.api_key.empty()) {
    throw ConfigError("no API key: set WORKOS_API_KEY or Config::api_key (" + method + " " + path +
                      ")");
  }
  std::string url;
  if (req.path.rfind("http://", 0) == 0 || req.path.rfind("https://", 0) == 0) {
    url = req.path;
  } else {
    if (config_.base_url.rfind("http://", 0) != 0 && config_.base_url.rfind("https://", 0) != 0) {
      throw ConfigError("base URL must start with http:// or https:// (got '" +
                        Scrub(config_.base_url) + "')");
    }
    url = config_.base_url + (req.path.empty() || req.path[0] != '/' ? "/" : "") + req.path;
  }
  if (!req.query.empty())
    url += (url.find('?') == std::string::npos ? "?" : "&") + EncodeQuery(req.query);

  const bool retryable =
      req.retryable.value_or(IdempotentMethod(method) || !req.idempotency_key.empty());
  const auto start = Clock::now();
  const auto deadline = start + config_.total_deadline;
  const milliseconds per_attempt = req.timeout.count() > 0 ? req.timeout : config_.request_timeout;
  const int max_retries = std::max(0, config_.retry.max_retries);

  for (int retry = 0;; ++retry) {
    const int attempt = retry + 1;
    auto remaining = duration_cast<milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      throw TransportError(
          TransportError::Kind::kTimeout, CURLE_OPERATION_TIMEDOUT,
          "total deadline of " + std::to_string(config_.total_deadline.count()) + " ms exceeded",
          method, path, retry);
    }
    // Sleeps before a retry; false when the wait would cross the deadline.
    auto wait = [&](milliseconds delay) {
      if (Clock::now() + delay >= deadline) return false;
      if (config_.logger) {
        config_.logger("workos: retrying " + method + " " + path + " in " +
                       std::to_string(delay.count()) + " ms");
      }
      std::this_thread::sleep_for(delay);
      return true;
    };

    HttpResponse resp;
    try {
      resp = Perform(req, url, std::min(per_attempt, remaining), req.idempotency_key, attempt);
    } catch (const AttemptFailure& f) {
      if (retryable && RetryableKind(f.kind) && retry < max_retries &&
          wait(Backoff(config_.retry, retry))) {
        continue;
      }
      throw TransportError(f.kind, f.code, f.message, method, path, attempt);
    }
    resp.attempts = attempt;

    const std::optional<double> retry_after = ParseRetryAfter(resp.header("retry-after"));
    if (retryable && RetryableStatus(resp.status) && retry < max_retries) {
      bool again;
      if (retry_after) {
        auto delay = milliseconds(static_cast<long long>(*retry_after * 1000.0));
        again = delay <= config_.retry.max_retry_after && wait(delay);
      } else {
        again = wait(Backoff(config_.retry, retry));
      }
      if (again) continue;
    }

    if (config_.observer) {
      HttpRequest sent = req;
      if (req.auth == Auth::kApiKey) sent.bearer_token = config_.api_key;
      if (req.auth == Auth::kNone) sent.bearer_token.clear();
      config_.observer(sent, url, resp);
    }
    if (throw_on_status && (resp.status < 200 || resp.status >= 300)) {
      ApiError::Details d;
      d.status = resp.status;
      d.method = method;
      d.path = path;
      d.request_id = Scrub(resp.request_id());
      d.retry_after = retry_after;
      d.raw_body = Scrub(resp.body, req.bearer_token);
      d.attempts = attempt;
      nlohmann::json body = nlohmann::json::parse(d.raw_body, nullptr, false);
      if (!body.is_discarded()) {
        d.body = body;
        d.code = detail::Str(body, "code");
        d.message = detail::Str(body, "message");
        d.error = detail::Str(body, "error");
        d.error_description = detail::Str(body, "error_description");
        if (body.is_object() && body.contains("errors") && body["errors"].is_array()) {
          for (const auto& e : body["errors"]) {
            d.errors.push_back(FieldError{detail::Str(e, "field"), detail::Str(e, "code"),
                                          detail::Str(e, "message")});
          }
        }
        // {"error": "Unauthorized"} (the spec's 401 shape) is a message, not an OAuth code.
        if (d.message.empty() && !d.error.empty() && d.error_description.empty() &&
            d.error.find(' ') == std::string::npos && !d.error.empty() &&
            std::isupper(static_cast<unsigned char>(d.error[0]))) {
          d.message = d.error;
          d.error.clear();
        }
      } else if (d.raw_body.size() < 200) {
        d.message = Trim(d.raw_body);
      }
      ThrowApiError(std::move(d));
    }
    return resp;
  }
}

nlohmann::json Transport::SendJson(const std::string& method, const std::string& path,
                                   const nlohmann::json& body, const QueryParams& query,
                                   const RequestOptions& options, Auth auth,
                                   const std::string& bearer_token) {
  HttpRequest req;
  req.method = method;
  req.path = path;
  req.query = query;
  if (!body.is_null()) {
    req.body = body.dump();
    req.content_type = "application/json";
  }
  req.auth = auth;
  req.bearer_token = bearer_token;
  req.headers.emplace_back("Accept", "application/json");
  if (Upper(method) == "POST" || Upper(method) == "PATCH")
    req.idempotency_key = options.idempotency_key;
  req.timeout = options.timeout;
  req.control_plane = path.rfind("/_mock/", 0) == 0;
  return Send(req).json();
}

}  // namespace workos
