// workos-mock: a local fake of the WorkOS passwordless and SSO API, with a control plane for tests.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "config/config.h"
#include "domain/clock.h"
#include "domain/token_signer.h"
#include "http/server.h"
#include "http/state_file.h"

namespace {

constexpr const char* kUsage = R"(usage: workos-mock [options]

  --host HOST          address to listen on (default 127.0.0.1)
  --port PORT          port to listen on (default 4400; 0 = an ephemeral port)
  --config FILE        environments as JSON (default: the embedded default, see
                       fixtures/default.json and docs/config.md)
  --public-url URL     origin that magic links point at (default http://HOST:PORT)
  --port-file FILE     write the bound port to FILE once listening
  --log text|json|off  one line per request on stderr (default text)
  --admin-token TOKEN  /_mock/* then needs the header X-Mock-Admin-Token: TOKEN from
                       every client (without it: loopback clients only)
  --io-timeout SECONDS  disconnect a client when one read or write stalls this long
                       (default 10)
  --request-timeout SECONDS  a whole request (request line, headers and body) must
                       arrive within this time of its first byte, or the connection is
                       closed: a client that trickles bytes cannot hold it (default 10)
  --handshake-timeout SECONDS  a TLS handshake must finish within this time of the
                       connection (default 5)
  --idle-timeout SECONDS  a kept-alive connection with no request for this long is
                       closed (default 5)
  --max-connections N  open connections served at once; beyond it a new connection
                       gets 503 (Retry-After: 1) and is closed. Default: 4096, or less
                       when the descriptor limit (raised to its hard limit at start)
                       is lower: the limit minus 64
  --tls                serve HTTPS (TLS 1.2+); without --tls-cert/--tls-key a
                       self-signed certificate for localhost/127.0.0.1 is generated
                       and its PEM path printed on stderr (trust it as a CA file)
  --tls-cert PEM       certificate for --tls (with --tls-key)
  --tls-key PEM        private key for --tls
  --tls-cert-out FILE  where a generated certificate is written
                       (default $TMPDIR/workos-mock-PID-cert.pem)
  --smtp-url URL       also deliver sent emails over SMTP (smtp://host:port), e.g. to
                       Mailpit; an environment's "smtp_url" config key overrides it
  --threads N          idle workers kept ready for new connections (default 32).
                       Every open connection has a worker of its own, started on
                       demand, so no request waits for another connection; workers
                       beyond N retire after 10 s without work
  --interactive        the mock IdP of /sso/authorize shows a page to pick or type the
                       user (default: it signs in the connection's first user at once)
  --state-file PATH    keep every environment's state in PATH: loaded on start when it
                       exists, written atomically every --state-interval-ms when it
                       changed and on SIGTERM/SIGINT (docs/state.md)
  --state-interval-ms N  how often the state file is written (default 2000)
  --print-default-config  print the embedded default config and exit
  --help               this text

The first line on stdout is "workos-mock listening on http://HOST:PORT".
The embedded default environment: API key sk_test_workos_mock, client id
client_workos_mock, redirect URI http://localhost:3000/callback.
)";

[[noreturn]] void UsageError(const std::string& message) {
  std::cerr << "workos-mock: " << message << "\n\n" << kUsage;
  std::exit(2);
}

void WritePortFile(const std::string& path, int port) {
  // Write then rename, so a reader polling for the file never sees it half-written.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << port << "\n";
    if (!out) throw std::runtime_error("cannot write --port-file " + path);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot write --port-file " + path + ": " + std::strerror(errno));
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each of our worker threads its own malloc arena, up to 8 per core. Requests
  // allocate on one worker and the sweep frees on another, so memory freed into one arena is
  // never reused by the next and RSS creeps up for ever under load (scripts/soak: +25% in 60 s).
  // One arena per core keeps it flat after warm-up (and costs about nothing at this scale).
  // MALLOC_ARENA_MAX in the environment still wins.
  if (!std::getenv("MALLOC_ARENA_MAX"))
    mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  workos_mock::ServerOptions options;
  std::string config_path, port_file, state_file;
  long state_interval_ms = 2000;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) UsageError(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--print-default-config") {
      std::cout << workos_mock::DefaultConfigJson() << "\n";
      return 0;
    } else if (arg == "--host") {
      options.host = value();
    } else if (arg == "--port") {
      std::string v = value();
      char* end = nullptr;
      long port = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || port < 0 || port > 65535)
        UsageError("--port must be a number from 0 to 65535, not '" + v + "'");
      options.port = static_cast<int>(port);
    } else if (arg == "--config") {
      config_path = value();
    } else if (arg == "--public-url") {
      options.public_url = value();
    } else if (arg == "--port-file") {
      port_file = value();
    } else if (arg == "--log") {
      options.log = value();
      if (options.log != "text" && options.log != "json" && options.log != "off")
        UsageError("--log must be text, json or off");
    } else if (arg == "--admin-token") {
      options.admin_token = value();
    } else if (arg == "--tls") {
      options.tls = true;
    } else if (arg == "--tls-cert") {
      options.tls_cert = value();
    } else if (arg == "--tls-key") {
      options.tls_key = value();
    } else if (arg == "--tls-cert-out") {
      options.tls_cert_out = value();
    } else if (arg == "--smtp-url") {
      options.smtp_url = value();
      if (options.smtp_url.rfind("smtp://", 0) != 0 && options.smtp_url.rfind("smtps://", 0) != 0)
        UsageError("--smtp-url must be smtp://host:port or smtps://host:port");
    } else if (arg == "--state-file") {
      state_file = value();
    } else if (arg == "--state-interval-ms") {
      std::string v = value();
      char* end = nullptr;
      state_interval_ms = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || state_interval_ms < 10 || state_interval_ms > 3600000)
        UsageError("--state-interval-ms must be a number from 10 to 3600000");
    } else if (arg == "--interactive") {
      options.interactive = true;
    } else if (arg == "--io-timeout") {
      options.io_timeout_seconds = std::atoi(value().c_str());
      if (options.io_timeout_seconds < 1 || options.io_timeout_seconds > 3600)
        UsageError("--io-timeout must be 1..3600 seconds");
    } else if (arg == "--request-timeout") {
      options.request_timeout_seconds = std::atoi(value().c_str());
      if (options.request_timeout_seconds < 1 || options.request_timeout_seconds > 3600)
        UsageError("--request-timeout must be 1..3600 seconds");
    } else if (arg == "--handshake-timeout") {
      options.handshake_timeout_seconds = std::atoi(value().c_str());
      if (options.handshake_timeout_seconds < 1 || options.handshake_timeout_seconds > 3600)
        UsageError("--handshake-timeout must be 1..3600 seconds");
    } else if (arg == "--idle-timeout") {
      options.idle_timeout_seconds = std::atoi(value().c_str());
      if (options.idle_timeout_seconds < 1 || options.idle_timeout_seconds > 3600)
        UsageError("--idle-timeout must be 1..3600 seconds");
    } else if (arg == "--max-connections") {
      const long n = std::atol(value().c_str());
      if (n < 1 || n > 1000000) UsageError("--max-connections must be 1..1000000");
      options.max_connections = static_cast<size_t>(n);
    } else if (arg == "--threads") {
      options.threads = std::atoi(value().c_str());
      if (options.threads < 0 || options.threads > 4096) UsageError("--threads must be 0..4096");
    } else {
      UsageError("unknown option '" + arg + "'");
    }
  }

  if (options.tls_cert.empty() != options.tls_key.empty())
    UsageError("--tls-cert and --tls-key go together");
  if (!options.tls_cert.empty()) options.tls = true;
  if (options.tls && options.tls_cert.empty() && options.tls_cert_out.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    options.tls_cert_out = std::string(tmp && *tmp ? tmp : "/tmp") + "/workos-mock-" +
                           std::to_string(getpid()) + "-cert.pem";
  }

  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  workos_mock::SystemClock clock;
  try {
    workos_mock::ServerConfig config = config_path.empty()
                                           ? workos_mock::DefaultConfig()
                                           : workos_mock::LoadConfigFile(config_path);
    workos_mock::MockServer server(options, std::move(config), clock);
    const int port = server.Bind();
    std::unique_ptr<workos_mock::StateFile> persisted;
    if (!state_file.empty()) {
      persisted = std::make_unique<workos_mock::StateFile>(
          server.registry(), state_file, std::chrono::milliseconds(state_interval_ms));
      if (persisted->Load())
        std::cerr << "workos-mock: state restored from " << state_file << std::endl;
      persisted->Start();
    }
    // The RSA-2048 signing key takes 50-500 ms to generate: made in the background now, so the
    // first token exchange does not stall for it and startup stays a few milliseconds. Joined
    // before exit: OpenSSL's exit handlers must not run under a key generation.
    struct Joined : std::thread {
      using std::thread::thread;
      ~Joined() {
        if (joinable()) join();
      }
    } keygen([] { workos_mock::ProcessTokenSigner().Keys(workos_mock::SystemClock().NowMs()); });
    if (!port_file.empty()) WritePortFile(port_file, port);
    std::cout << "workos-mock listening on " << server.base_url() << std::endl;
    if (!server.tls_cert_path().empty())
      std::cerr << "workos-mock: TLS certificate (trust it as a CA file): "
                << server.tls_cert_path() << std::endl;

    std::thread waiter([&server, stop_signals] {
      int sig = 0;
      sigwait(&stop_signals, &sig);
      server.Stop();  // stop accepting; Run() returns once in-flight requests are done
    });
    server.Run();
    // Run() may also return on its own (listen failure): wake the waiter so it can be joined.
    kill(getpid(), SIGTERM);
    waiter.join();
    if (persisted) persisted->Stop();  // the last write, after in-flight requests finished
    return 0;
  } catch (const workos_mock::ConfigError& e) {
    std::cerr << "workos-mock: bad config: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "workos-mock: " << e.what() << "\n";
    return 1;
  }
}
