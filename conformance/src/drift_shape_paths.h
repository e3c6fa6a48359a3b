// Shape paths of the drift library (internal to conformance/src/drift_*.cc): "$", "$.member",
// "$.list[]", with '\\', '.' and '[' in member names escaped by a backslash.
#pragma once

#include <string>

namespace conformance::drift::detail {

// `parent` + "." + the escaped `name`.
std::string Member(const std::string& parent, const std::string& name);
// Whether `path` names the items of an array (ends with an unescaped "[]").
bool IsItems(const std::string& path);
// The parent path ("" for "$").
std::string Parent(const std::string& path);
// Whether `path` or one of its ancestors is an array's items.
bool UnderArray(const std::string& path);

}  // namespace conformance::drift::detail
