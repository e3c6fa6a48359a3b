// SSO: GET /sso/authorize (+ the mock IdP page and the mock's own error pages), POST /sso/token
// and GET /sso/profile (the code exchange shared by Magic Link and SSO), GET /sso/jwks/{client}.
#include "domain/error_pages.h"
#include "domain/text.h"
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

std::string Field(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

void Redirect(httplib::Response& res, const std::string& location) {
  res.status = 302;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content("Found. Redirecting to " + location, "text/plain; charset=utf-8");
}

AuthorizeRequest DecodeAuthorize(const httplib::Request& req, bool interactive) {
  AuthorizeRequest r;
  auto p = [&](const char* name) { return req.get_param_value(name); };
  r.client_id = p("client_id");
  r.redirect_uri = p("redirect_uri");
  r.response_type = p("response_type");
  r.state = p("state");
  r.connection = p("connection");
  r.organization = p("organization");
  r.provider = p("provider");
  r.domain = p("domain");
  r.login_hint = p("login_hint");
  r.domain_hint = p("domain_hint");
  r.nonce = p("nonce");
  r.prompt = p("prompt");
  r.code_challenge = p("code_challenge");
  r.code_challenge_method = p("code_challenge_method");
  r.provider_scopes = ListParam(req, "provider_scopes");
  const std::string prefix = "provider_query_params[";
  for (const auto& [k, v] : req.params)
    if (k.rfind(prefix, 0) == 0 && k.back() == ']')
      r.provider_query_params[k.substr(prefix.size(), k.size() - prefix.size() - 1)] = v;
  r.interactive = interactive;
  return r;
}

// The interactive mock IdP: the connection's users as buttons, and a field to type any email.
// Everything echoed is escaped; no script; CSP forbids everything but inline style.
void ReplyIdpPage(httplib::Response& res, const AuthorizeOutcome& o) {
  const Connection& conn = o.connection;
  std::string users;
  for (const auto& u : conn.users) {
    std::string label = u.email;
    if (u.first_name || u.last_name)
      label = u.first_name.value_or("") + (u.first_name && u.last_name ? " " : "") +
              u.last_name.value_or("") + " <" + u.email + ">";
    if (!u.outcome.empty()) label += " (the IdP answers " + u.outcome + ")";
    users += "<li><button type=\"submit\" name=\"email\" value=\"" + HtmlEscape(u.email) + "\">" +
             HtmlEscape(label) + "</button></li>";
  }
  const std::string action = "/sso/idp/" + HtmlEscape(o.login_id);
  std::string failures;  // the default for the connection's type first
  const std::string first = DefaultFailure(conn.type);
  failures += "<option value=\"" + first + "\" selected>" + first + "</option>";
  for (const auto& code : SignInOutcomes())
    if (code != first) failures += "<option value=\"" + code + "\">" + code + "</option>";
  std::string html =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in with " +
      HtmlEscape(conn.name) +
      "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">"
      "<h1>Sign in with " +
      HtmlEscape(conn.name) + "</h1><p>workos-mock identity provider for connection <code>" +
      HtmlEscape(conn.id) + "</code> (" + HtmlEscape(conn.type) + ").</p>";
  if (!users.empty())
    html += "<form method=\"post\" action=\"" + action +
            "\"><p>Continue as:</p><ul style=\"list-style:none;padding:0\">" + users +
            "</ul></form>";
  html += "<form method=\"post\" action=\"" + action +
          "\"><p><label>Email <input type=\"email\" name=\"email\" required value=\"" +
          HtmlEscape(o.login_hint) +
          "\"></label> <button type=\"submit\">Sign in</button></p>"
          "</form><form method=\"post\" action=\"" +
          action +
          "\"><p>Or end the sign-in as a person or the identity provider would:</p><p>"
          "<button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button> "
          "<button type=\"submit\" name=\"action\" value=\"deny\">Deny access</button></p>"
          "</form><form method=\"post\" action=\"" +
          action + "\"><p><label>Fail with <select name=\"outcome\">" + failures +
          "</select></label> <button type=\"submit\" name=\"action\" value=\"fail\">Fail"
          "</button></p></form><p><small>workos-mock: Cancel sends signin_consent_denied, Deny "
          "access sends access_denied, Fail the error chosen; the app gets no code."
          "</small></p></body></html>";
  res.status = 200;
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_content(html, "text/html; charset=utf-8");
}

}  // namespace

