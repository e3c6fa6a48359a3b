// The JSON configuration file: a list of environments and what each starts with.
// fixtures/default.json shows every key; docs/config.md describes them.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "domain/model.h"

namespace workos_mock {

struct ServerConfig {
  std::vector<EnvironmentConfig> environments;
};

// Parses `text`; on error throws ConfigError whose what() names `source`, the key path and the
// problem, e.g. "config.json: environments[0].redirect_uris[1]: query_not_allowed: ...".
ServerConfig ParseConfig(const std::string& text, const std::string& source);
ServerConfig LoadConfigFile(const std::string& path);
// The scanner object alone (config key "scanner", body of PUT /_mock/scanner); errors name
// "scanner.<key>".
ScannerSettings ParseScanner(const std::string& text, const std::string& source);
// The settings object (body of PUT /_mock/settings): the keys it has replace those of `base`;
// errors name "settings.<key>".
EnvironmentSettings ParseSettings(const std::string& text, const std::string& source,
                                  const EnvironmentSettings& base);
// The embedded default: one staging environment a local app can use with zero set-up.
ServerConfig DefaultConfig();
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
