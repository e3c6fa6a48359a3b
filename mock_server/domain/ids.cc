#include "domain/ids.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace workos_mock {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Never falls back to a weak generator: a guessable magic link is worse than no link.
void FillRandom(unsigned char* out, size_t n) {
  if (n > 0 && RAND_bytes(out, static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL RAND_bytes failed");
}

// Still OpenSSL's CSPRNG, drawn 4 KiB at a time per thread: every request needs a few ids
// (X-Request-ID, the journal entry, session id and token), and one RAND_bytes call costs far more
// than the bytes it returns (scripts/bench's profile: 13% of a create-session request before).
// Bytes are handed out once and never reused; the server never forks, so no copy can leak.
std::string RandomBytes(size_t n) {
  constexpr size_t kPool = 4096;
  thread_local unsigned char pool[kPool];
  thread_local size_t left = 0;
  std::string out(n, '\0');
  if (n > kPool / 4) {
    FillRandom(reinterpret_cast<unsigned char*>(&out[0]), n);
    return out;
  }
  if (left < n) {
    FillRandom(pool, kPool);
    left = kPool;
  }
  unsigned char* from = pool + (kPool - left);
  std::memcpy(&out[0], from, n);
  std::memset(from, 0, n);
  left -= n;
  return out;
}

// `n` characters of [A-Za-z0-9] from bytes drawn with `draw(count)`.
template <typename Draw>
std::string AlphanumericFrom(size_t n, Draw&& draw) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (char c : draw(n)) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 248) continue;  // rejection sampling keeps the 62-symbol draw uniform
      out.push_back(kAlnum[b % 62]);
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string CrockfordFrom(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) out.push_back(kCrockford[static_cast<unsigned char>(c) & 31]);
  return out;
}

std::string UuidFrom(std::string b) {
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  // 8-4-4-4-12 lowercase hex; by hand, since snprintf was most of this function's cost.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int k = 0; k < 16; ++k) {
    if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
    const auto c = static_cast<unsigned char>(b[k]);
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// The 10 timestamp characters of a ULID.
void UlidTime(int64_t time_ms, std::string& out) {
  uint64_t t = static_cast<uint64_t>(time_ms) & ((uint64_t{1} << 48) - 1);
  for (int i = 9; i >= 0; --i) {
    out[i] = kCrockford[t & 31];
    t >>= 5;
  }
}

// A ULID from its time and its 80 random bits (big-endian).
std::string UlidOf(int64_t time_ms, const unsigned char random[10]) {
  std::string out(26, '0');
  UlidTime(time_ms, out);
  for (int c = 0; c < 16; ++c) {  // 80 bits, 5 at a time, most significant first
    unsigned v = 0;
    for (int b = 0; b < 5; ++b) {
      const int bit = c * 5 + b;
      v = (v << 1) | ((random[bit / 8] >> (7 - bit % 8)) & 1);
    }
    out[10 + c] = kCrockford[v];
  }
  return out;
}

// Block `index` of a seeded stream: SHA-256(key || index as 8 bytes, big-endian).
void StreamBlock(const unsigned char key[32], uint64_t index, unsigned char out[32]) {
  unsigned char input[40];
  std::memcpy(input, key, 32);
  for (int b = 0; b < 8; ++b) input[32 + b] = static_cast<unsigned char>(index >> (56 - 8 * b));
  SHA256(input, sizeof input, out);
}

}  // namespace

std::string Ulid(int64_t time_ms) {
  std::string out(26, '0');
  UlidTime(time_ms, out);
  std::string r = RandomBytes(16);
  for (int i = 0; i < 16; ++i) out[10 + i] = kCrockford[static_cast<unsigned char>(r[i]) & 31];
  return out;
}

std::string NewId(const std::string& prefix, int64_t time_ms) {
  return prefix + "_" + Ulid(time_ms);
}

std::string RandomAlphanumeric(size_t n) { return AlphanumericFrom(n, RandomBytes); }

std::string RandomCrockford(size_t n) { return CrockfordFrom(RandomBytes(n)); }

std::string Base64UrlEncode(const std::string& bytes) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = byte(i) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
  }
  return out;
}

std::string RandomBase64Url(size_t n_bytes) { return Base64UrlEncode(RandomBytes(n_bytes)); }

std::string UuidV4() { return UuidFrom(RandomBytes(16)); }

std::string FormatIso8601(int64_t time_ms) {
  int64_t secs = time_ms / 1000;
  int64_t ms = time_ms % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// --- RFC 3339 ------------------------------------------------------------------------------

namespace {

// Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> ParseRfc3339(const std::string& s) {
  size_t i = 0;
  auto digits = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto expect = [&](const char* any) {
    if (i >= s.size() || std::strchr(any, s[i]) == nullptr) return false;
    ++i;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(4, year) || !expect("-") || !digits(2, month) || !expect("-") || !digits(2, day) ||
      !expect("Tt ") || !digits(2, hour) || !expect(":") || !digits(2, minute) || !expect(":") ||
      !digits(2, second))
    return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) ||
      hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t n = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n)
      if (n < 3) ms = ms * 10 + (s[i] - '0');
    if (n == 0 || n > 9) return std::nullopt;
    for (; n < 3; ++n) ms *= 10;
  }
  int64_t offset_minutes = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!digits(2, oh) || !expect(":") || !digits(2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute - offset_minutes) * 60000 + second * 1000 + ms;
}

