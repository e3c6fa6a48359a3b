// Typed field readers for the JSON that workos-mock reads (the config file, PUT /_mock/scanner and
// /_mock/settings, the state): each checks one key and throws ConfigError naming its key path
// ("environments[0].connections[1].users[0].email") and what to fix.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.h"

namespace workos_mock {

// Where the config file's messages and the state's have always differed. Both are kept as they
// were -- the dialect only says which one a document speaks, so no message changes.
struct JsonDialect {
  // A null optional string (or object of strings) reads as absent -- the state export writes
  // null for them -- instead of being refused as the wrong type.
  bool null_is_absent;
  // The problem for a non-array where strings are expected, and for a non-object of strings.
  const char* not_an_array_of_strings;
  const char* not_an_object_of_strings;
  // An unknown key's message lists the allowed keys sorted, or in the order the reader gives.
  bool sort_allowed_keys;
  // The path of an unknown key in the document's top-level object: ".key" or "key".
  const char* top_level_key_prefix;
};
extern const JsonDialect kConfigDialect;
extern const JsonDialect kStateDialect;

class JsonReader {
 public:
  using json = nlohmann::json;

  JsonReader(std::string source, const JsonDialect& dialect)
      : source_(std::move(source)), dialect_(dialect) {}

  [[noreturn]] void Fail(const std::string& path, const std::string& problem) const;

  // `j` must be an object.
  const json& Object(const json& j, const std::string& path) const;
  // `o` must be an object whose keys are all in `allowed` or start with "_" (comments). A key this
  // build does not know is refused, never ignored: in a config it is a typo, in a state it would
  // be state silently lost.
  const json& Known(const json& o, const std::string& path,
                    std::initializer_list<const char*> allowed) const;

  // The readers of o[key]: absent (or, in a null_is_absent dialect, a null optional string) gives
  // the fallback; a value of another type is refused.
  std::string String(const json& o, const std::string& path, const char* key,
                     const std::string& fallback) const;
  std::string RequiredString(const json& o, const std::string& path, const char* key) const;
  std::optional<std::string> OptionalString(const json& o, const std::string& path,
                                            const char* key) const;
  int64_t Int(const json& o, const std::string& path, const char* key, int64_t fallback) const;
  int64_t RequiredInt(const json& o, const std::string& path, const char* key) const;
  bool Bool(const json& o, const std::string& path, const char* key, bool fallback) const;
  std::vector<std::string> Strings(const json& o, const std::string& path, const char* key) const;
  std::map<std::string, std::string> StringMap(const json& o, const std::string& path,
                                               const char* key) const;
  // o[key] as an array; absent: an empty one.
  const json& Array(const json& o, const std::string& path, const char* key) const;
  // o[key] as an array of objects, each read by item(object, its path).
  template <typename T, typename F>
  std::vector<T> List(const json& o, const std::string& path, const char* key, F item) const {
    std::vector<T> out;
    const json& a = Array(o, path, key);
    for (size_t i = 0; i < a.size(); ++i) {
      const std::string p = path + "." + key + "[" + std::to_string(i) + "]";
      out.push_back(item(Object(a[i], p), p));
    }
    return out;
  }

 private:
  bool Absent(const json& o, const char* key) const {
    return !o.contains(key) || (dialect_.null_is_absent && o[key].is_null());
  }

  std::string source_;
  const JsonDialect& dialect_;
};

}  // namespace workos_mock
