// See drift_text.h.
#include "drift_text.h"

#include <cctype>
#include <sstream>

#include <nlohmann/json.hpp>

#include "workos/internal/url.h"

namespace conformance::drift::detail {

namespace {

std::string Quote(const std::string& s) { return nlohmann::json(s).dump(); }

}  // namespace

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

std::string Join(const std::set<std::string>& s, const std::string& sep, bool quote) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "" : sep) + (quote ? Quote(v) : v);
  return out;
}

std::string Join(const std::set<long>& s) {
  std::string out;
  for (long v : s) out += (out.empty() ? "" : "|") + std::to_string(v);
  return out;
}

Url SplitUrl(const std::string& url) {
  Url u;
  std::string rest = url;
  const size_t scheme = rest.find("://");
  if (scheme != std::string::npos && rest.find_first_of("/?#") > scheme) {
    const size_t end = rest.find_first_of("/?#", scheme + 3);
    u.origin = rest.substr(0, end);
    rest = end == std::string::npos ? "" : rest.substr(end);
  }
  const size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    u.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  if (q != std::string::npos) {
    u.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  u.path = rest;
  return u;
}

// "a=1&b=2" -> pairs, decoded.
std::vector<std::pair<std::string, std::string>> ParsePairs(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, '&')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    out.emplace_back(
        workos::internal::PercentDecode(item.substr(0, eq)),
        eq == std::string::npos ? "" : workos::internal::PercentDecode(item.substr(eq + 1)));
  }
  return out;
}

}  // namespace conformance::drift::detail
