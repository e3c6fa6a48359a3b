#include "http/server.h"

#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <regex>
#include <set>
#include <thread>

#include "domain/ids.h"
#include "domain/magic_link.h"
#include "http/idempotency.h"
#include "http/journal.h"
#include "http/replies.h"
#include "http/tls.h"

namespace workos_mock {

using nlohmann::json;

namespace {

bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

}  // namespace

MockServer::MockServer(ServerOptions options, ServerConfig config, const Clock& clock)
    : options_(std::move(options)), config_(std::move(config)), clock_(clock), worker_(clock) {}

MockServer::~MockServer() { worker_.Stop(); }

namespace {

constexpr const char* kDefaultApiKey = "sk_test_workos_mock";

// An SSL_CTX for --tls: TLS 1.2 and 1.3 only, the given (or generated) certificate and key.
SSL_CTX* MakeTlsContext(const TlsMaterial& tls) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) throw std::runtime_error("TLS: cannot create an SSL context");
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate(ctx, tls.cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, tls.key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("TLS: cannot set up the server certificate");
  }
  return ctx;
}

// A request line or header value as one log line can show it: control characters (a forged
// newline, a terminal escape) and backslashes are escaped, so a request can never write a line
// of its own or colour the operator's terminal.
std::string EscapeForLog(const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Deterministic mode (--seed): a seeded stream names the request instead of the random id the
// pre-routing handler gave it.
void NameRequest(httplib::Response& res, const std::string& id) {
  res.headers.erase("X-Request-ID");
  res.set_header("X-Request-ID", id);
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

int MockServer::Bind() {
  const size_t descriptors = RaiseDescriptorLimit();
  limits_.max_connections = DefaultMaxConnections(descriptors);
  if (options_.max_connections > 0) {
    // Beyond the descriptor limit accept() would fail instead of the clean 503.
    const size_t fits = descriptors > 128 ? descriptors - 64 : descriptors / 2;
    limits_.max_connections = std::min(options_.max_connections, fits);
    if (limits_.max_connections < options_.max_connections)
      std::cerr << "workos-mock: --max-connections " << options_.max_connections
                << " is more than the descriptor limit allows (" << descriptors
                << "); serving at most " << limits_.max_connections << std::endl;
  }
  limits_.warm_workers = static_cast<size_t>(std::max(0, options_.threads));
  limits_.io_timeout = std::chrono::seconds(options_.io_timeout_seconds);
  limits_.request_timeout = std::chrono::seconds(options_.request_timeout_seconds);
  limits_.handshake_timeout = std::chrono::seconds(options_.handshake_timeout_seconds);
  limits_.idle_timeout = std::chrono::seconds(options_.idle_timeout_seconds);
  limits_.keep_alive_max = 1000;  // nginx's default; httplib's 5 cost a new connection per 5 calls
  SSL_CTX* tls_ctx = nullptr;
  if (options_.tls) {
    TlsMaterial tls = options_.tls_cert.empty()
                          ? GenerateSelfSigned(options_.host, options_.tls_cert_out)
                          : LoadTlsMaterial(options_.tls_cert, options_.tls_key);
    tls_cert_path_ = tls.cert_path;
    tls_ctx = MakeTlsContext(tls);
  }
  http_ = std::make_unique<ConnectionServer>(limits_, tls_ctx);
  http_->set_tcp_nodelay(true);
  // Bodies are limited to kMaxBodyBytes (1 MiB, 413 JSON) by the pre-routing handler and Route();
  // only PUT /_mock/state (a whole environment) may send up to 64 MiB.
  http_->set_payload_max_length(kMaxStateBodyBytes);
  // Only what httplib announces in its Keep-Alive header: ConnectionServer enforces the limits.
  http_->set_keep_alive_timeout(options_.idle_timeout_seconds);
  http_->set_keep_alive_max_count(limits_.keep_alive_max);
  // httplib's defaults for the listening socket are wrong for us: SO_REUSEPORT lets a second
  // workos-mock bind the same port and silently take half the traffic, and the compiled-in
  // listen backlog is 5, so a burst of new connections (a parallel test suite) overflows the
  // accept queue and clients see their first request fail after a 1 s SYN retry. Use
  // SO_REUSEADDR only, and re-listen with SOMAXCONN once bound (Linux updates the backlog).
  http_->set_socket_options([this](int fd) {
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd_ = fd;
  });

  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port < 0) throw std::runtime_error("cannot bind " + options_.host + " on any port");
  } else if (!http_->bind_to_port(options_.host, port)) {
    throw std::runtime_error("cannot bind " + options_.host + ":" + std::to_string(port) +
                             " (is another process using the port? try --port 0)");
  }
  if (listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
  const std::string scheme = options_.tls ? "https://" : "http://";
  auto url_host = [](const std::string& h) {
    return h.find(':') != std::string::npos ? "[" + h + "]" : h;
  };
  listen_url_ = scheme + url_host(options_.host) + ":" + std::to_string(port);
  std::string host = options_.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  base_url_ = scheme + url_host(host) + ":" + std::to_string(port);
  std::string link_base = options_.public_url.empty() ? base_url_ : options_.public_url;
  while (!link_base.empty() && link_base.back() == '/') link_base.pop_back();

  registry_ = std::make_unique<Registry>(clock_, link_base);
  for (const auto& seed : config_.environments) {
    auto added = registry_->Add(seed);
    if (!added.ok())
      throw std::runtime_error("environment '" + seed.name + "': " + added.error().message);
  }

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

  http_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, {{"status", "ok"}});
  });
  AddPasswordlessRoutes();
  AddSsoRoutes();
  AddDirectoryRoutes();
  AddControlRoutes();
  AddInboxRoutes();
  for (const char* path : {"/health", "/_mock/inbox", "/_mock/inbox.json"})
    route_table_.push_back({"GET", std::regex(path), nullptr});
  return port;
}

