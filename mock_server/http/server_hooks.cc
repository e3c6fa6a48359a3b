// What httplib does around the routes: the checks before routing (request id, header and body
// limits, the control plane's access rule), its own refusals as WorkOS-shaped JSON, and
// exceptions as 500s.
#include <openssl/crypto.h>

#include "domain/ids.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

namespace {

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

bool DeclaresBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  return req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0";
}

// The answer goes out before the body was read (or httplib never reads it, e.g. for GET): the
// connection must not take the unread body for the next request.
void CloseIfBodyUnread(const httplib::Request& req, httplib::Response& res) {
  if (!DeclaresBody(req)) return;
  if (auto* connection = ConnectionContext::Current()) connection->CloseAfterResponse(res);
}

}  // namespace

bool MockServer::ControlAllowed(const httplib::Request& req) const {
  // Without a token: loopback only. With one: the token, from everyone -- a mock started with
  // --admin-token is usually published (a container port), and forwarded traffic can arrive
  // from a loopback address.
  if (options_.admin_token.empty()) return IsLoopback(req.remote_addr);
  std::string given = req.get_header_value("X-Mock-Admin-Token");
  // Browsers cannot add the header to a page visit: the web inbox also takes it as a parameter.
  if (given.empty() && req.path.rfind("/_mock/inbox", 0) == 0)
    given = req.get_param_value("admin_token");
  return given.size() == options_.admin_token.size() &&
         CRYPTO_memcmp(given.data(), options_.admin_token.data(), given.size()) == 0;
}

void MockServer::InstallHooks() {
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Request-ID", UuidV4());
    // RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding has an
    // empty body (what `curl -X POST` and body-less SDK calls send). httplib would instead read
    // until the client closes and answer 400; say so explicitly before it reads. (The request
    // object is httplib's own mutable one, handed to this hook as const.)
    if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
        !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      const_cast<httplib::Request&>(req).set_header("Content-Length", "0");
    if (req.headers.size() > 100 + 4) {  // httplib adds REMOTE_ADDR/PORT, LOCAL_ADDR/PORT
      ReplyJson(res, 431,
                {{"code", "invalid_request_parameters"},
                 {"message", "Request Header Fields Too Large: at most 100 headers."}});
      CloseIfBodyUnread(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool state_put = req.method == "PUT" && req.path == "/_mock/state";
    if (!state_put && req.has_header("Content-Length") &&
        req.get_header_value<uint64_t>("Content-Length") > kMaxBodyBytes) {
      ReplyTooLarge(res);
      CloseIfBodyUnread(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib reads bodies only for POST, PUT, PATCH and DELETE.
    if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS")
      CloseIfBodyUnread(req, res);
    if (req.path.rfind("/_mock/", 0) == 0 && !ControlAllowed(req)) {
      CloseIfBodyUnread(req, res);
      ReplyJson(
          res, 403,
          {{"message", options_.admin_token.empty()
                           ? "The control plane answers loopback clients only. Start workos-mock "
                             "with --admin-token TOKEN and send the header X-Mock-Admin-Token: "
                             "TOKEN to use it from elsewhere."
                           : "The control plane needs the header X-Mock-Admin-Token with the "
                             "token workos-mock was started with (--admin-token)."}});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        // httplib's own refusals (a malformed request, an over-long line, a body over the limit)
        // leave the connection in an unknown place of the byte stream: close it after the answer.
        if (auto* connection = ConnectionContext::Current()) connection->CloseAfterResponse(res);
        // httplib answers 404 for a known path asked with another method (400 for PATCH and other
        // methods it has no handler table for): that is a 405 with Allow.
        if (res.status == 404 || res.status == 400) {
          const std::string allow = AllowedMethods(req.path);
          if (!allow.empty() && allow.find(req.method) == std::string::npos) {
            res.set_header("Allow", allow);
            ReplyJson(res, 405,
                      {{"code", "method_not_allowed"},
                       {"message", "Method Not Allowed: " + req.path + " takes " + allow +
                                       ", not " + req.method + "."}});
            return httplib::Server::HandlerResponse::Handled;
          }
        }
        switch (res.status) {
          case 404:
            ReplyNotFound(res);
            break;
          case 413:
            ReplyTooLarge(res);
            break;
          case 414:
            ReplyJson(res, 414,
                      {{"code", "invalid_request_parameters"},
                       {"message", "URI Too Long: the request line is limited to 8192 bytes."}});
            break;
          case 400:
            ReplyJson(res, 400,
                      {{"code", "invalid_request_parameters"},
                       {"message",
                        "Bad Request: the request could not be read (a malformed request line or "
                        "header, a header over 8 KiB, or an unsupported method)."}});
            break;
          default:
            ReplyJson(res, res.status, {{"message", "HTTP " + std::to_string(res.status)}});
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        ReplyJson(res, 500, {{"message", "workos-mock internal error: " + what}});
      });
  if (options_.log != "off")
    http_->set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });
}

}  // namespace workos_mock
