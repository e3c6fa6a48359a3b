// Identifiers and secrets. Ids are WorkOS-shaped (prefix + 26-char ULID); secrets come from
// OpenSSL's CSPRNG and carry at least 128 bits of entropy -- except in deterministic mode
// (--seed), where an environment's IdGenerator draws them from a seeded stream instead.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
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
// RFC 3339 date-time ("2026-01-01T00:00:00Z", "2026-01-01T09:30:00.250+02:00") in ms since the
// epoch; nullopt when `text` is not one.
std::optional<int64_t> ParseRfc3339(const std::string& text);

// Where an environment's ids, link tokens, codes and request ids come from.
// - Default: OpenSSL's CSPRNG, exactly the free functions above (no lock, no state).
// - Seeded (deterministic mode, --seed): a SHA-256 counter-mode stream keyed by the seed, a scope
//   (the environment's name) and a stream name. The same inputs give the same sequence on every
//   machine and build; different scopes or streams are independent. ULIDs are then monotonic
//   (within a millisecond the random part grows), so ids stay in creation order under a frozen
//   clock. Predictable by design: never for anything a real attacker can reach.
// Thread-safe.
class IdGenerator {
 public:
  IdGenerator() = default;
  IdGenerator(uint64_t seed, const std::string& scope, const std::string& stream);
  IdGenerator(const IdGenerator&) = delete;
  IdGenerator& operator=(const IdGenerator&) = delete;

  bool seeded() const { return seeded_; }
  std::string Bytes(size_t n);
  std::string Ulid(int64_t time_ms);
  std::string NewId(const std::string& prefix, int64_t time_ms);
  std::string Alphanumeric(size_t n);
  std::string Crockford(size_t n);
  std::string Uuid();

  // Where a seeded stream stands: bytes drawn so far and the last ULID made (its successor must
  // sort after it). Saved with an environment's state so a restored environment continues its
  // streams instead of repeating ids it already handed out.
  struct Position {
    uint64_t drawn = 0;
    std::string last_ulid;  // "" before the first
    bool operator==(const Position& o) const {
      return drawn == o.drawn && last_ulid == o.last_ulid;
    }
  };
  Position position() const;
  // Moves a seeded stream to `p` (false, nothing changed, when last_ulid is not a ULID); a no-op
  // for the CSPRNG.
  bool Seek(const Position& p);
  void Rewind() { Seek({}); }

 private:
  std::string BytesLocked(size_t n);
  bool seeded_ = false;
  mutable std::mutex mu_;
  unsigned char key_[32] = {};
  uint64_t drawn_ = 0;
  unsigned char block_[32] = {};
  int64_t last_ms_ = -1;
  unsigned char last_random_[10] = {};  // the last ULID's 80 random bits, big-endian
};

}  // namespace workos_mock
