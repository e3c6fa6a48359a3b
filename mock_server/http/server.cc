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
    : options_(std::move(options)), config_(std::move(config)), clock_(clock) {}

MockServer::~MockServer() { worker_.Stop(); }

int MockServer::Bind() {
  if (options_.tls) {
    TlsMaterial tls = options_.tls_cert.empty()
                          ? GenerateSelfSigned(options_.host, options_.tls_cert_out)
                          : LoadTlsMaterial(options_.tls_cert, options_.tls_key);
    tls_cert_path_ = tls.cert_path;
    auto ssl = std::make_unique<httplib::SSLServer>(tls.cert.get(), tls.key.get());
    if (!ssl->is_valid()) throw std::runtime_error("TLS: cannot set up the server certificate");
    SSL_CTX_set_min_proto_version(ssl->ssl_context(), TLS1_2_VERSION);
    http_ = std::move(ssl);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  http_->set_tcp_nodelay(true);  // without it every small reply waits for a delayed ACK (~40 ms)
  // Bodies are limited to kMaxBodyBytes (1 MiB, 413 JSON) by the pre-routing handler and Route();
  // only PUT /_mock/state (a whole environment) may send up to 64 MiB.
  http_->set_payload_max_length(kMaxStateBodyBytes);
  // A slow or stalled client holds a worker at most this long; an idle kept-alive one at most 5 s.
  http_->set_read_timeout(options_.io_timeout_seconds, 0);
  http_->set_write_timeout(options_.io_timeout_seconds, 0);
  http_->set_keep_alive_timeout(std::min(5, options_.io_timeout_seconds));
  // httplib closes a kept-alive connection after 5 requests by default; a test suite's client
  // then pays a new TCP connection (and a worker hand-off) every fifth call. 1000 is nginx's
  // default. (scripts/bench: create-session 10k -> 18k req/s with wrk -c8.)
  http_->set_keep_alive_max_count(1000);
  const int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
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
  std::string host = options_.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  base_url_ =
      std::string(options_.tls ? "https://" : "http://") + host + ":" + std::to_string(port);
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
    if (req.headers.size() > 100 + 4) {  // httplib adds REMOTE_ADDR/PORT, LOCAL_ADDR/PORT
      ReplyJson(res, 431,
                {{"code", "invalid_request_parameters"},
                 {"message", "Request Header Fields Too Large: at most 100 headers."}});
      return httplib::Server::HandlerResponse::Handled;
    }
    const bool state_put = req.method == "PUT" && req.path == "/_mock/state";
    if (!state_put && req.has_header("Content-Length") &&
        req.get_header_value<uint64_t>("Content-Length") > kMaxBodyBytes) {
      ReplyTooLarge(res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.rfind("/_mock/", 0) == 0 && !ControlAllowed(req)) {
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
    route_table_.push_back({"GET", std::regex(path)});
  return port;
}

void MockServer::Run() { http_->listen_after_bind(); }

void MockServer::Stop() {
  worker_.Stop();  // a delayed scan in flight finishes against a still-running listener
  if (http_) http_->stop();
}

std::string MockServer::AllowedMethods(const std::string& path) const {
  std::set<std::string> methods;
  for (const auto& [method, pattern] : route_table_)
    if (std::regex_match(path, pattern)) methods.insert(method);
  if (methods.count("GET")) methods.insert("HEAD");
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
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
  return registry_->link_base() + "/passwordless/" + s.token + "/confirm";
}

void MockServer::Log(const httplib::Request& req, const httplib::Response& res) const {
  const std::string rid = res.get_header_value("X-Request-ID");
  // Paths can hold link tokens: they are secrets too, so only the route shape is logged for them.
  const std::string path = LoggablePath(req.path);
  if (options_.log == "json") {
    std::cerr << Dump({{"method", req.method},
                       {"path", path},
                       {"status", res.status},
                       {"request_id", rid}})
              << "\n";
  } else {
    std::cerr << req.method << " " << path << " " << res.status << " " << rid << "\n";
  }
}

void MockServer::Route(const std::string& method, const std::string& pattern, Resolver resolve,
                       Handler handler) {
  route_table_.push_back({method, std::regex(pattern)});
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
    Call call{req, res, resolve ? resolve(req) : nullptr};
    std::shared_ptr<ControlState> control = call.env ? Control(*call.env) : nullptr;
    auto record = [&] {
      if (!control) return;
      const int64_t now = call.env->NowMs();  // one read of the environment's (locked) clock
      control->Record(CaptureRequest(req, res, NewId("req", now), now));
    };
    if (control) {
      if (auto fault = control->TakeFault(req.method, req.path)) {
        if (fault->delay_ms > 0)
          std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
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
    // A retried POST with the same Idempotency-Key gets the first answer, not a second effect.
    std::string idem_key;
    if (req.method == "POST" && call.env && req.has_header("Idempotency-Key")) {
      idem_key = req.path + "\n" + req.get_header_value("Idempotency-Key");
      if (auto stored = call.env->IdempotentReply(idem_key)) {
        res.status = stored->status;
        res.set_header("Idempotent-Replayed", "true");
        res.set_content(stored->body, stored->content_type.c_str());
        record();
        return;
      }
    }
    handler(call);
    if (!idem_key.empty() && res.status < 500)
      call.env->StoreIdempotentReply(idem_key,
                                     {res.status, res.body, res.get_header_value("Content-Type")});
    record();
  };
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
  route_table_.push_back({method, std::regex(pattern)});
  const size_t max_body = pattern == "/_mock/state" ? kMaxStateBodyBytes : kMaxBodyBytes;
  auto wrapped = [this, needs_env, handler, max_body](const httplib::Request& req,
                                                      httplib::Response& res) {
    if (req.body.size() > max_body) return ReplyTooLarge(res);
    Call call{req, res, nullptr};
    if (needs_env) {
      call.env = registry_->ByApiKey(BearerToken(req));
      if (!call.env) {
        ReplyJson(res, 401,
                  {{"message",
                    "Unauthorized: send the environment's API key as 'Authorization: Bearer "
                    "sk_test_...' (the default environment's key is sk_test_workos_mock)"}});
        return;
      }
    }
    handler(call);
  };
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
