// The JSON configuration file: a list of environments and what each starts with.
// fixtures/default.json shows every key; docs/config.md describes them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/errors.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace workos_mock {

// Deterministic mode for every environment: the server's --seed and --start-time (or their
// WORKOS_MOCK_ variables). An environment's own "seed" / "start_time" keys win over them.
struct DeterministicDefaults {
  std::optional<uint64_t> seed;
  std::optional<int64_t> start_time_ms;
};

// Seeds are whole numbers up to 2^53 - 1 (exact in every JSON reader, JavaScript's too).
inline constexpr uint64_t kMaxSeed = (uint64_t{1} << 53) - 1;

struct ServerConfig {
  std::vector<EnvironmentConfig> environments;
  // Also applied to the environments created later (POST /_mock/environments).
  DeterministicDefaults deterministic;
  // With a default seed: where the names, keys and client ids POST /_mock/environments makes up
  // come from (a stream of the seed, shared by the whole server).
  std::shared_ptr<IdGenerator> environment_ids;
  // With a default seed: the X-Request-ID of requests that belong to no environment (a 401
  // without a key, POST /_mock/environments), so those answers are reproducible too.
  std::shared_ptr<IdGenerator> request_ids;
};

// Parses `text`; on error throws ConfigError whose what() names `source`, the key path and the
// problem, e.g. "config.json: environments[0].redirect_uris[1]: query_not_allowed: ...".
// `defaults` give environments without their own seed / start_time keys one.
ServerConfig ParseConfig(const std::string& text, const std::string& source,
                         const DeterministicDefaults& defaults = {});
ServerConfig LoadConfigFile(const std::string& path, const DeterministicDefaults& defaults = {});
// The scanner object alone (config key "scanner", body of PUT /_mock/scanner); errors name
// "scanner.<key>".
ScannerSettings ParseScanner(const std::string& text, const std::string& source);
// The settings object (body of PUT /_mock/settings): the keys it has replace those of `base`;
// errors name "settings.<key>".
EnvironmentSettings ParseSettings(const std::string& text, const std::string& source,
                                  const EnvironmentSettings& base);
// The same two from a body already parsed (the routes read it once, with ReadJsonObject).
ScannerSettings ScannerFromJson(const nlohmann::json& object, const std::string& source);
EnvironmentSettings SettingsFromJson(const nlohmann::json& object, const std::string& source,
                                     const EnvironmentSettings& base);

// For callers that answer requests (the control routes): the readers above behind one boundary.
// A bad key is a ValidationError({{field, problem}}) instead of a ConfigError; `field` is the
// key path inside the body (the reader's own "environments[0]." / "scanner." / "settings."
// prefix removed), "body" for the body as a whole (e.g. not JSON).
// One environment object (body of POST /_mock/environments) read as a config file's only one.
Result<EnvironmentConfig> ReadEnvironmentSeed(const nlohmann::json& environment,
                                              const DeterministicDefaults& defaults = {});
// The body of PUT /_mock/scanner, already parsed / as text (refused unless it is JSON).
Result<ScannerSettings> ReadScanner(const nlohmann::json& body);
Result<ScannerSettings> ReadScannerText(const std::string& text);
// The body of PUT /_mock/settings, already parsed / as text: its keys replace those of `base`.
Result<EnvironmentSettings> ReadSettings(const nlohmann::json& body,
                                         const EnvironmentSettings& base);
Result<EnvironmentSettings> ReadSettingsText(const std::string& text,
                                             const EnvironmentSettings& base);

// The embedded default: one staging environment a local app can use with zero set-up.
ServerConfig DefaultConfig(const DeterministicDefaults& defaults = {});
// What start-up should warn about when `config` runs in deterministic mode (which environments
// have predictable tokens, which clocks are frozen), as lines for stderr; "" when it does not.
std::string DeterministicWarning(const ServerConfig& config);
const char* DefaultConfigJson();

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& source, const std::string& path, const std::string& problem)
      : std::runtime_error(source + ": " + (path.empty() ? "" : path + ": ") + problem),
        path_(path),
        problem_(problem) {}
  const std::string& path() const { return path_; }        // e.g. "environments[0].kind"
  const std::string& problem() const { return problem_; }  // what is wrong, how to fix it

 private:
  std::string path_, problem_;
};

}  // namespace workos_mock
