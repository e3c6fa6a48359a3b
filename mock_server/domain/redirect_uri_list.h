// An environment's redirect-URI allow-list: which URIs are registered, which one is the
// default, and what a requested redirect_uri resolves to. Not thread-safe by itself: the
// Environment keeps one under its lock (environment.h). The rules for one URI are in
// rules/redirect_uri.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"
#include "rules/redirect_uri.h"

namespace workos_mock {

class RedirectUriAllowList {
 public:
  // Validates a list as the dashboard does: every entry by the policy, no URI twice, exactly
  // one default (an empty list needs none).
  static Status Validate(const std::vector<RedirectUriEntry>& uris,
                         const RedirectUriPolicy& policy);
  // `uris` as PUT /_mock/redirect_uris stores it: the first non-wildcard URI becomes the
  // default when none is marked (like the dashboard), then validated.
  static Result<std::vector<RedirectUriEntry>> Prepare(std::vector<RedirectUriEntry> uris,
                                                       const RedirectUriPolicy& policy);

  const std::vector<RedirectUriEntry>& entries() const { return entries_; }
  // Takes `uris` (already validated) in place of the list.
  void Replace(std::vector<RedirectUriEntry> uris) { entries_ = std::move(uris); }
  // The registered URI `requested` resolves to: the default when empty, `requested` itself
  // when an entry matches it. Else a validation error with one field error of redirect_uri that
  // says why, naming the registered URIs.
  Result<std::string> Resolve(const std::string& requested) const;

 private:
  std::vector<RedirectUriEntry> entries_;
};

}  // namespace workos_mock
