// URL encoding and decoding: workos::UrlEncode and EncodeQuery (workos/http.h) and the internal
// PercentDecode (workos/internal/url.h).
#include <cctype>
#include <string>

#include "rules/percent_encoding.h"
#include "workos/http.h"
#include "workos/internal/url.h"

namespace workos {

std::string UrlEncode(const std::string& s) { return workos_mock::PercentEncode(s); }

std::string EncodeQuery(const QueryParams& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    if (!out.empty()) out += '&';
    out += UrlEncode(k) + "=" + UrlEncode(v);
  }
  return out;
}

namespace internal {

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace internal

}  // namespace workos
