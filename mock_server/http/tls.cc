#include "http/tls.h"

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace workos_mock {
namespace {

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error("TLS: " + what); }

}  // namespace

TlsMaterial LoadTlsMaterial(const std::string& cert_pem, const std::string& key_pem) {
  TlsMaterial m;
  FILE* f = std::fopen(cert_pem.c_str(), "r");
  if (!f) Fail("cannot open --tls-cert " + cert_pem);
  m.cert.reset(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!m.cert) Fail("--tls-cert " + cert_pem + " is not a PEM certificate");
  f = std::fopen(key_pem.c_str(), "r");
  if (!f) Fail("cannot open --tls-key " + key_pem);
  m.key.reset(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!m.key)
    Fail("--tls-key " + key_pem + " is not a PEM private key (encrypted keys are not supported)");
  if (X509_check_private_key(m.cert.get(), m.key.get()) != 1)
    Fail("--tls-key does not match --tls-cert");
  m.cert_path = cert_pem;
  return m;
}

TlsMaterial GenerateSelfSigned(const std::string& extra_host, const std::string& cert_out) {
  TlsMaterial m;
  // P-256: generated in well under a millisecond, unlike RSA, so --tls does not slow start-up.
  m.key.reset(EVP_EC_gen("P-256"));
  if (!m.key) Fail("cannot generate a P-256 key");
  m.cert.reset(X509_new());
  X509* x = m.cert.get();
  X509_set_version(x, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
  X509_set_pubkey(x, m.key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("workos-mock"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  if (!extra_host.empty() && extra_host != "localhost" && extra_host != "127.0.0.1" &&
      extra_host != "0.0.0.0" && extra_host != "::1") {
    bool ip = extra_host.find_first_not_of("0123456789.:") == std::string::npos;
    san += std::string(ip ? ",IP:" : ",DNS:") + extra_host;
  }
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair<int, std::string>{NID_subject_alt_name, san},
                                   {NID_basic_constraints, "critical,CA:TRUE"},
                                   {NID_key_usage, "critical,digitalSignature,keyCertSign"},
                                   {NID_ext_key_usage, "serverAuth"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) Fail("cannot build certificate extension");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(x, m.key.get(), EVP_sha256()) == 0) Fail("cannot sign the certificate");

  const std::string tmp = cert_out + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) Fail("cannot write the certificate to " + cert_out);
  PEM_write_X509(f, x);
  std::fclose(f);
  if (std::rename(tmp.c_str(), cert_out.c_str()) != 0) Fail("cannot write " + cert_out);
  m.cert_path = cert_out;
  return m;
}

}  // namespace workos_mock
