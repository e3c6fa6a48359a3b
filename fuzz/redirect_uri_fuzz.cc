// Redirect-URI validation for every policy, and matching. Input: "registered\nrequested".
// Invariants: a failing check names a rule (and a passing one none); a URI that validates
// without wildcards matches an exact copy of itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/redirect_uri.h"

using workos_mock::EnvironmentKind;
using workos_mock::RedirectUriPolicy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  std::string registered = input, requested = input;
  std::string::size_type nl = input.find('\n');
  if (nl != std::string::npos) {
    registered = input.substr(0, nl);
    requested = input.substr(nl + 1);
  }
  bool valid_plain = false;
  for (EnvironmentKind kind : {EnvironmentKind::kStaging, EnvironmentKind::kProduction}) {
    for (bool wildcards : {false, true}) {
      for (bool is_default : {false, true}) {
        RedirectUriPolicy policy{kind, wildcards};
        auto check = workos_mock::ValidateRegisteredRedirectUri(registered, policy, is_default);
        if (!check.ok && (check.rule.empty() || check.message.empty())) __builtin_trap();
        if (check.ok && !check.rule.empty()) __builtin_trap();
        if (check.ok && !wildcards) valid_plain = true;
      }
    }
  }
  (void)workos_mock::RedirectUriMatches(registered, requested);
  (void)workos_mock::RedirectUriMatches(requested, registered);
  if (valid_plain && !workos_mock::RedirectUriMatches(registered, registered)) __builtin_trap();
  return 0;
}
