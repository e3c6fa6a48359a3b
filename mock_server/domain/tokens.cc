// Credentials and the token request: API keys, the issue of a code, its exchange (the checks in
// the live order; a code's own rules -- lifetime, single use, PKCE -- are CodeStore's,
// domain/code_store.h), access tokens and the key set that verifies them.
#include "domain/environment.h"
#include "domain/ids.h"
#include "domain/limits.h"
#include "domain/text.h"

namespace workos_mock {

bool Environment::HasApiKey(const std::string& key) const {
  bool found = false;
  for (const auto& k : seed_.api_keys) found |= ConstantTimeEquals(k, key);
  return found;
}

// --- Codes and tokens ----------------------------------------------------------------------

std::string Environment::IssueCodeLocked(const Profile& profile, const std::string& redirect_uri,
                                         const std::string& session_id,
                                         std::optional<std::string> code_challenge,
                                         std::vector<std::string> provider_scopes) {
  AuthorizationCode c;
  c.code = ids_.Crockford(26);  // ULID-shaped like live codes, but all 130 bits random
  c.profile_id = profile.id;
  c.connection_id = profile.connection_id;
  c.redirect_uri = redirect_uri;
  c.session_id = session_id;
  c.code_challenge = std::move(code_challenge);
  c.provider_scopes = std::move(provider_scopes);
  const AuthorizationCode& issued =
      codes_.Issue(std::move(c), NowMsLocked(), seed_.code_ttl_seconds);
  ChangedLocked();
  NoteExpiryLocked(issued.expires_ms, true);
  return issued.code;
}

Status Environment::CheckTokenRequest(const TokenRequest& r) {
  if (r.grant_type != "authorization_code")
    return Error{ErrorKind::kUnsupportedGrant, "The grant type is not supported.", {}};
  // Live ignores HTTP Basic client authentication and names what the body lacks (a 2026 report
  // against AuthKit's authenticate; CONTRACT.md, evidence review 2026-11-29).
  if (r.client_id.empty())
    return Error{ErrorKind::kOAuthInvalidRequest, "Missing required parameter: client_id", {}};
  return OkStatus();
}

Result<TokenGrant> Environment::ExchangeCode(const TokenRequest& r) {
  if (Status checked = CheckTokenRequest(r); !checked.ok()) return checked.error();
  if (!ConstantTimeEquals(r.client_id, seed_.client_id)) return InvalidClientError();
  if (!r.client_secret.empty() && !HasApiKey(r.client_secret)) return InvalidClientError();

  MutexLock lock(mu_);
  MaybeSweepLocked();
  const int64_t now = NowMsLocked();
  auto checked = codes_.CheckExchange(r.code, r.code_verifier, !r.client_secret.empty(), now);
  if (!checked.ok()) return checked.error();
  const AuthorizationCode& code = checked.value();
  const Connection* conn = directory_.FindConnection(code.connection_id);
  const Profile* found = profiles_.Find(code.profile_id);
  if (!conn || !found) return InvalidGrantError(r.code);

  if (codes_.access_tokens() >= max_stored())
    return Error{ErrorKind::kLimitExceeded,
                 "This environment holds the maximum of " + std::to_string(max_stored()) +
                     " (config max_stored) unexpired access tokens",
                 {},
                 ControlHint::kWaitOrReset};
  // Burnt under the lock: a concurrent exchange of this code now fails.
  codes_.Burn(r.code);
  ChangedLocked();
  const Profile profile = *found;
  std::optional<OAuthTokens> oauth;
  if (IsOAuthConnectionType(conn->type)) {
    // The IdP's tokens (made up: the mock IdP has no API they would open); an hour, like
    // Google's and Microsoft's access tokens.
    oauth = OAuthTokens{conn->type, "mock_oauth_access_" + ids_.Alphanumeric(32),
                        "mock_oauth_refresh_" + ids_.Alphanumeric(32), now / 1000 + 3600,
                        code.provider_scopes};
  }
  AccessToken token;
  token.profile_id = code.profile_id;
  token.expires_ms = SaturatingAdd(now, SecondsToMs(seed_.access_token_ttl_seconds));
  const AccessTokenClaims claims{
      link_base_,     code.profile_id,        seed_.client_id, now / 1000, token.expires_ms / 1000,
      ids_.Ulid(now), profile.organization_id};
  // The RSA signature is the expensive part of an exchange: made without the environment's lock,
  // so exchanges in one environment sign in parallel. The JWT is verifiable with
  // GET /sso/jwks/{client_id} and is also the key of the token -> profile map /sso/profile reads.
  lock.Unlock();
  token.token = signer_->Sign(claims, now);
  lock.Lock();
  codes_.AddAccessToken(token);
  ChangedLocked();
  NoteExpiryLocked(token.expires_ms, true);
  return TokenGrant{token.token, seed_.access_token_ttl_seconds, profile, std::move(oauth)};
}

std::optional<Profile> Environment::ProfileForAccessToken(const std::string& access_token) const {
  MutexLock lock(mu_);
  const AccessToken* token = codes_.FindAccessToken(access_token, NowMsLocked());
  if (!token) return std::nullopt;
  const Profile* p = profiles_.Find(token->profile_id);
  if (!p) return std::nullopt;
  return *p;
}

std::vector<JsonWebKey> Environment::Jwks() const { return signer_->Keys(NowMs()); }

bool Environment::CodeExchanged(const std::string& code) const {
  MutexLock lock(mu_);
  return codes_.Exchanged(code);
}

}  // namespace workos_mock
