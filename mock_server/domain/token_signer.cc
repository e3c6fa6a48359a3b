#include "domain/token_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <ctime>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "domain/ids.h"

namespace workos_mock {
namespace {

[[noreturn]] void Fail(const char* what) {
  throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

std::string BigNumBytes(EVP_PKEY* pkey, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) Fail("EVP_PKEY_get_bn_param");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(&out[0]));
  BN_free(bn);
  return out;
}

std::string Sha256(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

// A self-signed certificate for the key, so the JWKS can carry x5c and x5t#S256 like the live one.
std::string SelfSignedCertDer(EVP_PKEY* pkey, int64_t now_ms, const std::string& kid) {
  X509* cert = X509_new();
  if (!cert) Fail("X509_new");
  std::string der;
  bool ok = X509_set_version(cert, 2) == 1;
  ok = ok && ASN1_INTEGER_set_int64(X509_get_serialNumber(cert), now_ms) == 1;
  std::time_t now = static_cast<std::time_t>(now_ms / 1000);
  ok = ok && X509_time_adj_ex(X509_getm_notBefore(cert), 0, -3600, &now) != nullptr;
  ok = ok && X509_time_adj_ex(X509_getm_notAfter(cert), 3650, 0, &now) != nullptr;
  X509_NAME* name = X509_get_subject_name(cert);
  const std::string cn = "workos-mock SSO token signing " + kid;
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                        0) == 1;
  ok = ok && X509_set_issuer_name(cert, name) == 1;
  ok = ok && X509_set_pubkey(cert, pkey) == 1;
  ok = ok && X509_sign(cert, pkey, EVP_sha256()) > 0;
  if (ok) {
    int len = i2d_X509(cert, nullptr);
    if (len > 0) {
      der.resize(static_cast<size_t>(len));
      unsigned char* p = reinterpret_cast<unsigned char*>(&der[0]);
      if (i2d_X509(cert, &p) != len) der.clear();
    }
  }
  X509_free(cert);
  if (der.empty()) Fail("building the self-signed certificate");
  return der;
}

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

Bn NewBn() {
  Bn b(BN_new());
  if (!b) Fail("BN_new");
  return b;
}

// A 1024-bit prime p with gcd(p - 1, e) = 1: a candidate with its top two bits set (so that two
// of them make a 2048-bit modulus) drawn from `stream`, then the next such prime after it.
Bn SeededPrime(IdGenerator& stream, const BIGNUM* e, BN_CTX* ctx) {
  for (;;) {
    std::string bytes = stream.Bytes(128);
    bytes[0] = static_cast<char>(static_cast<unsigned char>(bytes[0]) | 0xC0);
    bytes[127] = static_cast<char>(static_cast<unsigned char>(bytes[127]) | 1);
    Bn p(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), 128, nullptr));
    Bn p1 = NewBn(), gcd = NewBn();
    if (!p) Fail("BN_bin2bn");
    for (int step = 0; step < 100000 && BN_num_bits(p.get()) == 1024; ++step) {
      // BN_check_prime's own random bases only decide how surely a composite is caught (error
      // below 2^-128): the prime found is the same on every run.
      if (BN_check_prime(p.get(), ctx, nullptr) == 1) {
        if (!BN_sub(p1.get(), p.get(), BN_value_one()) || !BN_gcd(gcd.get(), p1.get(), e, ctx))
          Fail("BN_gcd");
        if (BN_is_one(gcd.get())) return p;
      }
      if (!BN_add_word(p.get(), 2)) Fail("BN_add_word");
    }
  }
}

