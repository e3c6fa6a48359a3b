// Identifiers and secrets. Ids are WorkOS-shaped (prefix + 26-char ULID); secrets come from
// OpenSSL's CSPRNG and carry at least 128 bits of entropy.
#pragma once

#include <cstdint>
#include <string>

namespace workos_mock {

// A ULID for `time_ms`: 10 Crockford base32 chars of timestamp + 16 of randomness (80 bits).
std::string Ulid(int64_t time_ms);
// `prefix` + "_" + Ulid, e.g. NewId("conn", t) -> "conn_01E4ZCR3C56J083X43JQXF3JK5".
std::string NewId(const std::string& prefix, int64_t time_ms);
// `n` characters drawn uniformly from [A-Za-z0-9] (5.95 bits each; 25 chars = 148 bits).
std::string RandomAlphanumeric(size_t n);
// `n` characters drawn uniformly from the Crockford base32 alphabet (5 bits each).
std::string RandomCrockford(size_t n);
// `n` random bytes, base64url without padding.
std::string RandomBase64Url(size_t n_bytes);
// An RFC 4122 version-4 UUID, as production WorkOS uses for X-Request-ID.
std::string UuidV4();
// "2020-08-13T05:50:00.000Z"
std::string FormatIso8601(int64_t time_ms);
// base64url (no padding) of arbitrary bytes.
std::string Base64UrlEncode(const std::string& bytes);

}  // namespace workos_mock
