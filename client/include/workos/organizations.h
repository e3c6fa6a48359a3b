// Organizations: list, get.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/http.h"
#include "workos/list.h"

namespace workos {

struct OrganizationDomain {
  std::string object;  // "organization_domain"
  std::string id;
  std::string domain;
  std::optional<std::string> state;
};

struct Organization {
  std::string object;  // "organization"
  std::string id;
  std::string name;
  std::vector<OrganizationDomain> domains;
  std::optional<bool> allow_profiles_outside_organization;
  std::string created_at;
  std::string updated_at;
  nlohmann::json raw;
};

// Empty means "absent".
struct ListOrganizationsOptions {
  std::vector<std::string> domains;
  int limit = 0;
  std::string before;
  std::string after;
  std::string order;
};

class Organizations {
 public:
  explicit Organizations(std::shared_ptr<Transport> transport) : t_(std::move(transport)) {}

  ListResponse<Organization> List(const ListOrganizationsOptions& options = {},
                                  const RequestOptions& request = {});
  Organization Get(const std::string& id, const RequestOptions& request = {});

 private:
  std::shared_ptr<Transport> t_;
};

void from_json(const nlohmann::json& j, OrganizationDomain& d);
void from_json(const nlohmann::json& j, Organization& o);

}  // namespace workos
