// Small text helpers the domain and the HTTP layer share.
#pragma once

#include <string>

#include "rules/percent_encoding.h"  // PercentEncode (query values)

namespace workos_mock {

// ASCII lower case (hosts, email addresses and domains compare case-insensitively).
std::string Lower(std::string s);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& s);
// Whether two secrets are equal, in a time that does not depend on where they differ.
bool ConstantTimeEquals(const std::string& a, const std::string& b);

}  // namespace workos_mock
