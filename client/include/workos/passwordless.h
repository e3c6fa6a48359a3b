// Passwordless (Magic Link): create a session, email its link.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "workos/http.h"

namespace workos {

// Empty strings and zero mean "absent" (not sent).
struct CreatePasswordlessSessionOptions {
  std::string email;               // required
  std::string type = "MagicLink";  // the only type
  std::string redirect_uri;        // default: the environment's default redirect URI
  std::string state;               // returned verbatim on the redirect
  std::string connection;          // a connection id, instead of routing by the email domain
  int expires_in = 0;              // seconds the link lives
};

struct PasswordlessSession {
  std::string object;  // "passwordless_session"
  std::string id;
  std::string email;
  std::string expires_at;
  std::string link;
  nlohmann::json raw;
};

class Passwordless {
 public:
  explicit Passwordless(std::shared_ptr<Transport> transport) : t_(std::move(transport)) {}

  // POST /passwordless/sessions → 201.
  PasswordlessSession CreateSession(const CreatePasswordlessSessionOptions& options,
                                    const RequestOptions& request = {});
  // POST /passwordless/sessions/{id}/send → 201 {"success": true}; returns `success`.
  bool SendSession(const std::string& session_id, const RequestOptions& request = {});

 private:
  std::shared_ptr<Transport> t_;
};

void from_json(const nlohmann::json& j, PasswordlessSession& s);

}  // namespace workos
