// The envelopes around a seed and a snapshot: one environment (GET/PUT /_mock/state) and the
// whole registry (--state-file), with the checks that refuse a document of another kind or format.
#include "config/state.h"

#include "config/json_reader.h"

namespace workos_mock {

using nlohmann::json;

json ExportEnvironment(const Environment& env, uint64_t* change_count) {
  return {{"object", "mock_state"},
          {"version", 1},
          {"environment", SeedJson(env.seed())},
          {"state", SnapshotJson(env.Snapshot(change_count))}};
}

Status ImportEnvironment(Environment& env, const json& doc) {
  auto field_error = [](const std::string& field, const std::string& problem) {
    return ValidationError({{field.empty() ? "body" : field, problem}});
  };
  if (!doc.is_object()) return field_error("body", "must be a JSON object");
  // "object" and "version" may be left out of a hand-written fixture; when present they must be
  // what this build writes, so a document of another kind or a newer format is refused.
  if (doc.contains("object") && doc["object"] != "mock_state")
    return field_error("object",
                       "must be \"mock_state\" (an environment exported by GET "
                       "/_mock/state), not " +
                           doc["object"].dump());
  if (doc.contains("version") && doc["version"] != 1)
    return field_error("version", "must be 1 (the only state format so far)");
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (it.key().rfind("_", 0) != 0 && it.key() != "object" && it.key() != "version" &&
        it.key() != "environment" && it.key() != "state")
      return field_error(it.key(),
                         "unknown key (allowed here: object, version, environment, state)");
  if (!doc.contains("state")) return field_error("state", "is required");
  EnvironmentSnapshot snapshot;
  try {
    if (doc.contains("environment"))
      ParseConfig(json({{"environments", json::array({doc["environment"]})}}).dump(), "body");
    snapshot = ParseSnapshot(doc["state"], "state");
  } catch (const ConfigError& e) {
    std::string field = e.path();
    if (field.rfind("environments[0]", 0) == 0) field = "environment" + field.substr(15);
    return field_error(field, e.problem());
  }
  return env.Restore(std::move(snapshot));
}

void ImportRegistry(Registry& registry, const json& doc, const std::string& source) {
  // A state file this build did not write (another kind of document, a newer format, keys it
  // does not know) stops the start with the key path (docs/state.md).
  if (!doc.is_object()) throw ConfigError(source, "", "must be a JSON object (a state file)");
  if (doc.value("object", json()) != "mock_state_file")
    throw ConfigError(source, "object",
                      "must be \"mock_state_file\" (is this a state file written by "
                      "workos-mock --state-file?), not " +
                          doc.value("object", json()).dump());
  if (doc.value("version", json()) != 1)
    throw ConfigError(source, "version",
                      "must be 1, not " + doc.value("version", json()).dump() +
                          ": this workos-mock reads state files of version 1 only (was the "
                          "file written by a newer workos-mock?)");
  JsonReader(source, kStateDialect).Known(doc, "", {"object", "version", "environments"});
  if (!doc.contains("environments") || !doc["environments"].is_array())
    throw ConfigError(source, "environments", "must be an array (is this a state file?)");
  const json& envs = doc["environments"];
  for (size_t i = 0; i < envs.size(); ++i) {
    const std::string path = "environments[" + std::to_string(i) + "]";
    const json& e = envs[i];
    if (!e.is_object() || !e.contains("environment"))
      throw ConfigError(source, path + ".environment", "is required");
    EnvironmentConfig seed;
    try {
      seed = ParseConfig(json({{"environments", json::array({e["environment"]})}}).dump(), source)
                 .environments.front();
    } catch (const ConfigError& error) {
      std::string field = error.path();
      if (field.rfind("environments[0]", 0) == 0) field = field.substr(15);
      throw ConfigError(source, path + ".environment" + field, error.problem());
    }
    auto env = registry.ByName(seed.name);
    if (!env) {
      auto added = registry.Add(seed);
      if (!added.ok()) throw ConfigError(source, path, added.error().message);
      env = added.value();
    }
    if (Status imported = ImportEnvironment(*env, e); !imported.ok()) {
      const Error& error = imported.error();
      const auto& fe = error.errors.empty() ? FieldError{"", error.message} : error.errors[0];
      throw ConfigError(source, path + "." + fe.field, fe.code);
    }
  }
}

}  // namespace workos_mock
