#include "workos/list.h"

namespace workos {
namespace detail {

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::optional<std::string> OptStr(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

ListMetadata ParseListMetadata(const nlohmann::json& j) {
  ListMetadata m;
  if (j.is_object() && j.contains("list_metadata")) {
    m.before = OptStr(j["list_metadata"], "before");
    m.after = OptStr(j["list_metadata"], "after");
  }
  return m;
}

}  // namespace detail
}  // namespace workos
