// Test helper: verifies an RS256 JWT with OpenSSL alone, using only the JWK's n and e (what any
// JOSE library does with GET /sso/jwks/{client_id}). Shared by unit and HTTP tests.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <string>

#include <nlohmann/json.hpp>

namespace workos_mock::testing {

inline std::string Base64UrlDecode(std::string in) {
  for (auto& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (in.size() % 4) in += '=';
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[0]),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return "";
  size_t pad = 0;
  for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

// The JWT's claims when its signature verifies with the key (n, e); null otherwise.
inline nlohmann::json VerifyRs256(const std::string& jwt, const std::string& n_b64,
                                  const std::string& e_b64, std::string* kid = nullptr) {
  auto dot1 = jwt.find('.');
  auto dot2 = jwt.find('.', dot1 + 1);
  if (dot1 == std::string::npos || dot2 == std::string::npos) return nullptr;
  nlohmann::json header =
      nlohmann::json::parse(Base64UrlDecode(jwt.substr(0, dot1)), nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "RS256") return nullptr;
  if (kid) *kid = header.value("kid", "");
  const std::string n = Base64UrlDecode(n_b64), e = Base64UrlDecode(e_b64);
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = EVP_PKEY_fromdata_init(pctx) == 1 &&
            EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
  const std::string input = jwt.substr(0, dot2);
  const std::string sig = Base64UrlDecode(jwt.substr(dot2 + 1));
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ok = ok && EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
       EVP_DigestVerify(md, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(pkey);
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!ok) return nullptr;
  return nlohmann::json::parse(Base64UrlDecode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)), nullptr,
                               false);
}

}  // namespace workos_mock::testing
