// The one email-address check of the domain (a magic link's recipient, an SSO login_hint, the
// address typed on the interactive IdP page), and the domain part of an address.
#pragma once

#include <string>

namespace workos_mock {

// Deliberately modest: one '@', a non-empty local part, a dotted domain (no empty label at
// either end, no ".."), at most 320 bytes, and none of space, control characters, < > " , ;.
// The live API refuses obvious garbage; it does not implement RFC 5322 either.
bool IsPlausibleEmail(const std::string& email);

// The part after the last '@', in lower case; "" when there is no '@'.
std::string EmailDomain(const std::string& email);

}  // namespace workos_mock
