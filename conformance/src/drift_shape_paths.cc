// See drift_shape_paths.h.
#include "drift_shape_paths.h"

namespace conformance::drift::detail {

std::string Member(const std::string& parent, const std::string& name) {
  std::string out = parent + ".";
  for (char c : name) {
    if (c == '\\' || c == '.' || c == '[') out += '\\';
    out += c;
  }
  return out;
}

bool IsItems(const std::string& path) {
  // Ends with an unescaped "[]".
  if (path.size() < 2 || path.compare(path.size() - 2, 2, "[]") != 0) return false;
  size_t backslashes = 0;
  for (size_t i = path.size() - 2; i > 0 && path[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

std::string Parent(const std::string& path) {
  if (IsItems(path)) return path.substr(0, path.size() - 2);
  size_t last_dot = std::string::npos;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\') {
      ++i;
    } else if (path[i] == '.') {
      last_dot = i;
    }
  }
  return last_dot == std::string::npos ? "" : path.substr(0, last_dot);
}

bool UnderArray(const std::string& path) {
  for (std::string p = path; !p.empty(); p = Parent(p))
    if (IsItems(p)) return true;
  return false;
}

}  // namespace conformance::drift::detail
