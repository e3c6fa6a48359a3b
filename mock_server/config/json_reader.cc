#include "config/json_reader.h"

#include <algorithm>

namespace workos_mock {

using nlohmann::json;

const JsonDialect kConfigDialect = {false, "must be an array of strings",
                                    "must be an object of strings", true, "."};
const JsonDialect kStateDialect = {true, "must be an array", "must be an object", false, ""};

void JsonReader::Fail(const std::string& path, const std::string& problem) const {
  throw ConfigError(source_, path, problem);
}

const json& JsonReader::Object(const json& j, const std::string& path) const {
  if (!j.is_object()) Fail(path, "must be an object");
  return j;
}

const json& JsonReader::Known(const json& o, const std::string& path,
                              std::initializer_list<const char*> allowed) const {
  Object(o, path);
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (it.key().rfind("_", 0) == 0) continue;  // "_comment" and friends document the file
    if (std::find_if(allowed.begin(), allowed.end(),
                     [&](const char* k) { return it.key() == k; }) != allowed.end())
      continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    if (dialect_.sort_allowed_keys) std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& k : names) list += (list.empty() ? "" : ", ") + k;
    Fail((path.empty() ? dialect_.top_level_key_prefix : path + ".") + it.key(),
         "unknown key (allowed here: " + list + ")");
  }
  return o;
}

std::string JsonReader::String(const json& o, const std::string& path, const char* key,
                               const std::string& fallback) const {
  if (Absent(o, key)) return fallback;
  return RequiredString(o, path, key);
}

std::string JsonReader::RequiredString(const json& o, const std::string& path,
                                       const char* key) const {
  if (!o.contains(key)) Fail(path + "." + key, "is required");
  if (!o[key].is_string()) Fail(path + "." + key, "must be a string");
  return o[key].get<std::string>();
}

std::optional<std::string> JsonReader::OptionalString(const json& o, const std::string& path,
                                                      const char* key) const {
  if (Absent(o, key)) return std::nullopt;
  return RequiredString(o, path, key);
}

int64_t JsonReader::Int(const json& o, const std::string& path, const char* key,
                        int64_t fallback) const {
  if (!o.contains(key)) return fallback;
  return RequiredInt(o, path, key);
}

int64_t JsonReader::RequiredInt(const json& o, const std::string& path, const char* key) const {
  if (!o.contains(key)) Fail(path + "." + key, "is required");
  if (!o[key].is_number_integer()) Fail(path + "." + key, "must be a whole number");
  return o[key].get<int64_t>();
}

bool JsonReader::Bool(const json& o, const std::string& path, const char* key,
                      bool fallback) const {
  if (!o.contains(key)) return fallback;
  if (!o[key].is_boolean()) Fail(path + "." + key, "must be true or false");
  return o[key].get<bool>();
}

std::vector<std::string> JsonReader::Strings(const json& o, const std::string& path,
                                             const char* key) const {
  std::vector<std::string> out;
  if (!o.contains(key)) return out;
  const json& a = o[key];
  if (!a.is_array()) Fail(path + "." + key, dialect_.not_an_array_of_strings);
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string())
      Fail(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(a[i].get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> JsonReader::StringMap(const json& o, const std::string& path,
                                                         const char* key) const {
  std::map<std::string, std::string> out;
  if (Absent(o, key)) return out;
  const json& m = o[key];
  if (!m.is_object()) Fail(path + "." + key, dialect_.not_an_object_of_strings);
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!it->is_string()) Fail(path + "." + key + "." + it.key(), "must be a string");
    out[it.key()] = it->get<std::string>();
  }
  return out;
}

const json& JsonReader::Array(const json& o, const std::string& path, const char* key) const {
  static const json kEmpty = json::array();
  if (!o.contains(key)) return kEmpty;
  if (!o[key].is_array()) Fail(path + "." + key, "must be an array");
  return o[key];
}

}  // namespace workos_mock