// --- IdGenerator ---------------------------------------------------------------------------

IdGenerator::IdGenerator(uint64_t seed, const std::string& scope, const std::string& stream)
    : seeded_(true) {
  // key = SHA-256("workos-mock id stream v1" NUL seed(8 bytes, big-endian) scope NUL stream)
  std::string material = std::string("workos-mock id stream v1") + '\0';
  for (int k = 7; k >= 0; --k) material += static_cast<char>((seed >> (8 * k)) & 0xff);
  material += scope + '\0' + stream;
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), key_);
}

std::string IdGenerator::BytesLocked(size_t n) {
  std::string out(n, '\0');
  for (size_t k = 0; k < n; ++k, ++drawn_) {
    if (drawn_ % 32 == 0) StreamBlock(key_, drawn_ / 32, block_);
    out[k] = static_cast<char>(block_[drawn_ % 32]);
  }
  return out;
}

std::string IdGenerator::Bytes(size_t n) {
  if (!seeded_) return RandomBytes(n);
  std::lock_guard<std::mutex> lock(mu_);
  return BytesLocked(n);
}

std::string IdGenerator::Ulid(int64_t time_ms) {
  if (!seeded_) return ::workos_mock::Ulid(time_ms);
  std::lock_guard<std::mutex> lock(mu_);
  const std::string r = BytesLocked(10);
  unsigned char next[10];
  std::memcpy(next, r.data(), 10);
  if (last_ms_ >= 0 && time_ms <= last_ms_) {
    // Monotonic: the same (or an earlier) millisecond gets the last random part plus a random
    // step of 1..2^32, so the new id sorts after the last one. On the (practically impossible)
    // overflow of 80 bits the millisecond moves on instead.
    time_ms = last_ms_;
    uint64_t carry = 1 + ((uint64_t{next[6]} << 24) | (uint64_t{next[7]} << 16) |
                          (uint64_t{next[8]} << 8) | next[9]);
    std::memcpy(next, last_random_, 10);
    for (int k = 9; k >= 0 && carry; --k) {
      const uint64_t sum = next[k] + (carry & 0xff);
      next[k] = static_cast<unsigned char>(sum);
      carry = (carry >> 8) + (sum >> 8);
    }
    if (carry) {
      ++time_ms;
      std::memcpy(next, r.data(), 10);
    }
  }
  last_ms_ = time_ms;
  std::memcpy(last_random_, next, 10);
  return UlidOf(time_ms, next);
}

std::string IdGenerator::NewId(const std::string& prefix, int64_t time_ms) {
  return prefix + "_" + Ulid(time_ms);
}

std::string IdGenerator::Alphanumeric(size_t n) {
  if (!seeded_) return RandomAlphanumeric(n);
  std::lock_guard<std::mutex> lock(mu_);
  return AlphanumericFrom(n, [this](size_t k) { return BytesLocked(k); });
}

std::string IdGenerator::Crockford(size_t n) {
  if (!seeded_) return RandomCrockford(n);
  return CrockfordFrom(Bytes(n));
}

std::string IdGenerator::Uuid() {
  if (!seeded_) return UuidV4();
  return UuidFrom(Bytes(16));
}

IdGenerator::Position IdGenerator::position() const {
  std::lock_guard<std::mutex> lock(mu_);
  Position p;
  p.drawn = drawn_;
  if (last_ms_ >= 0) p.last_ulid = UlidOf(last_ms_, last_random_);
  return p;
}

bool IdGenerator::Seek(const Position& p) {
  if (!seeded_) return true;
  int64_t ms = -1;
  unsigned char random[10] = {};
  if (!p.last_ulid.empty()) {
    if (p.last_ulid.size() != 26) return false;
    uint64_t t = 0;
    std::string bits;  // 130 bits: 48 of time (after 2 leading zero bits) and 80 of randomness
    for (char ch : p.last_ulid) {
      const char* at = std::strchr(kCrockford, ch);
      if (ch == '\0' || at == nullptr) return false;
      const unsigned v = static_cast<unsigned>(at - kCrockford);
      for (int b = 4; b >= 0; --b) bits += ((v >> b) & 1) ? '1' : '0';
    }
    if (bits[0] != '0' || bits[1] != '0') return false;  // over 48 bits of time
    for (int k = 2; k < 50; ++k) t = (t << 1) | (bits[k] == '1');
    for (int k = 0; k < 80; ++k)
      if (bits[50 + k] == '1') random[k / 8] |= static_cast<unsigned char>(0x80 >> (k % 8));
    ms = static_cast<int64_t>(t);
  }
  std::lock_guard<std::mutex> lock(mu_);
  drawn_ = p.drawn;
  if (drawn_ % 32 != 0) StreamBlock(key_, drawn_ / 32, block_);  // the block it stands in
  last_ms_ = ms;
  std::memcpy(last_random_, random, 10);
  return true;
}

}  // namespace workos_mock
