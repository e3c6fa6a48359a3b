#include "domain/token_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>

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

}  // namespace

struct RsaTokenSigner::Key {
  EVP_PKEY* pkey = nullptr;
  JsonWebKey jwk;
  ~Key() { EVP_PKEY_free(pkey); }
};

RsaTokenSigner::RsaTokenSigner() = default;
RsaTokenSigner::~RsaTokenSigner() = default;

const RsaTokenSigner::Key& RsaTokenSigner::KeyFor(int64_t now_ms) {
  std::call_once(once_, [this, now_ms] {
    auto key = std::make_unique<Key>();
    key->pkey = EVP_RSA_gen(2048);
    if (!key->pkey) Fail("EVP_RSA_gen(2048)");
    key->jwk.kid = NewId("key", now_ms);
    key->jwk.n = Base64UrlEncode(BigNumBytes(key->pkey, OSSL_PKEY_PARAM_RSA_N));
    key->jwk.e = Base64UrlEncode(BigNumBytes(key->pkey, OSSL_PKEY_PARAM_RSA_E));
    const std::string der = SelfSignedCertDer(key->pkey, now_ms, key->jwk.kid);
    key->jwk.x5c = {Base64Encode(der)};
    key->jwk.x5t_s256 = Base64UrlEncode(Sha256(der));
    key_ = std::move(key);
  });
  return *key_;
}

std::string RsaTokenSigner::Sign(const nlohmann::json& claims, int64_t now_ms) {
  const Key& key = KeyFor(now_ms);
  const nlohmann::json header = {{"alg", "RS256"}, {"kid", key.jwk.kid}, {"typ", "JWT"}};
  const std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
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

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace workos_mock