void MockServer::Run() { http_->listen_after_bind(); }

void MockServer::Stop() {
  if (http_) http_->Shutdown();  // first: nothing new starts once waits are cancelled
  if (registry_) registry_->CancelWaits();
  worker_.Stop();  // delayed scans not yet due are dropped; one in flight finishes
}

std::string MockServer::AllowedMethods(const std::string& path) const {
  std::set<std::string> methods;
  for (const auto& route : route_table_)
    if (std::regex_match(path, route.pattern)) methods.insert(route.method);
  if (methods.count("GET")) methods.insert("HEAD");
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

bool MockServer::DispatchInProcess(httplib::Request& req, httplib::Response& res) const {
  // httplib answers HEAD with the GET route.
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  for (const auto& route : route_table_) {
    if (route.method != method || !route.handler) continue;
    if (!std::regex_match(req.path, req.matches, route.pattern)) continue;
    route.handler(req, res);
    return true;
  }
  return false;
}

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

std::shared_ptr<ControlState> MockServer::Control(const Environment& env) {
  std::lock_guard<std::mutex> lock(control_mu_);
  auto& slot = control_[env.name()];
  if (!slot) slot = std::make_shared<ControlState>(env.seed().journal_max_bytes);
  return slot;
}

void MockServer::DropControl(const std::string& env_name) {
  std::lock_guard<std::mutex> lock(control_mu_);
  control_.erase(env_name);
}

std::string MockServer::LinkFor(const PasswordlessSession& s) const {
  return MagicLinkUrl(registry_->link_base(), s.token);
}

void MockServer::Log(const httplib::Request& req, const httplib::Response& res) const {
  const std::string rid = res.get_header_value("X-Request-ID");
  // Paths can hold link tokens: they are secrets too, so only the route shape is logged for them.
  const std::string path = LoggablePath(req.path);
  if (options_.log == "json") {
    // nlohmann escapes control characters and replaces invalid UTF-8: always one valid line.
    const auto* connection = ConnectionContext::Current();
    json line = {{"ts", FormatIso8601(SystemClock().NowMs())},
                 {"method", req.method},
                 {"path", path},
                 {"status", res.status},
                 {"request_id", rid},
                 {"bytes", res.body.size()},
                 {"environment", nullptr},
                 {"latency_ms", nullptr}};
    if (connection) {
      if (!connection->environment().empty()) line["environment"] = connection->environment();
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - connection->started())
                          .count();
      line["latency_ms"] = static_cast<double>(us) / 1000.0;
    }
    std::cerr << Dump(line) + "\n";
  } else {
    std::cerr << EscapeForLog(req.method) + " " + EscapeForLog(path) + " " +
                     std::to_string(res.status) + " " + EscapeForLog(rid) + "\n";
  }
}

const nlohmann::json* MockServer::Call::PeekForm() {
  if (!form_decoded_) {
    form_ = DecodeFormOrJson(req, &form_error_);
    form_decoded_ = true;
  }
  return form_ ? &*form_ : nullptr;
}

const nlohmann::json* MockServer::Call::ReadForm() {
  const nlohmann::json* form = PeekForm();
  if (!form) ReplyBadRequest(res, form_error_);
  return form;
}

