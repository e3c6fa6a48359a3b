// The environment the SSO tests share: organizations foo.com and bar.io with their
// connections (an Okta one with two users, two of bar's, a draft, a MagicLink one), a manual
// clock, an authorize request builder and a code exchange.
#pragma once

#include <openssl/sha.h>

#include <string>
#include <vector>

#include "domain/environment.h"
#include "domain/ids.h"
#include "query_param.h"

namespace workos_mock::testing::sso_fixture {

inline IdpUser User(const std::string& email, const std::string& first = "") {
  IdpUser u;
  u.email = email;
  if (!first.empty()) u.first_name = first;
  return u;
}

inline Connection Conn(const std::string& id, const std::string& type, const std::string& org,
                       std::vector<IdpUser> users = {}, const std::string& state = "active") {
  Connection c;
  c.id = id;
  c.type = type;
  c.name = type;
  c.state = state;
  if (!org.empty()) c.organization_id = org;
  c.users = std::move(users);
  return c;
}

inline EnvironmentConfig Seed() {
  EnvironmentConfig c;
  c.name = "sso";
  c.api_keys = {"sk_test_sso"};
  c.client_id = "client_sso";
  c.redirect_uris = {{"http://localhost:3000/callback", true},
                     {"https://app.example.com/cb", false}};
  c.organizations = {{"org_foo", "Foo", {{"org_domain_1", "foo.com"}}, 0, 0},
                     {"org_bar", "Bar", {{"org_domain_2", "bar.io"}}, 0, 0},
                     {"org_empty", "Empty", {}, 0, 0},
                     {"org_draft", "Draft", {}, 0, 0}};
  c.connections = {
      Conn("conn_foo", "OktaSAML", "org_foo", {User("ann@foo.com", "Ann"), User("bob@foo.com")}),
      Conn("conn_bar1", "GoogleOAuth", "org_bar"), Conn("conn_bar2", "EntraIdOIDC", "org_bar"),
      Conn("conn_draft", "AzureSAML", "org_draft", {}, "draft"),
      Conn("conn_ml", "MagicLink", "org_empty")};
  c.connections[1].domains = {{"org_domain_3", "bar.io"}};
  return c;
}

inline AuthorizeRequest Req() {
  AuthorizeRequest r;
  r.client_id = "client_sso";
  r.redirect_uri = "http://localhost:3000/callback";
  r.response_type = "code";
  r.state = "s 1";
  return r;
}

// The PKCE S256 challenge of `verifier`.
inline std::string S256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return Base64UrlEncode(std::string(reinterpret_cast<char*>(d), sizeof d));
}

struct Fixture {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};

  Result<TokenGrant> Exchange(const std::string& code, const std::string& secret = "sk_test_sso",
                              const std::string& verifier = "") {
    return env.ExchangeCode({"client_sso", secret, "authorization_code", code, verifier});
  }
};

}  // namespace workos_mock::testing::sso_fixture
