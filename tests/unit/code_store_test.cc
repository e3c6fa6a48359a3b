// The code store (domain/code_store.h): a code's lifetime, single use and PKCE; access tokens'
// expiry; the TokenIndex follows the access tokens (and only them) through every path. The last
// case checks the same rules through an environment's token requests.
#include <catch2/catch.hpp>

#include <openssl/sha.h>

#include <limits>
#include <memory>

#include "domain/code_store.h"
#include "domain/ids.h"
#include "environment_fixture.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::env_fixture::CodeOf;
using workos_mock::testing::env_fixture::Fixture;

namespace {

AuthorizationCode Code(const std::string& code, const std::string& connection = "conn_1",
                       std::optional<std::string> challenge = std::nullopt) {
  AuthorizationCode c;
  c.code = code;
  c.profile_id = "prof_1";
  c.connection_id = connection;
  c.code_challenge = std::move(challenge);
  return c;
}

AccessToken Token(const std::string& token, int64_t expires_ms) {
  AccessToken t;
  t.token = token;
  t.profile_id = "prof_1";
  t.expires_ms = expires_ms;
  return t;
}

std::string Challenge(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return Base64UrlEncode(std::string(reinterpret_cast<char*>(d), sizeof d));
}

}  // namespace

TEST_CASE("code store: a code lives its TTL from issue and is exchanged once", "[codes]") {
  CodeStore store;
  const AuthorizationCode& issued = store.Issue(Code("c1"), 1000, 600);
  CHECK(issued.expires_ms == 1000 + 600 * 1000);
  CHECK(store.codes() == 1);

  auto ok = store.CheckExchange("c1", "", true, 1000 + 600 * 1000 - 1);
  REQUIRE(ok.ok());
  CHECK(ok.value().profile_id == "prof_1");
  // Exactly at its expiry it is expired; checking burns nothing.
  auto late = store.CheckExchange("c1", "", true, 1000 + 600 * 1000);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().kind == ErrorKind::kInvalidGrant);
  CHECK(late.error().message == "The code 'c1' has expired or is invalid.");
  CHECK_FALSE(store.Exchanged("c1"));

  store.Burn("c1");
  CHECK(store.Exchanged("c1"));
  CHECK(store.CheckExchange("c1", "", true, 1000).error().kind == ErrorKind::kInvalidGrant);
  CHECK(store.CheckExchange("nope", "", true, 1000).error().kind == ErrorKind::kInvalidGrant);
  CHECK_FALSE(store.Exchanged("nope"));
  store.Burn("nope");  // unknown: nothing happens
  CHECK(store.codes() == 1);
}

TEST_CASE("code store: PKCE binds a code to its verifier; without it the client must authenticate",
          "[codes][pkce]") {
  CodeStore store;
  const std::string verifier = "a-verifier-of-forty-three-characters-or-so-x";
  store.Issue(Code("pkce", "conn_1", Challenge(verifier)), 0, 600);
  store.Issue(Code("plain"), 0, 600);

  CHECK(store.CheckExchange("pkce", "", true, 1).error().kind == ErrorKind::kInvalidGrant);
  CHECK(store.CheckExchange("pkce", "wrong", true, 1).error().kind == ErrorKind::kInvalidGrant);
  // A failed attempt never burns the code: the right verifier still works, secret or not.
  CHECK(store.CheckExchange("pkce", verifier, false, 1).ok());
  CHECK(store.CheckExchange("pkce", verifier, true, 1).ok());

  auto unauthenticated = store.CheckExchange("plain", "", false, 1);
  REQUIRE_FALSE(unauthenticated.ok());
  CHECK(unauthenticated.error().kind == ErrorKind::kInvalidClient);
  CHECK(unauthenticated.error().message == "Invalid client ID or secret.");
  CHECK(store.CheckExchange("plain", "", true, 1).ok());
  // A verifier for a code without a challenge is ignored.
  CHECK(store.CheckExchange("plain", verifier, true, 1).ok());
}

TEST_CASE("code store: deleting a connection burns its unexchanged codes only", "[codes]") {
  CodeStore store;
  store.Issue(Code("a1", "conn_a"), 0, 600);
  store.Issue(Code("a2", "conn_a"), 0, 600);
  store.Issue(Code("b1", "conn_b"), 0, 600);
  store.Burn("a2");
  store.BurnCodesOf("conn_a");
  CHECK(store.Exchanged("a1"));
  CHECK(store.Exchanged("a2"));
  CHECK_FALSE(store.Exchanged("b1"));
  CHECK(store.CheckExchange("b1", "", true, 1).ok());
}

