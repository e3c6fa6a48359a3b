// Connections: list, get, delete.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/http.h"
#include "workos/list.h"

namespace workos {

struct ConnectionDomain {
  std::string object;  // "connection_domain"
  std::string id;
  std::string domain;
};

struct Connection {
  std::string object;  // "connection"
  std::string id;
  std::optional<std::string> organization_id;
  std::string connection_type;
  std::string name;
  std::string state;
  std::vector<ConnectionDomain> domains;
  std::string created_at;
  std::string updated_at;
  nlohmann::json raw;
};

// Empty strings and zero mean "absent".
struct ListConnectionsOptions {
  std::string connection_type;
  std::string domain;
  std::string organization_id;
  int limit = 0;  // 1..100, server default 10
  std::string before;
  std::string after;
  std::string order;  // "asc" | "desc"
};

class Connections {
 public:
  explicit Connections(std::shared_ptr<Transport> transport) : t_(std::move(transport)) {}

  ListResponse<Connection> List(const ListConnectionsOptions& options = {},
                                const RequestOptions& request = {});
  Connection Get(const std::string& id, const RequestOptions& request = {});
  // DELETE /connections/{id} → 204.
  void Delete(const std::string& id, const RequestOptions& request = {});

 private:
  std::shared_ptr<Transport> t_;
};

void from_json(const nlohmann::json& j, ConnectionDomain& d);
void from_json(const nlohmann::json& j, Connection& c);

}  // namespace workos
