// TLS material for `--tls`: the given certificate and key, or a fresh self-signed one.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace workos_mock {

struct TlsMaterial {
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::string cert_path;  // where the certificate's PEM is, so clients can trust it
};

// Loads PEM files; throws std::runtime_error naming the file on failure.
TlsMaterial LoadTlsMaterial(const std::string& cert_pem, const std::string& key_pem);
// A P-256 key and a self-signed certificate for localhost and 127.0.0.1 (and `extra_host`),
// valid for a year; the certificate's PEM is written to `cert_out`.
TlsMaterial GenerateSelfSigned(const std::string& extra_host, const std::string& cert_out);

}  // namespace workos_mock
