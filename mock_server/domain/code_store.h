// An environment's authorization codes and the access tokens they were exchanged for, and the
// rules of both:
// - a code lives `ttl_seconds` from its issue and is usable strictly before then (expiry.h);
// - a code is exchanged at most once, and a failed attempt never burns it;
// - a code issued with a PKCE challenge is exchanged only with the verifier whose base64url
//   SHA-256 it is (S256, compared in constant time); one without needs an authenticated client;
// - an access token is usable strictly before its expiry.
// The access tokens are mirrored into the registry's TokenIndex once attached
// (domain/token_index.h); codes are not: they are only looked up in their environment. Not
// thread-safe by itself: the Environment keeps one under its lock (environment.h); snapshots
// capture it like an EntryStore.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "domain/entry_store.h"
#include "domain/errors.h"
#include "domain/model.h"
#include "domain/token_index.h"

namespace workos_mock {

// The live API's answers to a code that cannot be exchanged, and to a client that is not this
// environment's (POST /sso/token).
Error InvalidGrantError(const std::string& code);
Error InvalidClientError();

class CodeStore {
 public:
  void Attach(std::shared_ptr<TokenIndex> index, const std::string& owner) {
    tokens_.Attach(std::move(index), owner);
  }

  size_t codes() const { return codes_.size(); }
  size_t access_tokens() const { return tokens_.size(); }

  // Stores `code` (its `code` new), expiring `ttl_seconds` after `now_ms`; returns it.
  const AuthorizationCode& Issue(AuthorizationCode code, int64_t now_ms, int64_t ttl_seconds);
  // The code, if a token request may exchange it at `now_ms`: known, not exchanged, not expired
  // (else invalid_grant); with a challenge, `code_verifier` must match it (else invalid_grant);
  // without one the client must have authenticated with a secret (else invalid_client). Changes
  // nothing.
  Result<AuthorizationCode> CheckExchange(const std::string& code, const std::string& code_verifier,
                                          bool client_authenticated, int64_t now_ms) const;
  // Marks a code exchanged: it never passes CheckExchange again.
  void Burn(const std::string& code);
  bool Exchanged(const std::string& code) const;
  // Burns every unexchanged code of `connection_id` (the connection was deleted).
  void BurnCodesOf(const std::string& connection_id);

  void AddAccessToken(AccessToken token);
  // The access token, while it is usable at `now_ms`; nullptr when unknown or expired.
  const AccessToken* FindAccessToken(const std::string& token, int64_t now_ms) const;

  // Drops the codes and access tokens that expired before `horizon`; `earliest_kept` becomes
  // the earliest expiry left, if earlier. Returns how many went.
  size_t EraseExpiredBefore(int64_t horizon, int64_t& earliest_kept);
  void Clear();

  struct Retired {
    EntryStore<AuthorizationCode>::Retired codes;
    EntryStore<AccessToken>::Retired tokens;
  };
  // A state import in two steps, as SessionStore's: Prepare without the lock (codes and tokens
  // unique: ValidateSnapshot), ReplaceWith under it (the old entries returned, to be freed
  // outside it).
  struct Prepared {
    EntryStore<AuthorizationCode> codes;
    EntryStore<AccessToken> tokens;
  };
  static void Prepare(std::vector<AuthorizationCode> codes, std::vector<AccessToken> tokens,
                      Prepared& out);
  Retired ReplaceWith(Prepared& fresh);

  void BeginCapture(std::vector<const AuthorizationCode*>& codes,
                    std::vector<const AccessToken*>& tokens) {
    codes_.BeginCapture(codes);
    tokens_.BeginCapture(tokens);
  }
  Retired EndCapture() { return {codes_.EndCapture(), tokens_.EndCapture()}; }

 private:
  EntryStore<AuthorizationCode> codes_;
  EntryStore<AccessToken> tokens_{TokenIndex::Kind::kAccessToken};
};

}  // namespace workos_mock
