// Reading a redirect's query in tests.
#pragma once

#include <string>

namespace workos_mock::testing {

// The percent-decoded value of query parameter `name` in `url`; "" when it is absent.
inline std::string Param(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  std::string query = q == std::string::npos ? "" : url.substr(q + 1);
  for (size_t start = 0; start <= query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string v = pair.substr(eq + 1), out;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += v[i];
        }
      }
      return out;
    }
    start = end + 1;
  }
  return "";
}

}  // namespace workos_mock::testing
