#include "domain/ids.h"

#include <openssl/rand.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace workos_mock {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(&out[0]), static_cast<int>(n)) != 1) {
    // Never fall back to a weak generator: a guessable magic link is worse than no link.
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
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
  char out[37];
  auto u = [&](int k) { return static_cast<unsigned>(static_cast<unsigned char>(b[k])); };
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u(0), u(1),
                u(2), u(3), u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12), u(13), u(14),
                u(15));
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
