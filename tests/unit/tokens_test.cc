// The token request (domain/tokens.cc) after an SSO sign-in, with a manual clock: the profile
// and the IdP's tokens of a grant, PKCE, and the RS256 access tokens with their key set.
#include <catch2/catch.hpp>

#include <algorithm>

#include "domain/environment.h"
#include "jwt_verify.h"
#include "result_checks.h"
#include "sso_fixture.h"

using namespace workos_mock;
using namespace workos_mock::testing::sso_fixture;
using workos_mock::testing::Base64UrlDecode;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::Param;
using workos_mock::testing::VerifyRs256;

TEST_CASE("profile: roles and custom attributes from the IdP user; oauth_tokens for OAuth only",
          "[sso]") {
  EnvironmentConfig seed = Seed();
  IdpUser rich = User("ria@foo.com", "Ria");
  rich.roles = {"admin", "billing"};
  rich.custom_attributes = {{"department", "Sales"}};
  seed.connections.push_back(Conn("conn_x", "XOAuth", "", {rich}));
  seed.connections.push_back(Conn("conn_okta_oidc", "OktaOIDC", "org_foo", {rich}));
  ManualClock clock;
  Environment env{seed, clock, "http://mock"};
  auto sign_in = [&](const std::string& connection, std::vector<std::string> scopes) {
    AuthorizeRequest r = Req();
    r.connection = connection;
    r.provider_scopes = std::move(scopes);
    auto grant = env.ExchangeCode({"client_sso", "sk_test_sso", "authorization_code",
                                   Param(env.Authorize(r).location, "code"), ""});
    REQUIRE(grant.ok());
    return grant.value();
  };
  TokenGrant x = sign_in("conn_x", {"tweet.read", "users.read"});
  CHECK(x.profile.connection_type == "XOAuth");
  CHECK(x.profile.roles == std::vector<std::string>{"admin", "billing"});
  CHECK(x.profile.custom_attributes.at("department") == "Sales");
  REQUIRE(x.oauth_tokens);
  CHECK(x.oauth_tokens->provider == "XOAuth");
  CHECK(x.oauth_tokens->scopes == std::vector<std::string>{"tweet.read", "users.read"});
  CHECK(x.oauth_tokens->expires_at == clock.NowMs() / 1000 + 3600);
  CHECK(x.oauth_tokens->access_token != x.oauth_tokens->refresh_token);
  CHECK_FALSE(x.oauth_tokens->access_token.empty());

  TokenGrant oidc = sign_in("conn_okta_oidc", {});
  CHECK(oidc.profile.connection_type == "OktaOIDC");
  CHECK_FALSE(oidc.oauth_tokens);  // an OIDC connection: no IdP tokens, as live
  CHECK(IsOAuthConnectionType("GrokOAuth"));
  CHECK_FALSE(IsOAuthConnectionType("CleverOIDC"));
  CHECK_FALSE(IsOAuthConnectionType("OAuth"));
  const auto& types = ConnectionTypes();
  for (const char* t :
       {"GrokOAuth", "XOAuth", "CleverOIDC", "EntraIdOIDC", "OktaOIDC", "MagicLink"})
    CHECK(std::count(types.begin(), types.end(), t) == 1);
}

TEST_CASE("authorize: PKCE S256 binds the code to the verifier", "[sso][pkce]") {
  Fixture f;
  const std::string verifier = RandomBase64Url(32);
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.code_challenge = S256(verifier);
  r.code_challenge_method = "S256";
  std::string code = Param(f.env.Authorize(r).location, "code");
  REQUIRE(!code.empty());
  CHECK(ErrorOf(f.Exchange(code, "", "")).kind == ErrorKind::kInvalidGrant);
  CHECK(ErrorOf(f.Exchange(code, "", "wrong-verifier")).kind == ErrorKind::kInvalidGrant);
  auto grant = f.Exchange(code, "", verifier);  // public client: no secret
  REQUIRE(grant.ok());
  CHECK(ErrorOf(f.Exchange(code, "", verifier)).kind == ErrorKind::kInvalidGrant);  // single use
}

TEST_CASE("access tokens are RS256 JWTs that verify with the JWKS key", "[sso][jwt]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  auto grant = f.Exchange(Param(f.env.Authorize(r).location, "code"));
  REQUIRE(grant.ok());
  const std::string jwt = grant.value().access_token;
  auto keys = f.env.Jwks();
  REQUIRE(keys.size() == 1);
  const JsonWebKey& k = keys[0];
  CHECK(k.alg == "RS256");
  CHECK(k.kty == "RSA");
  CHECK(k.use == "sig");
  CHECK(k.e == "AQAB");
  CHECK(Base64UrlDecode(k.n).size() == 256);  // RSA-2048
  CHECK(k.kid.rfind("key_", 0) == 0);
  CHECK(k.kid.size() == 4 + 26);
  REQUIRE(k.x5c.size() == 1);
  CHECK(k.x5t_s256.size() == 43);

  std::string kid;
  nlohmann::json claims = VerifyRs256(jwt, k.n, k.e, &kid);
  REQUIRE(claims.is_object());
  CHECK(kid == k.kid);
  CHECK(claims["iss"] == "http://mock");
  CHECK(claims["sub"] == grant.value().profile.id);
  CHECK(claims["aud"] == "client_sso");
  CHECK(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>() == 600);
  CHECK(claims["jti"].get<std::string>().size() == 26);

  // A tampered token does not verify, and is not a valid access token either.
  std::string tampered = jwt;
  tampered[jwt.find('.') + 5] ^= 1;
  CHECK(VerifyRs256(tampered, k.n, k.e).is_null());
  CHECK(!f.env.ProfileForAccessToken(tampered));
  CHECK(f.env.ProfileForAccessToken(jwt)->id == grant.value().profile.id);

  // One key per process: every environment serves the same set.
  ManualClock clock;
  EnvironmentConfig other = Seed();
  other.name = "other";
  Environment env2(other, clock, "http://mock");
  CHECK(env2.Jwks()[0].kid == k.kid);
}
