// Signing of SSO access tokens (RS256 JWTs) and the key set that verifies them
// (GET /sso/jwks/{client_id}). One RSA-2048 key per server process, made on first use; in
// deterministic mode (--seed) one per seed, derived from it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace workos_mock {

// One member of a JSON Web Key Set, as the spec's JwksResponse lists it (all eight required).
struct JsonWebKey {
  std::string alg = "RS256";
  std::string kty = "RSA";
  std::string use = "sig";
  std::vector<std::string> x5c;  // standard base64 of the self-signed certificate's DER
  std::string n, e;              // base64url, unpadded, big-endian
  std::string kid;               // key_<ULID>
  std::string x5t_s256;          // base64url SHA-256 of the certificate's DER
};

// The claims of an SSO access token: the JWT's payload, as data (the signer writes the JSON).
struct AccessTokenClaims {
  std::string iss;
  std::string sub;  // the profile id
  std::string aud;  // the client id
  int64_t iat = 0;  // seconds since the epoch
  int64_t exp = 0;
  std::string jti;
  std::optional<std::string> org_id;  // null in the JWT when absent
};

class TokenSigner {
 public:
  virtual ~TokenSigner() = default;
  // A compact JWS of `claims`. `now_ms` (from the caller's Clock) dates the key if this call
  // creates it.
  virtual std::string Sign(const AccessTokenClaims& claims, int64_t now_ms) = 0;
  virtual std::vector<JsonWebKey> Keys(int64_t now_ms) = 0;
};

// RS256 with an RSA-2048 key generated lazily (thread-safe) and a self-signed certificate for
// x5c. Private key material never leaves this object.
class RsaTokenSigner final : public TokenSigner {
 public:
  RsaTokenSigner();
  // Deterministic mode: the key's primes are searched from a stream seeded with `seed`
  // (IdGenerator), and its kid and certificate are dated kSeededKeyTimeMs, so every process
  // given the same seed makes the same key, byte for byte. RS256 (PKCS #1 v1.5) signatures are
  // deterministic, so the same claims then give the same JWT. Predictable: tests only.
  explicit RsaTokenSigner(uint64_t seed);
  ~RsaTokenSigner() override;
  std::string Sign(const AccessTokenClaims& claims, int64_t now_ms) override;
  // A compact JWS of any payload (the bytes of a JSON object): what Sign signs.
  std::string SignPayload(const std::string& payload, int64_t now_ms);
  std::vector<JsonWebKey> Keys(int64_t now_ms) override;

 private:
  struct Key;
  const Key& KeyFor(int64_t now_ms);
  std::once_flag once_;
  std::unique_ptr<Key> key_;
  std::optional<uint64_t> seed_;
};

// When a seeded key says it was made: 2020-01-01T00:00:00Z.
inline constexpr int64_t kSeededKeyTimeMs = 1577836800000;

// The process-wide signer every environment uses unless given another.
TokenSigner& ProcessTokenSigner();
// The process-wide signer of environments in deterministic mode with this seed (one per seed,
// made on first use, never destroyed).
TokenSigner& SeededTokenSigner(uint64_t seed);

// Standard (not url-safe) base64 with padding.
std::string Base64Encode(const std::string& bytes);

}  // namespace workos_mock
