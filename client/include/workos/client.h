// workos::Client: one configuration, one transport, every resource.
//
//   workos::Client client;  // WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_BASE_URL
//   workos::CreatePasswordlessSessionOptions o;
//   o.email = "marcelina@example.com";
//   auto session = client.passwordless().CreateSession(o);
//   client.passwordless().SendSession(session.id);
//   // ... the user clicks the link, your callback gets ?code=...
//   auto result = client.sso().GetProfileAndToken(code);
#pragma once

#include <memory>

#include "workos/config.h"
#include "workos/connections.h"
#include "workos/http.h"
#include "workos/mock_control.h"
#include "workos/organizations.h"
#include "workos/passwordless.h"
#include "workos/sso.h"

namespace workos {

class Client {
 public:
  Client() : Client(Config::FromEnv()) {}
  explicit Client(Config config);

  const Config& config() const { return transport_->config(); }

  Passwordless& passwordless() { return passwordless_; }
  Sso& sso() { return sso_; }
  Connections& connections() { return connections_; }
  Organizations& organizations() { return organizations_; }
  // The workos-mock control plane (only meaningful against the mock).
  MockControl& mock() { return mock_; }

 private:
  std::shared_ptr<Transport> transport_;
  Passwordless passwordless_;
  Sso sso_;
  Connections connections_;
  Organizations organizations_;
  MockControl mock_;
};

}  // namespace workos
