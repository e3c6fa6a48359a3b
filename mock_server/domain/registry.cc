#include "domain/registry.h"

#include "domain/ids.h"
#include "domain/limits.h"

namespace workos_mock {

Registry::Registry(const Clock& clock, std::string link_base)
    : clock_(clock), link_base_(std::move(link_base)) {}

Status Registry::Validate(const EnvironmentConfig& seed) {
  std::vector<FieldError> errors;
  const std::string want = seed.kind == EnvironmentKind::kProduction ? "sk_live_" : "sk_test_";
  if (seed.api_keys.empty()) errors.push_back({"api_keys", "at least one API key is required"});
  for (size_t i = 0; i < seed.api_keys.size(); ++i) {
    const auto& key = seed.api_keys[i];
    if (key.rfind(want, 0) != 0 || key.size() <= want.size()) {
      errors.push_back({"api_keys[" + std::to_string(i) + "]",
                        std::string("a ") + KindName(seed.kind) +
                            " environment's API keys start with '" + want + "'"});
    }
  }
  if (seed.client_id.rfind("client_", 0) != 0 || seed.client_id.size() <= 7)
    errors.push_back({"client_id", "client_id must start with 'client_'"});
  for (const auto& [field, seconds] : {std::pair{"link_ttl_seconds", seed.link_ttl_seconds},
                                       {"code_ttl_seconds", seed.code_ttl_seconds},
                                       {"access_token_ttl_seconds", seed.access_token_ttl_seconds},
                                       {"sweep_after_seconds", seed.sweep_after_seconds}})
    if (auto e = CheckDuration(field, seconds)) errors.push_back(*e);  // domain/limits.h
  if (Status uris = Environment::ValidateRedirectUris(
          seed.redirect_uris, {seed.kind, seed.allow_wildcard_redirect_uris});
      !uris.ok()) {
    for (auto& fe : uris.error().errors) errors.push_back(fe);
  }
  if (errors.empty()) return OkStatus();
  return ValidationError(std::move(errors));
}

Result<std::shared_ptr<Environment>> Registry::Add(EnvironmentConfig seed) {
  if (Status valid = Validate(seed); !valid.ok()) return valid.error();
  std::lock_guard<std::shared_mutex> lock(mu_);
  if (by_name_.count(seed.name))
    return Error{
        ErrorKind::kConflict, "An environment named '" + seed.name + "' already exists.", {}};
  for (const auto& key : seed.api_keys)
    if (by_key_.count(key))
      return Error{ErrorKind::kConflict, "Another environment already uses that API key.", {}};
  if (by_client_id_.count(seed.client_id))
    return Error{ErrorKind::kConflict,
                 "Another environment already uses client id '" + seed.client_id + "'.",
                 {}};
  auto env = std::make_shared<Environment>(seed, clock_, link_base_);
  env->AttachTokenIndex(tokens_);
  if (waits_cancelled_) env->CancelWaits();
  by_name_[seed.name] = env;
  for (const auto& key : seed.api_keys) by_key_[key] = env;
  by_client_id_[seed.client_id] = env;
  return env;
}

bool Registry::Remove(const std::string& name) {
  std::lock_guard<std::shared_mutex> lock(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  for (const auto& key : it->second->api_keys()) by_key_.erase(key);
  by_client_id_.erase(it->second->client_id());
  by_name_.erase(it);
  return true;
}

std::shared_ptr<Environment> Registry::ByApiKey(const std::string& api_key) const {
  std::shared_ptr<Environment> env;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = by_key_.find(api_key);
    if (it == by_key_.end()) return nullptr;
    env = it->second;
  }
  return env->HasApiKey(api_key) ? env : nullptr;  // the final comparison is constant-time
}

std::shared_ptr<Environment> Registry::ByClientId(const std::string& client_id) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = by_client_id_.find(client_id);
  return it == by_client_id_.end() ? nullptr : it->second;
}

std::shared_ptr<Environment> Registry::ByName(const std::string& name) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Environment>> Registry::All() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::shared_ptr<Environment>> out;
  for (const auto& [name, env] : by_name_) out.push_back(env);
  return out;
}

void Registry::CancelWaits() {
  std::vector<std::shared_ptr<Environment>> all;
  {
    std::lock_guard<std::shared_mutex> lock(mu_);
    waits_cancelled_ = true;
    for (const auto& [name, env] : by_name_) all.push_back(env);
  }
  for (auto& env : all) env->CancelWaits();
}

// Links and access tokens carry no environment, as on the live API: the index says which
// environment holds one, and that environment confirms (an index entry may be stale for a moment,
// e.g. for an environment just deleted and re-created under the same name).
std::shared_ptr<Environment> Registry::ByLinkToken(const std::string& token) const {
  auto env = ByName(tokens_->Find(TokenIndex::Kind::kLinkToken, token));
  return env && env->HasLinkToken(token) ? env : nullptr;
}

std::shared_ptr<Environment> Registry::ByAccessToken(const std::string& token) const {
  auto env = ByName(tokens_->Find(TokenIndex::Kind::kAccessToken, token));
  return env && env->ProfileForAccessToken(token) ? env : nullptr;
}

std::shared_ptr<Environment> Registry::ByPendingLogin(const std::string& login_id) const {
  auto env = ByName(tokens_->Find(TokenIndex::Kind::kPendingLogin, login_id));
  return env && env->HasPendingLogin(login_id) ? env : nullptr;
}

EnvironmentConfig Registry::Generate(EnvironmentKind kind) const {
  EnvironmentConfig seed;
  const int64_t now = clock_.NowMs();
  seed.name = "env_" + Ulid(now);
  seed.kind = kind;
  seed.api_keys = {std::string(kind == EnvironmentKind::kProduction ? "sk_live_" : "sk_test_") +
                   RandomAlphanumeric(32)};
  seed.client_id = "client_" + Ulid(now);
  return seed;
}

}  // namespace workos_mock