void MockServer::AddSsoRoutes() {
  // The mock's own stand-ins for error.workos.com's pages: the browser lands here instead of the
  // app when the client id or the redirect URI cannot be trusted.
  Route("GET", ErrorPagePath(kClientIdInvalidPage), nullptr, [](Call& c) {
    std::string given = c.req.get_param_value("client_id");
    ReplyHtml(c.res, 400, "Invalid client ID",
              "The client ID " + (given.empty() ? std::string("(none)") : "'" + given + "'") +
                  " is not valid. Make sure that the app uses the client ID of the right "
                  "environment (staging and production client IDs differ).");
  });
  Route("GET", ErrorPagePath(kRedirectUriInvalidPage), nullptr, [](Call& c) {
    std::string given = c.req.get_param_value("redirect_uri");
    ReplyHtml(c.res, 400, "Invalid Redirect URI",
              "Make sure that the app uses the correct redirect URI. If you are not sure what "
              "this means, please contact your organization admin. (Redirect URI given: " +
                  (given.empty() ? std::string("none") : "'" + given + "'") +
                  "; it must exactly match one registered for the environment.)");
  });

  Route("GET", ErrorPagePath(kCodeChallengeMissingPage), nullptr, [](Call& c) {
    ReplyHtml(c.res, 400, "Missing code challenge",
              "The authorization request has a code_challenge_method but no code_challenge. With "
              "PKCE, send both (code_challenge_method=S256 and the base64url SHA-256 of the code "
              "verifier as code_challenge); without PKCE, send neither.");
  });
  Route("GET", ErrorPagePath(kInvalidConnectionSelectorPage), nullptr, [](Call& c) {
    ReplyHtml(c.res, 400, "Invalid connection selector",
              "The authorization request does not say which connection to sign in with. Give "
              "exactly one of connection, organization or provider.");
  });

  auto by_client_param = [this](Call& c) {
    return registry_->ByClientId(c.req.get_param_value("client_id"));
  };
  Route("GET", "/sso/authorize", by_client_param, [this](Call& c) {
    if (!c.env)
      return Redirect(c.res,
                      ErrorPageUrl(registry_->link_base(), kClientIdInvalidPage) + "?client_id=" +
                          httplib::detail::encode_query_param(c.req.get_param_value("client_id")));
    AuthorizeOutcome o = c.env->Authorize(DecodeAuthorize(c.req, options_.interactive));
    if (o.kind == AuthorizeOutcome::Kind::kIdpPage) return ReplyIdpPage(c.res, o);
    if (o.kind == AuthorizeOutcome::Kind::kLimitExceeded)
      return ReplyError(
          c.res, {ErrorKind::kLimitExceeded, o.error, {}, ControlHint::kWaitAdvanceClockOrReset});
    Redirect(c.res, o.location);
  });

  auto by_login = [this](Call& c) { return registry_->ByPendingLogin(c.req.matches[1]); };
  Route("POST", R"(/sso/idp/([^/]+))", by_login, [](Call& c) {
    auto expired = [&] {
      ReplyHtml(c.res, 400, "This sign-in has expired",
                "This sign-in has expired or was already completed. Start again from the app.");
    };
    if (!c.env) return expired();
    auto body = ReadFormOrJson(c.req, c.res);
    if (!body) return;
    auto done = c.env->CompleteLogin(c.req.matches[1], Field(*body, "email"),
                                     Field(*body, "action"), Field(*body, "outcome"));
    if (!done.ok()) {
      if (done.error().kind == ErrorKind::kNotFound) return expired();
      const auto& errors = done.error().errors;
      if (!errors.empty() && errors.front().field != "email")
        return ReplyHtml(c.res, 400, "Choose what the identity provider does",
                         errors.front().code + ". Go back and choose again.");
      return ReplyHtml(c.res, 400, "Enter an email address",
                       "Go back and enter the email address of the user to sign in as.");
    }
    Redirect(c.res, done.value().location);
  });

  auto by_client_path = [this](Call& c) { return registry_->ByClientId(c.req.matches[1]); };
  // Public, like production (jose's remote JWKS loader sends no key).
  Route("GET", R"(/sso/jwks/([^/]+))", by_client_path, [](Call& c) {
    if (!c.env) return ReplyNotFound(c.res);
    ReplyJson(c.res, 200, JwksJson(c.env->Jwks()));
  });

  // The environment is the one whose key is the client_secret (form or JSON body), else the
  // one owning client_id (PKCE public clients send no secret).
  auto by_client = [this](Call& c) -> std::shared_ptr<Environment> {
    const json* body = c.PeekForm();
    if (!body) return nullptr;
    const std::string secret = Field(*body, "client_secret");
    if (!secret.empty()) return registry_->ByApiKey(secret);
    return registry_->ByClientId(Field(*body, "client_id"));
  };

  Route("POST", "/sso/token", by_client, [](Call& c) {
    const json* body = c.ReadForm();
    if (!body) return;
    TokenRequest r{Field(*body, "client_id"), Field(*body, "client_secret"),
                   Field(*body, "grant_type"), Field(*body, "code"), Field(*body, "code_verifier")};
    // An Authorization header (Bearer from the SDKs, Basic from generic OAuth clients) is not
    // read: the body says who the client is.
    if (!c.env) {
      Status checked = Environment::CheckTokenRequest(r);
      if (!checked.ok()) return ReplyError(c.res, checked.error());
      return ReplyError(c.res, {ErrorKind::kInvalidClient, "Invalid client ID or secret.", {}});
    }
    auto grant = c.env->ExchangeCode(r);
    if (!grant.ok()) return ReplyError(c.res, grant.error());
    json reply = {{"token_type", "Bearer"},
                  {"access_token", grant.value().access_token},
                  {"expires_in", grant.value().expires_in},
                  {"profile", ProfileJson(grant.value().profile)}};
    if (const auto& oauth = grant.value().oauth_tokens)
      reply["oauth_tokens"] = OAuthTokensJson(*oauth);
    ReplyJson(c.res, 200, reply);
  });

  auto by_access_token = [this](Call& c) { return registry_->ByAccessToken(BearerToken(c.req)); };
  Route("GET", "/sso/profile", by_access_token, [](Call& c) {
    std::optional<Profile> profile;
    if (c.env) profile = c.env->ProfileForAccessToken(BearerToken(c.req));
    // The spec documents {"error": "Unauthorized"} here; other endpoints say {"message": ...}.
    if (!profile) return ReplyJson(c.res, 401, {{"error", "Unauthorized"}});
    ReplyJson(c.res, 200, ProfileJson(*profile));
  });
}

}  // namespace workos_mock
