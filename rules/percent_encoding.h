// Percent-encoding of a URL component the way both sides of the project write one: every byte
// but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~) becomes %XX, upper-case hex.
// Header-only, so the client library links nothing more for it.
#pragma once

#include <cctype>
#include <string>

namespace workos_mock {

inline std::string PercentEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace workos_mock
