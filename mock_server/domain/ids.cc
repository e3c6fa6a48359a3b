#include "domain/ids.h"

#include <openssl/rand.h>

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

}  // namespace

std::string Ulid(int64_t time_ms) {
  std::string out(26, '0');
  uint64_t t = static_cast<uint64_t>(time_ms) & ((uint64_t{1} << 48) - 1);
  for (int i = 9; i >= 0; --i) {
    out[i] = kCrockford[t & 31];
    t >>= 5;
  }
  std::string r = RandomBytes(16);
  for (int i = 0; i < 16; ++i) out[10 + i] = kCrockford[static_cast<unsigned char>(r[i]) & 31];
  return out;
}

std::string NewId(const std::string& prefix, int64_t time_ms) {
  return prefix + "_" + Ulid(time_ms);
}

std::string RandomAlphanumeric(size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (char c : RandomBytes(n)) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 248) continue;  // rejection sampling keeps the 62-symbol draw uniform
      out.push_back(kAlnum[b % 62]);
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string RandomCrockford(size_t n) {
  std::string out;
  out.reserve(n);
  for (char c : RandomBytes(n)) out.push_back(kCrockford[static_cast<unsigned char>(c) & 31]);
  return out;
}

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

std::string UuidV4() {
  std::string b = RandomBytes(16);
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

}  // namespace workos_mock
