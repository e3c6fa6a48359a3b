// The HTTP transport under every resource: libcurl, JSON, typed errors, retries.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/config.h"

namespace workos {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Per-call options every API method accepts.
struct RequestOptions {
  // Sent as Idempotency-Key (POST only); makes the POST safe to retry.
  std::string idempotency_key;
  // Overrides Config::request_timeout for this call when non-zero.
  std::chrono::milliseconds timeout{0};
};

enum class Auth {
  kApiKey,  // Authorization: Bearer <Config::api_key> (ConfigError when there is none)
  kBearer,  // Authorization: Bearer <HttpRequest::bearer_token>
  kNone,
};

struct HttpRequest {
  std::string method = "GET";
  // A path below the base URL ("/sso/profile") or an absolute http(s) URL.
  std::string path;
  QueryParams query;
  std::string body;
  std::string content_type;  // e.g. application/json; empty with no body
  Auth auth = Auth::kApiKey;
  std::string bearer_token;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string idempotency_key;
  // Whether failures may be repeated. Default: GET/HEAD/PUT/DELETE/OPTIONS yes; POST/PATCH only
  // with an idempotency key.
  std::optional<bool> retryable;
  std::chrono::milliseconds timeout{0};
  bool control_plane = false;  // adds X-Mock-Admin-Token when configured
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;
  int attempts = 1;

  std::string header(const std::string& lower_name) const;
  std::string request_id() const { return header("x-request-id"); }
  nlohmann::json json() const;  // null when the body is empty; throws Error when not JSON
};

class Transport {
 public:
  explicit Transport(Config config);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  const Config& config() const { return config_; }

  // Sends with retries. Throws TransportError when no response could be had; with
  // throw_on_status (the default) throws the fitting ApiError on a non-2xx status.
  HttpResponse Send(const HttpRequest& request, bool throw_on_status = true);

  // Convenience for JSON APIs: body (if not null) as JSON, reply parsed as JSON.
  nlohmann::json SendJson(const std::string& method, const std::string& path,
                          const nlohmann::json& body = nullptr, const QueryParams& query = {},
                          const RequestOptions& options = {}, Auth auth = Auth::kApiKey,
                          const std::string& bearer_token = "");

  // Replaces every occurrence of the configured API key (and a given secret) in `text`.
  std::string Scrub(const std::string& text, const std::string& also = "") const;

 private:
  struct Attempt;
  HttpResponse Perform(const HttpRequest& request, const std::string& url,
                       std::chrono::milliseconds timeout, const std::string& idempotency_key,
                       int attempt);

  Config config_;
};

// URL helpers.
std::string UrlEncode(const std::string& s);
std::string EncodeQuery(const QueryParams& query);
// A random UUID v4 (used for Idempotency-Key).
std::string NewUuid();

}  // namespace workos
