#include "domain/code_store.h"

#include <openssl/sha.h>

#include "domain/expiry.h"
#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/text.h"

namespace workos_mock {
namespace {

std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64UrlEncode(std::string(reinterpret_cast<char*>(digest), sizeof digest));
}

}  // namespace

Error InvalidGrantError(const std::string& code) {
  return Error{ErrorKind::kInvalidGrant, "The code '" + code + "' has expired or is invalid.", {}};
}

Error InvalidClientError() {
  return Error{ErrorKind::kInvalidClient, "Invalid client ID or secret.", {}};
}

const AuthorizationCode& CodeStore::Issue(AuthorizationCode code, int64_t now_ms,
                                          int64_t ttl_seconds) {
  code.expires_ms = SaturatingAdd(now_ms, SecondsToMs(ttl_seconds));
  const std::string key = code.code;
  return codes_.Put(key, std::move(code));
}

Result<AuthorizationCode> CodeStore::CheckExchange(const std::string& code,
                                                   const std::string& code_verifier,
                                                   bool client_authenticated,
                                                   int64_t now_ms) const {
  const AuthorizationCode* stored = codes_.Find(code);
  if (!stored || stored->used || Expired(now_ms, stored->expires_ms))
    return InvalidGrantError(code);
  if (stored->code_challenge) {
    if (code_verifier.empty() || !ConstantTimeEquals(S256(code_verifier), *stored->code_challenge))
      return InvalidGrantError(code);
  } else if (!client_authenticated) {
    // Only PKCE lets a public client exchange a code without the secret.
    return InvalidClientError();
  }
  return *stored;
}

void CodeStore::Burn(const std::string& code) {
  if (AuthorizationCode* c = codes_.FindMutable(code)) c->used = true;
}

bool CodeStore::Exchanged(const std::string& code) const {
  const AuthorizationCode* c = codes_.Find(code);
  return c && c->used;
}

void CodeStore::BurnCodesOf(const std::string& connection_id) {
  std::vector<std::string> dead;
  codes_.ForEach([&](const std::string& key, const AuthorizationCode& c) {
    if (c.connection_id == connection_id && !c.used) dead.push_back(key);
  });
  for (const auto& key : dead) codes_.FindMutable(key)->used = true;
}

void CodeStore::AddAccessToken(AccessToken token) {
  const std::string key = token.token;
  tokens_.Put(key, std::move(token));
}

const AccessToken* CodeStore::FindAccessToken(const std::string& token, int64_t now_ms) const {
  const AccessToken* found = tokens_.Find(token);
  return found && !Expired(now_ms, found->expires_ms) ? found : nullptr;
}

size_t CodeStore::EraseExpiredBefore(int64_t horizon, int64_t& earliest_kept) {
  return workos_mock::EraseExpiredBefore(codes_, horizon, earliest_kept) +
         workos_mock::EraseExpiredBefore(tokens_, horizon, earliest_kept);
}

void CodeStore::Clear() {
  codes_.Clear();
  tokens_.Clear();
}

void CodeStore::Prepare(std::vector<AuthorizationCode> codes, std::vector<AccessToken> tokens,
                        Prepared& out) {
  for (auto& x : codes) {
    const std::string code = x.code;
    out.codes.Put(code, std::move(x));
  }
  for (auto& x : tokens) {
    const std::string token = x.token;
    out.tokens.Put(token, std::move(x));
  }
}

CodeStore::Retired CodeStore::ReplaceWith(Prepared& fresh) {
  return {codes_.ReplaceWith(std::move(fresh.codes)), tokens_.ReplaceWith(std::move(fresh.tokens))};
}

}  // namespace workos_mock