void MockServer::Route(const std::string& method, const std::string& pattern, Resolver resolve,
                       Handler handler) {
  auto wrapped = [this, resolve, handler](const httplib::Request& req, httplib::Response& res) {
    if (req.body.size() > kMaxBodyBytes) return ReplyTooLarge(res);  // chunked, no Content-Length
    // A parameter given twice is ambiguous (which redirect_uri, which code?): refused, except the
    // documented list parameters (domains, provider_scopes, with or without []).
    for (auto it = req.params.begin(); it != req.params.end();
         it = req.params.upper_bound(it->first)) {
      const std::string& k = it->first;
      const bool list = k.size() > 2 && k.compare(k.size() - 2, 2, "[]") == 0;
      if (!list && k != "domains" && k != "provider_scopes" && req.params.count(k) > 1)
        return ReplyBadRequest(
            res, "The parameter '" + k + "' was given more than once; send each parameter once.");
    }
    Call call(req, res);
    if (resolve) call.env = resolve(call);
    if (call.env)
      if (auto* connection = ConnectionContext::Current())
        connection->set_environment(call.env->name());
    if (call.env && call.env->deterministic())  // --seed: the environment's stream names it
      NameRequest(res, call.env->NewRequestId());
    else if (!call.env && config_.request_ids)
      NameRequest(res, config_.request_ids->Uuid());
    std::shared_ptr<ControlState> control = call.env ? Control(*call.env) : nullptr;
    auto record = [&] {
      if (!control) return;
      const int64_t now = call.env->NowMs();  // one read of the environment's (locked) clock
      control->Record(CaptureRequest(req, res, call.env->NewJournalId(now), now));
    };
    if (control) {
      if (auto fault = control->TakeFault(req.method, req.path)) {
        // A shutdown cuts the delay short: the request is then answered at once.
        if (fault->delay_ms > 0)
          http_->SleepUnlessShutdown(clock_, std::chrono::milliseconds(fault->delay_ms));
        if (fault->action == "close") {
          res.status = fault->status ? fault->status : 200;
          // Promise a body, then fail to produce it: the client sees the connection drop.
          res.set_content_provider(64, "application/json",
                                   [](size_t, size_t, httplib::DataSink&) { return false; });
          record();
          return;
        }
        if (fault->status) {
          res.status = fault->status;
          for (const auto& [k, v] : fault->headers) res.set_header(k, v);
          std::string body =
              fault->body.empty()
                  ? Dump({{"message", "Injected fault (workos-mock " + fault->id + ")"}})
                  : fault->body;
          res.set_content(body, "application/json; charset=utf-8");
          record();
          return;
        }
      }
    }
    IdempotentCall idempotent(call.env.get(), req);  // http/idempotency.h
    if (!idempotent.Answered(res)) {
      handler(call);
      idempotent.Finish(res);
    }
    record();
  };
  route_table_.push_back({method, std::regex(pattern), wrapped});
  if (method == "GET")
    http_->Get(pattern, wrapped);
  else if (method == "POST")
    http_->Post(pattern, wrapped);
  else if (method == "PUT")
    http_->Put(pattern, wrapped);
  else if (method == "DELETE")
    http_->Delete(pattern, wrapped);
  else
    throw std::logic_error("unsupported method " + method);
}

void MockServer::ControlRoute(const std::string& method, const std::string& pattern, bool needs_env,
                              Handler handler) {
  const size_t max_body = pattern == "/_mock/state" ? kMaxStateBodyBytes : kMaxBodyBytes;
  auto wrapped = [this, needs_env, handler, max_body](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (req.body.size() > max_body) return ReplyTooLarge(res);
    Call call(req, res);
    if (!needs_env && config_.request_ids) NameRequest(res, config_.request_ids->Uuid());
    if (needs_env) {
      call.env = registry_->ByApiKey(BearerToken(req));
      if (call.env)
        if (auto* connection = ConnectionContext::Current())
          connection->set_environment(call.env->name());
      if (call.env && call.env->deterministic()) NameRequest(res, call.env->NewControlRequestId());
      if (!call.env) {
        std::string message =
            "Unauthorized: send the environment's API key as 'Authorization: Bearer sk_test_...'";
        // Named only while it works: after the default environment is deleted it would mislead.
        if (registry_->ByApiKey(kDefaultApiKey))
          message += std::string(" (the default environment's key is ") + kDefaultApiKey + ")";
        if (config_.request_ids) NameRequest(res, config_.request_ids->Uuid());
        ReplyJson(res, 401, {{"message", message + "."}});
        return;
      }
    }
    handler(call);
  };
  route_table_.push_back({method, std::regex(pattern), wrapped});
  if (method == "GET")
    http_->Get(pattern, wrapped);
  else if (method == "POST")
    http_->Post(pattern, wrapped);
  else if (method == "PUT")
    http_->Put(pattern, wrapped);
  else if (method == "DELETE")
    http_->Delete(pattern, wrapped);
  else
    throw std::logic_error("unsupported method " + method);
}

}  // namespace workos_mock
