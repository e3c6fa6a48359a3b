// Which requests and failures are retried, and how long to wait (transport_internal.h).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <random>

#include "transport_internal.h"

namespace workos::transport {

using std::chrono::milliseconds;

bool IdempotentMethod(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

bool RetryableStatus(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

bool RetryableKind(TransportError::Kind kind) {
  return kind == TransportError::Kind::kConnect || kind == TransportError::Kind::kTimeout ||
         kind == TransportError::Kind::kConnectionClosed;
}

// Retry-After: delta-seconds (decimals tolerated) or an HTTP-date.
std::optional<double> ParseRetryAfter(const std::string& value) {
  if (value.empty()) return std::nullopt;
  char* end = nullptr;
  double secs = std::strtod(value.c_str(), &end);
  if (end != value.c_str() && Trim(end).empty()) {
    if (!(secs >= 0) || std::isinf(secs)) return std::nullopt;
    return secs;
  }
  time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  double delta = std::difftime(when, std::time(nullptr));
  return delta < 0 ? 0.0 : delta;
}

milliseconds Backoff(const RetryPolicy& policy, int retry) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  double full = static_cast<double>(policy.base_delay.count()) * std::pow(2.0, retry);
  full = std::min(full, static_cast<double>(policy.max_delay.count()));
  std::uniform_real_distribution<double> dist(full / 2, full);
  return milliseconds(static_cast<long long>(dist(rng)));
}

}  // namespace workos::transport
