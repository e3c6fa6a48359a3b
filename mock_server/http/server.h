// workos-mock's HTTP front: translates requests into domain calls and domain results into
// WorkOS-shaped JSON. Routes live one file per resource (passwordless_routes.cc, sso_routes.cc,
// control_routes.cc); this class holds what they share: the pipeline every route runs through
// (routing.cc) and the hooks httplib runs around them (server_hooks.cc).
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.h"
#include "domain/clock.h"
#include "domain/registry.h"
#include "http/background.h"
#include "http/connection_server.h"
#include "http/control_state.h"

namespace workos_mock {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 4400;                   // 0: an ephemeral port
  std::string public_url;            // origin links point at; default http://<host>:<port>
  std::string log = "text";          // text | json | off (one line per request, on stderr)
  std::string admin_token;           // when set, /_mock requires it from every client, loopback too
  int io_timeout_seconds = 10;       // a client silent this long mid-request is disconnected
  int request_timeout_seconds = 10;  // a whole request (line, headers, body) from its first byte
  int handshake_timeout_seconds = 5;  // a TLS handshake, from accept
  int idle_timeout_seconds = 5;       // a kept-alive connection waiting for its next request
  int threads = 32;            // idle workers kept warm; every open connection has its own worker
  size_t max_connections = 0;  // open connections served at once; 0: DefaultMaxConnections()
  bool interactive = false;    // --interactive: the mock IdP always shows its sign-in page
  std::string smtp_url;        // --smtp-url: deliver sent emails over SMTP (per-env smtp_url wins)
  bool tls = false;            // serve HTTPS (TLS 1.2+)
  std::string tls_cert, tls_key;  // PEM files; both empty: a generated self-signed pair
  std::string tls_cert_out;       // where a generated certificate's PEM is written
};

class MockServer {
 public:
  MockServer(ServerOptions options, ServerConfig config, const Clock& clock);
  ~MockServer();

  // Binds the listening socket and seeds the environments; returns the port. Throws on failure.
  int Bind();
  // Serves until Stop(); in-flight requests finish before it returns.
  void Run();
  // Stops accepting, ends open long-polls (answered as timed out) and injected delays at once,
  // closes idle and half-received connections; Run() returns when the requests being handled
  // are answered. Safe from any thread (e.g. a signal waiter).
  void Stop();
  // The cap on open connections in effect (--max-connections or the default).
  size_t max_connections() const { return limits_.max_connections; }

  // Where clients reach the server: http(s)://HOST:PORT, with 127.0.0.1 for a wildcard host.
  const std::string& base_url() const { return base_url_; }
  // The address actually bound, e.g. http://0.0.0.0:4400 for --host 0.0.0.0.
  const std::string& listen_url() const { return listen_url_; }
  const ServerConfig& config() const { return config_; }
  // With --tls: the PEM file clients should trust. Empty otherwise.
  const std::string& tls_cert_path() const { return tls_cert_path_; }
  Registry& registry() { return *registry_; }

 private:
  struct Call {
    Call(const httplib::Request& request, httplib::Response& response)
        : req(request), res(response) {}
    const httplib::Request& req;
    httplib::Response& res;
    std::shared_ptr<Environment> env;

    // The body as ReadFormOrJson reads it (POST /sso/token), decoded on first use and kept, so
    // the route's resolver and its handler parse it once between them. Null when it is not
    // valid: PeekForm writes nothing, ReadForm writes the 400.
    const nlohmann::json* PeekForm();
    const nlohmann::json* ReadForm();

   private:
    std::optional<Result<nlohmann::json>> form_;  // empty until first decoded
  };
  // Names the environment a request belongs to; may read the body through the Call.
  using Resolver = std::function<std::shared_ptr<Environment>(Call&)>;
  using Handler = std::function<void(Call&)>;

  // Registers a public route. `resolve` names the environment the request belongs to (for
  // faults, the journal and idempotency); it may return null and the handler decides.
  void Route(const std::string& method, const std::string& pattern, Resolver resolve,
             Handler handler);
  // Registers a control-plane route: loopback (or admin token) only; `needs_env` requires the
  // environment's API key as Bearer.
  void ControlRoute(const std::string& method, const std::string& pattern, bool needs_env,
                    Handler handler);
  // Adds a wrapped route to httplib and to the route table.
  void Register(const std::string& method, const std::string& pattern,
                const httplib::Server::Handler& handler);
  // The hooks httplib runs around the routes (server_hooks.cc).
  void InstallHooks();

  void AddPasswordlessRoutes();
  void AddSsoRoutes();
  void AddDirectoryRoutes();
  void AddControlRoutes();
  void AddTrafficRoutes();
  void AddInboxRoutes();

  // After a successful send (mail_effects.cc): the scanner's visits, then SMTP delivery.
  void AfterSend(const std::shared_ptr<Environment>& env, const Email& email);
  void RunScan(const std::shared_ptr<Environment>& env, const Email& email,
               const ScannerSettings& settings);

  std::shared_ptr<ControlState> Control(const Environment& env);
  void DropControl(const std::string& env_name);
  std::string LinkFor(const PasswordlessSession& s) const;
  void Log(const httplib::Request& req, const httplib::Response& res) const;
  bool ControlAllowed(const httplib::Request& req) const;
  // "GET, HEAD, POST" for a path some route serves; "" when none does (the 405 Allow header).
  std::string AllowedMethods(const std::string& path) const;

  ServerOptions options_;
  ServerConfig config_;
  const Clock& clock_;
  int listen_fd_ = -1;  // the listening socket, captured to raise its backlog
  std::string base_url_, listen_url_;
  std::string tls_cert_path_;
  ConnectionLimits limits_;
  std::unique_ptr<ConnectionServer> http_;
  std::unique_ptr<Registry> registry_;
  // Shared to look up (every API request does), exclusive to add or drop an environment's state.
  std::shared_mutex control_mu_;
  std::unordered_map<std::string, std::shared_ptr<ControlState>> control_;
  // A request answered inside the process, through the same route (faults, journal and all) as
  // if it had come over a socket -- how the scanner visits links without needing a worker of
  // the server's own. False when no route takes it.
  bool DispatchInProcess(httplib::Request& req, httplib::Response& res) const;

  struct RouteEntry {
    std::string method;
    std::regex pattern;
    httplib::Server::Handler handler;  // null for routes served by httplib alone (/health, inbox)
  };
  // Every route; filled by Bind(), read-only while serving.
  std::vector<RouteEntry> route_table_;
  BackgroundWorker worker_;  // delayed scanner visits; stopped before the listener
};

}  // namespace workos_mock
