// An environment's directory: its organizations and connections, by id. Ids are time-ordered,
// so id order is age order, and every list below is oldest first. The directory answers who is
// who (by id, by email domain, by organization, by type) and how GET /connections and
// GET /organizations filter; the flows decide what to do with the answers (sso.cc,
// passwordless.cc). Not thread-safe by itself: the Environment keeps one under its lock
// (environment.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"

namespace workos_mock {

// GET /connections' filters; "" is no filter. Type, domain and search compare
// case-insensitively (the spec spells it GithubOAuth, objects GitHubOAuth: both match), search
// is a substring of the name; a connection passes when it passes all of them.
struct ConnectionFilter {
  std::string connection_type, domain, organization_id, search;
};

class Directory {
 public:
  // A state import in two steps, as SessionStore's: Prepare builds the new contents without the
  // lock (ids unique: ValidateSnapshot), ReplaceWith swaps them in under it and leaves the old
  // ones in `fresh`, to be freed outside it. Also how the seed is loaded.
  struct Prepared {
    std::map<std::string, Organization> organizations;
    std::map<std::string, Connection> connections;
  };
  static Prepared Prepare(std::vector<Organization> organizations,
                          std::vector<Connection> connections);
  void ReplaceWith(Prepared& fresh);

  const Organization* FindOrganization(const std::string& id) const;
  const Connection* FindConnection(const std::string& id) const;
  std::vector<Organization> Organizations() const;
  std::vector<Connection> Connections() const;

  // The organizations having any of `domains` (case-insensitive); every one when it is empty.
  std::vector<Organization> OrganizationsWithDomains(const std::vector<std::string>& domains) const;
  // The connections that pass `filter`.
  std::vector<Connection> ConnectionsMatching(const ConnectionFilter& filter) const;

  // The oldest MagicLink connection with `domain` (lower case) among its domains, or nullptr.
  const Connection* MagicLinkConnectionFor(const std::string& domain) const;
  // The organization with `domain` (lower case) among its domains; the newest when several are.
  std::optional<std::string> OrganizationWithDomain(const std::string& domain) const;
  // The connections of organization `organization_id`, of every type and state.
  std::vector<const Connection*> ConnectionsOf(const std::string& organization_id) const;
  // The oldest active connection of type `type` (exact spelling), or nullptr.
  const Connection* ActiveConnectionOfType(const std::string& type) const;

  // Stores `connection` (its id new) and returns it; the reference stays valid until it is
  // removed or the contents are replaced.
  const Connection& AddConnection(Connection connection);
  // False when there is no such connection.
  bool RemoveConnection(const std::string& id);

 private:
  std::map<std::string, Organization> organizations_;
  std::map<std::string, Connection> connections_;
};

}  // namespace workos_mock
