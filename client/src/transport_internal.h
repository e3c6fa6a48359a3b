// Internal to the client library's transport (not installed): what http.cc, http_attempt.cc and
// retry_policy.cc share. http.cc sends with retries; http_attempt.cc makes one attempt over
// libcurl; retry_policy.cc decides what is retried and how long to wait.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>
#include <string>

#include "workos/config.h"
#include "workos/errors.h"
#include "workos/internal/text.h"

namespace workos::transport {

using internal::Lower;  // workos/internal/text.h
using internal::Trim;
using internal::Upper;
// For messages: the path of an absolute URL, without its query.
std::string ResourcePath(const std::string& path_or_url);

// An attempt that got no HTTP response: what Transport::Perform throws, and Send retries or
// turns into a TransportError.
struct AttemptFailure {
  TransportError::Kind kind;
  CURLcode code;
  std::string message;
};

// ---- retry_policy.cc

// GET, HEAD, PUT, DELETE and OPTIONS may be repeated; POST and PATCH only with an
// Idempotency-Key.
bool IdempotentMethod(const std::string& m);
// 408, 429, 500, 502, 503 and 504.
bool RetryableStatus(long status);
// No connection, a timeout, or a connection closed without an answer.
bool RetryableKind(TransportError::Kind kind);
// Retry-After: delta-seconds (decimals tolerated) or an HTTP-date; nullopt when unreadable.
std::optional<double> ParseRetryAfter(const std::string& value);
// The wait before retry `retry` (0, 1, ...): see RetryPolicy.
std::chrono::milliseconds Backoff(const RetryPolicy& policy, int retry);

}  // namespace workos::transport
