// Small text helpers of the drift library (internal to conformance/src/drift_*.cc): case,
// whitespace, replacement, set joining, and splitting URLs and query strings.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "workos/internal/text.h"

namespace conformance::drift::detail {

using workos::internal::Lower;  // workos/internal/text.h
using workos::internal::Trim;

// Every occurrence of `from` (not empty) replaced by `to`.
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to);

// The members of `s` joined by `sep`, each JSON-quoted when `quote`.
std::string Join(const std::set<std::string>& s, const std::string& sep, bool quote = false);
// "200|404".
std::string Join(const std::set<long>& s);

struct Url {
  std::string origin;  // "https://host:port" or ""
  std::string path;
  std::string query;
  std::string fragment;
};
Url SplitUrl(const std::string& url);

// "a=1&b=2" -> pairs, decoded.
std::vector<std::pair<std::string, std::string>> ParsePairs(const std::string& s);

}  // namespace conformance::drift::detail
