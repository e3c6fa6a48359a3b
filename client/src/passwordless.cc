#include "workos/passwordless.h"

#include "workos/list.h"

namespace workos {

using nlohmann::json;

void from_json(const json& j, PasswordlessSession& s) {
  s.object = detail::Str(j, "object");
  s.id = detail::Str(j, "id");
  s.email = detail::Str(j, "email");
  s.expires_at = detail::Str(j, "expires_at");
  s.link = detail::Str(j, "link");
  s.raw = j;
}

namespace {
RequestOptions WithIdempotencyKey(const Transport& t, RequestOptions options) {
  if (options.idempotency_key.empty() && t.config().auto_idempotency_keys) {
    options.idempotency_key = NewUuid();
  }
  return options;
}
}  // namespace

PasswordlessSession Passwordless::CreateSession(const CreatePasswordlessSessionOptions& o,
                                                const RequestOptions& request) {
  // The keys the official Node SDK sends; empty/zero means absent.
  json body = {{"email", o.email}, {"type", o.type.empty() ? "MagicLink" : o.type}};
  if (!o.redirect_uri.empty()) body["redirect_uri"] = o.redirect_uri;
  if (!o.state.empty()) body["state"] = o.state;
  if (!o.connection.empty()) body["connection"] = o.connection;
  if (o.expires_in != 0) body["expires_in"] = o.expires_in;
  return t_->SendJson("POST", "/passwordless/sessions", body, {}, WithIdempotencyKey(*t_, request))
      .get<PasswordlessSession>();
}

bool Passwordless::SendSession(const std::string& session_id, const RequestOptions& request) {
  json reply = t_->SendJson("POST", "/passwordless/sessions/" + UrlEncode(session_id) + "/send",
                            json::object(), {}, WithIdempotencyKey(*t_, request));
  return reply.is_object() && reply.value("success", false);
}

}  // namespace workos
