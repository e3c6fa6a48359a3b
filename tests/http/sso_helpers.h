// Helpers of the SSO HTTP tests (sso_test.cc, sso_authorize_test.cc, directory_test.cc): the
// fixture environment's key, client and callback, /sso/authorize paths, the code exchange, PKCE's
// S256, and the ids of a list reply.
#pragma once

#include <openssl/sha.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "domain/ids.h"
#include "test_server.h"

namespace sso_testing {

using namespace workos_mock::testing;

inline const std::string kKey = "sk_test_workos_mock_sso";
inline const std::string kClient = "client_workos_mock_sso";
inline const std::string kCallback = "http://localhost:3000/callback";

inline workos_mock::ServerConfig MultiOrg() {
  return workos_mock::LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) +
                                     "/fixtures/sso-multi-org.json");
}

inline std::string Enc(const std::string& s) { return httplib::detail::encode_query_param(s); }

inline std::string AuthorizePath(const std::string& client, const std::string& extra) {
  return "/sso/authorize?response_type=code&client_id=" + Enc(client) +
         "&redirect_uri=" + Enc(kCallback) + "&state=st8" + extra;
}

inline Reply Exchange(const TestServer& s, const std::string& code, const std::string& client,
                      const std::string& secret, const std::string& verifier = "") {
  std::string body =
      "client_id=" + Enc(client) + "&grant_type=authorization_code&code=" + Enc(code);
  if (!secret.empty()) body += "&client_secret=" + Enc(secret);
  if (!verifier.empty()) body += "&code_verifier=" + Enc(verifier);
  return Post(s, "/sso/token", body, "", "application/x-www-form-urlencoded");
}

// Authorize and return the Location (which must go back to the callback).
inline std::string Authorize(const TestServer& s, const std::string& client,
                             const std::string& extra) {
  Reply r = Get(s, AuthorizePath(client, extra));
  INFO(r.body);
  REQUIRE(r.status == 302);
  return r.header("Location");
}

inline std::string S256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return workos_mock::Base64UrlEncode(std::string(reinterpret_cast<char*>(d), sizeof d));
}

inline std::vector<std::string> Ids(const Reply& r) {
  std::vector<std::string> out;
  for (const auto& item : r.json["data"]) out.push_back(item["id"]);
  return out;
}

}  // namespace sso_testing
