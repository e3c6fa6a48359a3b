// POST /passwordless/sessions, POST /passwordless/sessions/{id}/send, and the magic link itself.
#include "domain/ids.h"
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"
#include "mail/magic_link_email.h"

namespace workos_mock {

using nlohmann::json;

namespace {

// Reads an optional string field. Absent, null and "" all mean absent (older Go SDKs always sent
// every field, empty). Anything else that is not a string is a field error.
std::optional<std::string> OptionalString(const json& body, const std::string& field,
                                          std::vector<FieldError>& errors) {
  if (!body.contains(field) || body[field].is_null()) return std::nullopt;
  if (!body[field].is_string()) {
    errors.push_back({field, field + " must be a string"});
    return std::nullopt;
  }
  std::string v = body[field].get<std::string>();
  if (v.empty()) return std::nullopt;
  return v;
}

CreateSessionRequest DecodeCreateSession(const json& body) {
  CreateSessionRequest r;
  r.email = OptionalString(body, "email", r.decode_errors);
  r.type = OptionalString(body, "type", r.decode_errors);
  r.redirect_uri = OptionalString(body, "redirect_uri", r.decode_errors);
  r.state = OptionalString(body, "state", r.decode_errors);
  r.connection = OptionalString(body, "connection", r.decode_errors);
  if (body.contains("expires_in") && !body["expires_in"].is_null()) {
    const json& v = body["expires_in"];
    if (v.is_number_integer() ||
        (v.is_number_float() &&
         v.get<double>() == static_cast<double>(static_cast<int64_t>(v.get<double>())))) {
      int64_t seconds =
          v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
      if (seconds != 0) r.expires_in = seconds;  // 0 means "absent", as older SDKs send it
    } else {
      r.decode_errors.push_back({"expires_in", "expires_in must be a whole number of seconds"});
    }
  }
  return r;
}

}  // namespace

void MockServer::AddPasswordlessRoutes() {
  auto by_key = [this](Call& c) { return registry_->ByApiKey(BearerToken(c.req)); };

  Route("POST", "/passwordless/sessions", by_key, [this](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    auto body = ReadJsonObject(c.req, c.res);
    if (!body) return;
    auto session = c.env->CreateSession(DecodeCreateSession(*body));
    if (!session.ok()) return ReplyError(c.res, session.error());
    ReplyJson(c.res, 201, SessionJson(session.value(), LinkFor(session.value())));
  });

  // The body is ignored: SDKs send {}, nothing, or (old Go) the options struct.
  // After the send: the scanner (if on) and SMTP delivery (if configured); neither can fail the
  // call, as the live API knows nothing of either.
  Route("POST", R"(/passwordless/sessions/([^/]+)/send)", by_key, [this](Call& c) {
    if (!c.env) return ReplyUnauthorized(c.res);
    auto sent = c.env->SendSession(c.req.matches[1], RenderMagicLinkEmail);
    if (!sent.ok()) return ReplyError(c.res, sent.error());
    AfterSend(c.env, sent.value());
    ReplyJson(c.res, 201, {{"success", true}});
  });

  auto by_token = [this](Call& c) { return registry_->ByLinkToken(c.req.matches[1]); };
  // GET consumes the link, and so does HEAD unless the environment is HEAD-safe
  // (head_consumes_links; httplib routes HEAD to GET handlers). A used or expired link sends the
  // browser back to the app with error=access_denied; an unknown token gets an HTML page.
  Route("GET", R"(/passwordless/([^/]+)/confirm)", by_token, [](Call& c) {
    if (!c.env) {
      return ReplyHtml(c.res, 400, "This link is invalid",
                       "This sign-in link is not valid. Check that you copied the whole link, or "
                       "request a new one.");
    }
    auto outcome =
        c.env->VisitLink(c.req.matches[1], c.req.method, c.req.get_header_value("User-Agent"));
    if (!outcome) {
      return ReplyHtml(c.res, 400, "This link is invalid", "This sign-in link is not valid.");
    }
    auto redirect = [&] {
      c.res.status = 302;
      c.res.set_header("Location", outcome->location);
      c.res.set_header("Cache-Control", "no-store");
      c.res.set_header("Referrer-Policy", "no-referrer");
      c.res.set_content("Found. Redirecting to " + outcome->location, "text/plain; charset=utf-8");
    };
    switch (outcome->kind) {
      case LinkVisitOutcome::Kind::kRedirect:
        return redirect();
      case LinkVisitOutcome::Kind::kValid:
        return ReplyHtml(c.res, 200, "Sign in", "This sign-in link is valid.");
      case LinkVisitOutcome::Kind::kUsed:
        if (!outcome->location.empty()) return redirect();
        return ReplyHtml(c.res, 400, "This link has already been used",
                         "Magic links can be used only once, and this one was already opened "
                         "(possibly by an email security scanner). Request a new link to sign in.");
      case LinkVisitOutcome::Kind::kExpired:
        if (!outcome->location.empty()) return redirect();
        return ReplyHtml(c.res, 400, "This link has expired",
                         "This sign-in link has expired. Request a new link to sign in.");
    }
  });
}

}  // namespace workos_mock
