// Client configuration, the way the official SDKs take it: an API key, a client id and a base
// URL, read from WORKOS_API_KEY, WORKOS_CLIENT_ID and WORKOS_BASE_URL and overridable in code.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace workos {

struct HttpRequest;
struct HttpResponse;

inline constexpr const char* kDefaultBaseUrl = "https://api.workos.com";

struct RetryPolicy {
  // Retries after the first attempt (so at most max_retries + 1 requests per call).
  int max_retries = 3;
  // Backoff before retry n (n = 0, 1, ...) is min(max_delay, base_delay * 2^n), with "equal
  // jitter": a random value in [half, full] of that. A Retry-After header wins when present.
  std::chrono::milliseconds base_delay{500};
  std::chrono::milliseconds max_delay{8000};
  // A Retry-After longer than this is not waited for: the error is thrown instead.
  std::chrono::milliseconds max_retry_after{60000};
};

struct Config {
  std::string api_key;  // sk_test_… / sk_live_…; sent as Bearer, or client_secret at /sso/token
  std::string client_id;  // client_…
  std::string base_url = kDefaultBaseUrl;

  // TLS certificate verification is always on. ca_file adds a PEM bundle to trust instead of
  // the system store (e.g. the mock's self-signed certificate).
  std::string ca_file;

  std::chrono::milliseconds connect_timeout{10000};
  // Per attempt: the whole request/response must finish within this.
  std::chrono::milliseconds request_timeout{30000};
  // For one call, across all its attempts and backoff sleeps.
  std::chrono::milliseconds total_deadline{120000};
  RetryPolicy retry;

  // When true, POSTs that create or send something (passwordless create/send) carry a fresh
  // Idempotency-Key per call (reused across that call's retries) unless one is given, and so
  // become safe to retry. A POST without an Idempotency-Key is never retried.
  bool auto_idempotency_keys = true;

  // Appended to the User-Agent: `workos-cpp/<version> <suffix>`.
  std::string user_agent_suffix;

  // Sent as X-Mock-Admin-Token on control-plane calls (only needed off loopback).
  std::string mock_admin_token;

  // Optional diagnostics: one line per attempt (method, path, status, request id, timing).
  // Never contains the API key, request bodies or Authorization headers.
  std::function<void(const std::string&)> logger;

  // Optional: sees each call's final exchange, once per call (after its retries, before an
  // ApiError is thrown for it; not called when no response came): the request as sent, with
  // `bearer_token` set to the token actually sent in Authorization (the API key for API-key
  // calls), the full URL and the response. For tools that observe the traffic (workos-conformance
  // --record). It sees secrets (the key, tokens in URLs and bodies): treat what it gets as such.
  std::function<void(const HttpRequest& request, const std::string& url,
                     const HttpResponse& response)>
      observer;

  // Defaults overlaid with WORKOS_API_KEY, WORKOS_CLIENT_ID and WORKOS_BASE_URL when set.
  static Config FromEnv();
};

// The User-Agent the library sends: `workos-cpp/<version>` (+ suffix).
std::string UserAgent(const Config& config);

}  // namespace workos
