#include "domain/redirect_uri_list.h"

#include <algorithm>

namespace workos_mock {

Status RedirectUriAllowList::Validate(const std::vector<RedirectUriEntry>& uris,
                                      const RedirectUriPolicy& policy) {
  std::vector<FieldError> errors;
  int defaults = 0;
  for (size_t i = 0; i < uris.size(); ++i) {
    const auto& entry = uris[i];
    defaults += entry.is_default ? 1 : 0;
    RedirectUriCheck check = ValidateRegisteredRedirectUri(entry.uri, policy, entry.is_default);
    if (!check.ok) {
      errors.push_back({"redirect_uris[" + std::to_string(i) + "]",
                        check.rule + ": '" + entry.uri + "': " + check.message});
    }
    for (size_t j = 0; j < i; ++j) {
      if (uris[j].uri == entry.uri) {
        errors.push_back({"redirect_uris[" + std::to_string(i) + "]",
                          "duplicate: '" + entry.uri + "' is already in the list"});
      }
    }
  }
  if (!uris.empty() && defaults != 1) {
    errors.push_back({"redirect_uris", "exactly one redirect URI must be the default (found " +
                                           std::to_string(defaults) + ")"});
  }
  if (errors.empty()) return OkStatus();
  return ValidationError(std::move(errors));
}

Result<std::vector<RedirectUriEntry>> RedirectUriAllowList::Prepare(
    std::vector<RedirectUriEntry> uris, const RedirectUriPolicy& policy) {
  if (!uris.empty() && std::none_of(uris.begin(), uris.end(),
                                    [](const RedirectUriEntry& e) { return e.is_default; })) {
    // Like the dashboard: the first URI becomes the default when none is marked (the first
    // without a wildcard host: a `*` elsewhere is a literal character).
    for (auto& e : uris) {
      RedirectUriParts parts;
      if (!ParseRedirectUri(e.uri, &parts) || parts.host.find('*') == std::string::npos) {
        e.is_default = true;
        break;
      }
    }
  }
  if (Status valid = Validate(uris, policy); !valid.ok()) return valid.error();
  return uris;
}

Result<std::string> RedirectUriAllowList::Resolve(const std::string& requested) const {
  if (requested.empty()) {
    for (const auto& e : entries_)
      if (e.is_default) return e.uri;
    return ValidationError(
        {{"redirect_uri", "redirect_uri is required: this environment has no default redirect URI",
          ControlHint::kConfigureRedirectUri}});
  }
  for (const auto& e : entries_)
    if (RedirectUriMatches(e.uri, requested)) return requested;
  std::string known;
  for (const auto& e : entries_) known += (known.empty() ? "'" : ", '") + e.uri + "'";
  return ValidationError(
      {{"redirect_uri",
        "redirect_uri '" + requested +
            "' is not one of this environment's redirect URIs (it must match exactly): " +
            (known.empty() ? std::string("none are configured") : known)}});
}

}  // namespace workos_mock
