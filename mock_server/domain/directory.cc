#include "domain/directory.h"

#include <algorithm>

#include "domain/text.h"

namespace workos_mock {

Directory::Prepared Directory::Prepare(std::vector<Organization> organizations,
                                       std::vector<Connection> connections) {
  Prepared out;
  for (auto& o : organizations) {
    const std::string id = o.id;
    out.organizations[id] = std::move(o);
  }
  for (auto& c : connections) {
    const std::string id = c.id;
    out.connections[id] = std::move(c);
  }
  return out;
}

void Directory::ReplaceWith(Prepared& fresh) {
  organizations_.swap(fresh.organizations);
  connections_.swap(fresh.connections);
}

const Organization* Directory::FindOrganization(const std::string& id) const {
  auto it = organizations_.find(id);
  return it == organizations_.end() ? nullptr : &it->second;
}

const Connection* Directory::FindConnection(const std::string& id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : &it->second;
}

std::vector<Organization> Directory::Organizations() const {
  std::vector<Organization> out;
  for (const auto& [id, o] : organizations_) out.push_back(o);
  return out;
}

std::vector<Connection> Directory::Connections() const {
  std::vector<Connection> out;
  for (const auto& [id, c] : connections_) out.push_back(c);
  return out;
}

std::vector<Organization> Directory::OrganizationsWithDomains(
    const std::vector<std::string>& domains) const {
  std::vector<Organization> out;
  for (const auto& [id, o] : organizations_) {
    bool keep = domains.empty();
    for (const auto& want : domains)
      for (const auto& d : o.domains) keep |= Lower(d.domain) == Lower(want);
    if (keep) out.push_back(o);
  }
  return out;
}

std::vector<Connection> Directory::ConnectionsMatching(const ConnectionFilter& f) const {
  std::vector<Connection> out;
  const std::string domain = Lower(f.domain), search = Lower(f.search);
  const std::string type = Lower(f.connection_type);
  for (const auto& [id, c] : connections_) {
    if (!type.empty() && Lower(c.type) != type) continue;
    if (!f.organization_id.empty() && c.organization_id.value_or("") != f.organization_id) continue;
    if (!domain.empty() && std::none_of(c.domains.begin(), c.domains.end(),
                                        [&](const Domain& d) { return Lower(d.domain) == domain; }))
      continue;
    if (!search.empty() && Lower(c.name).find(search) == std::string::npos) continue;
    out.push_back(c);
  }
  return out;
}

const Connection* Directory::MagicLinkConnectionFor(const std::string& domain) const {
  for (const auto& [id, conn] : connections_) {
    if (conn.type != "MagicLink") continue;
    for (const auto& d : conn.domains)
      if (Lower(d.domain) == domain) return &conn;
  }
  return nullptr;
}

std::optional<std::string> Directory::OrganizationWithDomain(const std::string& domain) const {
  std::optional<std::string> found;
  for (const auto& [id, org] : organizations_)
    for (const auto& d : org.domains)
      if (Lower(d.domain) == domain) found = id;
  return found;
}

std::vector<const Connection*> Directory::ConnectionsOf(const std::string& organization_id) const {
  std::vector<const Connection*> out;
  for (const auto& [id, c] : connections_)
    if (c.organization_id == organization_id) out.push_back(&c);
  return out;
}

const Connection* Directory::ActiveConnectionOfType(const std::string& type) const {
  for (const auto& [id, c] : connections_)
    if (c.type == type && c.state == "active") return &c;
  return nullptr;
}

const Connection& Directory::AddConnection(Connection connection) {
  const std::string id = connection.id;
  return connections_[id] = std::move(connection);
}

bool Directory::RemoveConnection(const std::string& id) { return connections_.erase(id) > 0; }

}  // namespace workos_mock
