// Cursor-paginated lists: {"data": [...], "list_metadata": {"before": ..., "after": ...}}.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace workos {

struct ListMetadata {
  std::optional<std::string> before;
  std::optional<std::string> after;
};

template <typename T>
struct ListResponse {
  std::vector<T> data;
  ListMetadata list_metadata;
  nlohmann::json raw;
};

// Parsing helpers shared by the resources (defined in src/json_util.cc).
namespace detail {
std::string Str(const nlohmann::json& j, const char* key);
std::optional<std::string> OptStr(const nlohmann::json& j, const char* key);
ListMetadata ParseListMetadata(const nlohmann::json& j);
}  // namespace detail

}  // namespace workos
