// ASCII case and whitespace, shared inside this project and never installed: the client
// library's transport (header names, methods, bodies) and the conformance suite's drift recorder
// use these rather than copies of their own.
#pragma once

#include <cctype>
#include <string>

namespace workos::internal {

// Every ASCII letter in lower case.
inline std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Every ASCII letter in upper case.
inline std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Without the whitespace (std::isspace) at both ends.
inline std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace workos::internal