TEST_CASE("code store: access tokens expire, and the token index follows them", "[codes][tokens]") {
  auto index = std::make_shared<TokenIndex>();
  CodeStore store;
  store.Issue(Code("code_before_attach"), 0, 600);
  store.AddAccessToken(Token("tok_before_attach", 500));
  store.Attach(index, "env");
  store.AddAccessToken(Token("tok1", 1000));
  store.AddAccessToken(Token("tok2", 5000));
  CHECK(store.access_tokens() == 3);
  CHECK(index->Find(TokenIndex::Kind::kAccessToken, "tok_before_attach") == "env");
  CHECK(index->Find(TokenIndex::Kind::kAccessToken, "tok1") == "env");
  CHECK(index->size() == 3);  // codes are not indexed

  REQUIRE(store.FindAccessToken("tok1", 999) != nullptr);
  CHECK(store.FindAccessToken("tok1", 999)->profile_id == "prof_1");
  CHECK(store.FindAccessToken("tok1", 1000) == nullptr);  // expired at its expiry
  CHECK(store.FindAccessToken("nope", 0) == nullptr);

  // A sweep drops codes and tokens expired before the horizon and reports the earliest left.
  store.Issue(Code("late_code"), 0, 10);  // expires at 10000
  int64_t earliest = std::numeric_limits<int64_t>::max();
  CHECK(store.EraseExpiredBefore(1001, earliest) == 2);  // tok_before_attach and tok1
  CHECK(earliest == 5000);
  CHECK(index->Find(TokenIndex::Kind::kAccessToken, "tok1") == "");
  CHECK(store.FindAccessToken("tok2", 1001) != nullptr);
  earliest = std::numeric_limits<int64_t>::max();
  CHECK(store.EraseExpiredBefore(600 * 1000 + 1, earliest) == 3);
  CHECK(earliest == std::numeric_limits<int64_t>::max());
  CHECK(store.codes() == 0);
  CHECK(store.access_tokens() == 0);
  CHECK(index->size() == 0);
}

TEST_CASE("code store: a state import replaces codes and tokens, and the index with them",
          "[codes][tokens]") {
  auto index = std::make_shared<TokenIndex>();
  CodeStore store;
  store.Attach(index, "env");
  store.Issue(Code("old_code"), 0, 600);
  store.AddAccessToken(Token("old_tok", 1000));

  AuthorizationCode imported = Code("new_code");
  imported.expires_ms = 7000;
  imported.used = true;
  CodeStore::Prepared fresh;
  CodeStore::Prepare({imported}, {Token("new_tok", 8000)}, fresh);
  CodeStore::Retired old = store.ReplaceWith(fresh);
  CHECK(old.codes.size() == 1);
  CHECK(old.tokens.size() == 1);
  CHECK(store.Exchanged("new_code"));
  CHECK(store.CheckExchange("old_code", "", true, 1).error().kind == ErrorKind::kInvalidGrant);
  CHECK(index->Find(TokenIndex::Kind::kAccessToken, "old_tok") == "");
  CHECK(index->Find(TokenIndex::Kind::kAccessToken, "new_tok") == "env");

  store.Clear();
  CHECK(store.codes() == 0);
  CHECK(index->size() == 0);
}

TEST_CASE_METHOD(Fixture, "codes: 10-minute TTL, single use, failures do not burn them",
                 "[codes]") {
  auto code_for = [&](const std::string& email) {
    return CodeOf(*env.VisitLink(Create(email).token, "GET", "x"));
  };
  std::string code = code_for("a@example.com");
  TokenRequest r{"client_test", "sk_test_test", "authorization_code", code, ""};
  TokenRequest wrong = r;
  wrong.client_secret = "sk_test_other";
  CHECK(ErrorOf(env.ExchangeCode(wrong)).kind == ErrorKind::kInvalidClient);
  TokenRequest no_secret = r;
  no_secret.client_secret = "";
  CHECK(ErrorOf(env.ExchangeCode(no_secret)).kind == ErrorKind::kInvalidClient);
  TokenRequest grant = r;
  grant.grant_type = "refresh_token";
  CHECK(ErrorOf(env.ExchangeCode(grant)).kind == ErrorKind::kUnsupportedGrant);
  // No client_id in the body (e.g. sent as HTTP Basic, which is not read): named as missing.
  TokenRequest no_client = r;
  no_client.client_id = "";
  auto missing = env.ExchangeCode(no_client);
  REQUIRE_FALSE(missing.ok());
  CHECK(ErrorOf(missing).kind == ErrorKind::kOAuthInvalidRequest);
  CHECK(ErrorOf(missing).message == "Missing required parameter: client_id");
  auto ok = env.ExchangeCode(r);
  REQUIRE(ok.ok());
  CHECK(ok.value().profile.email == "a@example.com");
  CHECK(ok.value().profile.connection_type == "MagicLink");
  CHECK_FALSE(ok.value().oauth_tokens);  // only OAuth connections carry the IdP's tokens
  CHECK(env.ProfileForAccessToken(ok.value().access_token)->id == ok.value().profile.id);
  auto again = env.ExchangeCode(r);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::kInvalidGrant);
  CHECK(again.error().message == "The code '" + code + "' has expired or is invalid.");

  std::string slow = code_for("b@example.com");
  clock.AdvanceMs(600 * 1000);
  TokenRequest late = r;
  late.code = slow;
  CHECK(ErrorOf(env.ExchangeCode(late)).kind == ErrorKind::kInvalidGrant);
  // Access tokens expire too.
  clock.AdvanceMs(600 * 1000);
  CHECK_FALSE(env.ProfileForAccessToken(ok.value().access_token));
}
