// The documented limits of what an environment accepts and stores (docs/config.md "Limits";
// docs/decisions.md "Hardening"). One range for every duration and clock offset, so whatever
// the clock can reach, a TTL can add to and a snapshot can carry always loads back, and no
// time arithmetic can overflow: the largest instant the mock can compute is
// real now + kMaxDurationMs (clock offset) + kMaxDurationMs (a TTL) + kMaxDurationMs (sweep
// grace), about the year 2330, far below both kMaxTimeMs and INT64_MAX.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "domain/errors.h"

namespace workos_mock {

// Every duration (link_ttl_seconds, code_ttl_seconds, access_token_ttl_seconds,
// sweep_after_seconds, one clock advance) and the environment's total clock offset: at most
// 100 years (of 365 days).
inline constexpr int64_t kMaxDurationSeconds = 100LL * 365 * 24 * 3600;  // 3,153,600,000
inline constexpr int64_t kMaxDurationMs = kMaxDurationSeconds * 1000;
// Every instant a snapshot may carry (created_ms, expires_ms, at_ms, ...): 0 (1970) to the end
// of the year 9999, what ISO-8601 with four year digits can show.
inline constexpr int64_t kMaxTimeMs = 253402300799999;

// Visits of one magic link a session keeps: the first kMaxVisits, plus the consuming one
// whenever it comes (the session's state is derived from it); later ones are only counted
// (PasswordlessSession::visits_omitted). A used link can be visited without end.
inline constexpr size_t kMaxVisits = 20;
// A header value the domain stores (a visit's User-Agent) is cut to this many bytes.
inline constexpr size_t kMaxStoredHeaderBytes = 512;
// Sent emails an environment keeps, newest first; the oldest goes when another is sent (an
// email is a record of what happened, not a resource anyone waits on).
inline constexpr size_t kMaxOutbox = 10000;
// Idempotency-Key answers an environment remembers; beyond it the oldest key is forgotten (a
// retry of it would act again, like a key past its retention on the live API).
inline constexpr size_t kMaxIdempotentReplies = 10000;

// a + b, clamped to the int64 range instead of overflowing.
inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out))
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return out;
}

// seconds * 1000, clamped to the int64 range.
inline int64_t SecondsToMs(int64_t seconds) {
  int64_t out = 0;
  if (__builtin_mul_overflow(seconds, int64_t{1000}, &out))
    return seconds > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return out;
}

// A validation error for `field` when `seconds` is outside min_seconds..kMaxDurationSeconds.
std::optional<FieldError> CheckDuration(const std::string& field, int64_t seconds,
                                        int64_t min_seconds = 1);

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8 sequence, marked with
// "...[N bytes]" (N = the original size) when cut.
std::string TruncateValue(const std::string& text, size_t max_bytes);

}  // namespace workos_mock