// The RSA-2048 key of deterministic mode for `seed` (e = 65537, d = e^-1 mod lcm(p-1, q-1)).
EVP_PKEY* SeededRsaKey(uint64_t seed) {
  IdGenerator stream(seed, "", "rsa-2048");
  std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)> ctx(BN_CTX_new(), BN_CTX_free);
  if (!ctx) Fail("BN_CTX_new");
  Bn e = NewBn();
  if (!BN_set_word(e.get(), 65537)) Fail("BN_set_word");
  Bn p = SeededPrime(stream, e.get(), ctx.get());
  Bn q = SeededPrime(stream, e.get(), ctx.get());
  while (BN_cmp(p.get(), q.get()) == 0) q = SeededPrime(stream, e.get(), ctx.get());
  Bn n = NewBn(), p1 = NewBn(), q1 = NewBn(), phi = NewBn(), g = NewBn(), lcm = NewBn(),
     rem = NewBn(), d = NewBn(), dmp1 = NewBn(), dmq1 = NewBn(), iqmp = NewBn();
  bool ok = BN_mul(n.get(), p.get(), q.get(), ctx.get()) &&
            BN_sub(p1.get(), p.get(), BN_value_one()) &&
            BN_sub(q1.get(), q.get(), BN_value_one()) &&
            BN_mul(phi.get(), p1.get(), q1.get(), ctx.get()) &&
            BN_gcd(g.get(), p1.get(), q1.get(), ctx.get()) &&
            BN_div(lcm.get(), rem.get(), phi.get(), g.get(), ctx.get()) &&
            BN_mod_inverse(d.get(), e.get(), lcm.get(), ctx.get()) != nullptr &&
            BN_mod(dmp1.get(), d.get(), p1.get(), ctx.get()) &&
            BN_mod(dmq1.get(), d.get(), q1.get(), ctx.get()) &&
            BN_mod_inverse(iqmp.get(), q.get(), p.get(), ctx.get()) != nullptr;
  if (!ok || BN_num_bits(n.get()) != 2048) Fail("deriving the seeded RSA key");
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  if (!bld) Fail("OSSL_PARAM_BLD_new");
  ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1.get()) &&
       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp.get());
  OSSL_PARAM* params = ok ? OSSL_PARAM_BLD_to_param(bld) : nullptr;
  OSSL_PARAM_BLD_free(bld);
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  ok = params && pctx && EVP_PKEY_fromdata_init(pctx) == 1 &&
       EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_KEYPAIR, params) == 1;
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  if (!ok || !pkey) Fail("EVP_PKEY_fromdata (seeded RSA key)");
  return pkey;
}

}  // namespace

struct RsaTokenSigner::Key {
  EVP_PKEY* pkey = nullptr;
  JsonWebKey jwk;
  ~Key() { EVP_PKEY_free(pkey); }
};

RsaTokenSigner::RsaTokenSigner() = default;
RsaTokenSigner::RsaTokenSigner(uint64_t seed) : seed_(seed) {}
RsaTokenSigner::~RsaTokenSigner() = default;

const RsaTokenSigner::Key& RsaTokenSigner::KeyFor(int64_t now_ms) {
  std::call_once(once_, [this, now_ms] {
    auto key = std::make_unique<Key>();
    int64_t made_ms = now_ms;
    if (seed_) {
      key->pkey = SeededRsaKey(*seed_);
      key->jwk.kid = IdGenerator(*seed_, "", "signing-key-id").NewId("key", kSeededKeyTimeMs);
      made_ms = kSeededKeyTimeMs;
    } else {
      key->pkey = EVP_RSA_gen(2048);
      if (!key->pkey) Fail("EVP_RSA_gen(2048)");
      key->jwk.kid = NewId("key", now_ms);
    }
    key->jwk.n = Base64UrlEncode(BigNumBytes(key->pkey, OSSL_PKEY_PARAM_RSA_N));
    key->jwk.e = Base64UrlEncode(BigNumBytes(key->pkey, OSSL_PKEY_PARAM_RSA_E));
    const std::string der = SelfSignedCertDer(key->pkey, made_ms, key->jwk.kid);
    key->jwk.x5c = {Base64Encode(der)};
    key->jwk.x5t_s256 = Base64UrlEncode(Sha256(der));
    key_ = std::move(key);
  });
  return *key_;
}

std::string RsaTokenSigner::Sign(const AccessTokenClaims& claims, int64_t now_ms) {
  const nlohmann::json payload = {
      {"iss", claims.iss},
      {"sub", claims.sub},
      {"aud", claims.aud},
      {"iat", claims.iat},
      {"exp", claims.exp},
      {"jti", claims.jti},
      {"org_id", claims.org_id ? nlohmann::json(*claims.org_id) : nlohmann::json(nullptr)}};
  return SignPayload(payload.dump(), now_ms);
}

std::string RsaTokenSigner::SignPayload(const std::string& payload, int64_t now_ms) {
  const Key& key = KeyFor(now_ms);
  const nlohmann::json header = {{"alg", "RS256"}, {"kid", key.jwk.kid}, {"typ", "JWT"}};
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) Fail("EVP_MD_CTX_new");
  std::string sig;
  size_t len = 0;
  // EVP_PKEY is safe to share across threads for signing; each call has its own context.
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(&sig[0]), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) Fail("EVP_DigestSign");
  return input + "." + Base64UrlEncode(sig);
}

std::vector<JsonWebKey> RsaTokenSigner::Keys(int64_t now_ms) { return {KeyFor(now_ms).jwk}; }

TokenSigner& ProcessTokenSigner() {
  // Never destroyed: no thread that still signs (or makes the key) can outlive it at exit.
  static RsaTokenSigner* signer = new RsaTokenSigner;
  return *signer;
}

TokenSigner& SeededTokenSigner(uint64_t seed) {
  static std::mutex mu;
  static auto* signers = new std::map<uint64_t, std::unique_ptr<RsaTokenSigner>>;  // never freed
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*signers)[seed];
  if (!slot) slot = std::make_unique<RsaTokenSigner>(seed);
  return *slot;
}

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace workos_mock
