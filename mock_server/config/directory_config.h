// The directory part of one environment in the config file (docs/config.md): its organizations
// and its connections with their IdP users.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "config/json_reader.h"
#include "domain/ids.h"
#include "domain/model.h"

namespace workos_mock {

// Reads env["organizations"] and env["connections"] into `c` (checked against each other: a
// connection's organization must be one of them). Ids the file leaves out are drawn from `ids`
// at `now`, in the file's order, so a seeded stream makes them reproducible.
void ReadDirectory(const JsonReader& r, const nlohmann::json& env, const std::string& path,
                   int64_t now, IdGenerator& ids, EnvironmentConfig& c);

}  // namespace workos_mock
