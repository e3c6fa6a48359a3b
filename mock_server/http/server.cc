#include "http/server.h"

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <regex>

#include "domain/ids.h"
#include "domain/magic_link.h"
#include "http/journal.h"
#include "http/replies.h"
#include "http/tls.h"

namespace workos_mock {

using nlohmann::json;

MockServer::MockServer(ServerOptions options, ServerConfig config, const Clock& clock)
    : options_(std::move(options)), config_(std::move(config)), clock_(clock), worker_(clock) {}

MockServer::~MockServer() { worker_.Stop(); }

namespace {

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

  InstallHooks();
  http_->Get("/health", [](const httplib::Request&, httplib::Response& res) {
    ReplyJson(res, 200, {{"status", "ok"}});
  });
  AddPasswordlessRoutes();
  AddSsoRoutes();
  AddDirectoryRoutes();
  AddControlRoutes();
  AddTrafficRoutes();
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

std::shared_ptr<ControlState> MockServer::Control(const Environment& env) {
  {
    std::shared_lock<std::shared_mutex> lock(control_mu_);
    auto it = control_.find(env.name());
    if (it != control_.end()) return it->second;
  }
  std::lock_guard<std::shared_mutex> lock(control_mu_);
  auto& slot = control_[env.name()];
  if (!slot) slot = std::make_shared<ControlState>(env.seed().journal_max_bytes);
  return slot;
}

void MockServer::DropControl(const std::string& env_name) {
  std::lock_guard<std::shared_mutex> lock(control_mu_);
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

}  // namespace workos_mock
