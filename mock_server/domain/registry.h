// The set of environments in one server, and which one a credential or secret belongs to.
// Environments never see each other; the registry only routes. See environment.h for locking.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/environment.h"

namespace workos_mock {

class Registry {
 public:
  Registry(const Clock& clock, std::string link_base);

  // Validates the seed (keys match the kind, redirect URIs, unique name/keys/client id) and adds
  // it.
  Result<std::shared_ptr<Environment>> Add(EnvironmentConfig seed);
  bool Remove(const std::string& name);

  std::shared_ptr<Environment> ByApiKey(const std::string& api_key) const;
  std::shared_ptr<Environment> ByClientId(const std::string& client_id) const;
  std::shared_ptr<Environment> ByName(const std::string& name) const;
  // The environment whose session owns this link token / access token, if any: one index probe
  // (domain/token_index.h), however many environments there are.
  std::shared_ptr<Environment> ByLinkToken(const std::string& token) const;
  std::shared_ptr<Environment> ByAccessToken(const std::string& token) const;
  // The environment with this sign-in waiting at its interactive IdP page.
  std::shared_ptr<Environment> ByPendingLogin(const std::string& login_id) const;
  std::vector<std::shared_ptr<Environment>> All() const;

  // Server shutdown: every long-poll of every environment, present or added later, ends now.
  void CancelWaits();

  // A fresh seed with generated name, key (sk_test_/sk_live_ by kind) and client id.
  EnvironmentConfig Generate(EnvironmentKind kind) const;

  // Everything wrong with a seed, as field errors with key paths; ok when it is fine.
  static Status Validate(const EnvironmentConfig& seed);

  const std::string& link_base() const { return link_base_; }

 private:
  const Clock& clock_;
  const std::string link_base_;
  // Shared for lookups (every request makes one), exclusive to add or remove an environment.
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<Environment>> by_name_;
  std::unordered_map<std::string, std::shared_ptr<Environment>> by_key_;
  std::unordered_map<std::string, std::shared_ptr<Environment>> by_client_id_;
  const std::shared_ptr<TokenIndex> tokens_ = std::make_shared<TokenIndex>();
  bool waits_cancelled_ = false;
};

}  // namespace workos_mock
