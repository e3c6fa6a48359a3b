// workos-mock: a local fake of the WorkOS passwordless and SSO API, with a control plane for tests.
// Flags and variables: cli/options.cc; `exec`: cli/exec.cc.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "cli/exec.h"
#include "cli/options.h"
#include "config/config.h"
#include "domain/clock.h"
#include "domain/token_signer.h"
#include "http/server.h"
#include "persistence/state_file.h"

namespace {

using namespace workos_mock;

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

// GET /health until it answers (exec: CMD starts against a server that is ready).
bool Healthy(const MockServer& server) {
  for (int i = 0; i < 500; ++i) {
    httplib::Client client(server.base_url());
    client.enable_server_certificate_verification(false);  // our own, possibly generated
    client.set_connection_timeout(1, 0);
    if (auto res = client.Get("/health"); res && res->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
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

  CommandLine cl;
  try {
    cl = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc), std::getenv);
  } catch (const UsageError& e) {
    std::cerr << "workos-mock: " << e.what() << "\n\n" << UsageText();
    return kExitUsage;
  }
  switch (cl.command) {
    case CommandLine::Command::kHelp:
      std::cout << UsageText();
      return kExitOk;
    case CommandLine::Command::kVersion:
      std::cout << VersionText();
      return kExitOk;
    case CommandLine::Command::kPrintDefaultConfig:
      std::cout << DefaultConfigJson() << "\n";
      return kExitOk;
    case CommandLine::Command::kServe:
    case CommandLine::Command::kExec:
      break;
  }
  const bool exec = cl.command == CommandLine::Command::kExec;
  if (exec && !cl.port_given) cl.server.port = 0;
  // exec: CMD owns stdout; the server's own lines go to stderr.
  std::ostream& notices = exec ? std::cerr : std::cout;

  // Block the stop signals in every thread; one thread waits for them and stops the server (or,
  // under exec, passes them on to CMD).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  bool started = false;
  try {
    ServerConfig config = cl.config_path.empty() ? DefaultConfig(cl.deterministic)
                                                 : LoadConfigFile(cl.config_path, cl.deterministic);
    const std::string deterministic = DeterministicWarning(config);
    std::set<uint64_t> seeds;  // keys to make ahead (below): one per seed, the random one if any
    bool random_key = config.environments.empty() || !cl.deterministic.seed;
    for (const auto& e : config.environments) {
      if (e.random_seed) seeds.insert(*e.random_seed);
      random_key |= !e.random_seed;
    }
    MockServer server(cl.server, std::move(config), clock);
    const int port = server.Bind();
    std::unique_ptr<StateFile> persisted;
    if (!cl.state_file.empty()) {
      persisted = std::make_unique<StateFile>(server.registry(), cl.state_file,
                                              std::chrono::milliseconds(cl.state_interval_ms));
      if (persisted->Load())
        std::cerr << "workos-mock: state restored from " << cl.state_file << std::endl;
      persisted->Start();
    }
    // The RSA-2048 signing key takes 50-500 ms to generate (seconds under a sanitizer): made in
    // the background now, so the first token exchange does not stall for it and startup stays a
    // few milliseconds. OpenSSL's exit handlers must not run under a key generation, and a
    // SIGTERM must not wait for one: see the end of main.
    std::atomic<bool> keygen_done{false};
    struct Joined : std::thread {
      using std::thread::thread;
      ~Joined() {
        if (joinable()) join();
      }
    } keygen([&keygen_done, seeds, random_key] {
      if (random_key) ProcessTokenSigner().Keys(SystemClock().NowMs());
      for (uint64_t seed : seeds) SeededTokenSigner(seed).Keys(0);  // derived from the seed
      keygen_done = true;
    });
    if (!deterministic.empty()) std::cerr << deterministic << std::flush;
    if (!cl.port_file.empty()) WritePortFile(cl.port_file, port);
    notices << "workos-mock listening on " << server.listen_url() << std::endl;
    if (server.listen_url() != server.base_url() && cl.server.public_url.empty())
      std::cerr << "workos-mock: listening on every interface, but magic links and redirects "
                   "point at "
                << server.base_url()
                << ", which only this machine reaches; set --public-url to the address your "
                   "clients use (e.g. http://workos-mock:"
                << port << " in Docker Compose)" << std::endl;
    if (!server.tls_cert_path().empty())
      std::cerr << "workos-mock: TLS certificate (trust it as a CA file): "
                << server.tls_cert_path() << std::endl;

    std::atomic<pid_t> child{0};
    std::atomic<bool> done{false};
    std::thread waiter([&] {
      for (;;) {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        if (done) return;
        if (exec && child > 0) {
          kill(child, sig);  // CMD decides; the server stops when it has ended
          continue;
        }
        server.Stop();  // stop accepting; Run() returns once in-flight requests are done
        return;
      }
    });
    std::thread runner([&server] { server.Run(); });
    int status = kExitOk;
    if (exec) {
      if (!Healthy(server)) throw std::runtime_error("the server did not answer GET /health");
      started = true;
      status =
          RunCommand(cl.exec_argv, ConnectionEnvironment(server, cl.server.admin_token), &child);
      server.Stop();
    }
    runner.join();
    // Run() may also return on its own (listen failure): wake the waiter so it can be joined.
    done = true;
    kill(getpid(), SIGTERM);
    waiter.join();
    if (persisted) persisted->Stop();  // the last write, after in-flight requests finished
    if (!keygen_done) {
      // Everything is answered and written; a key nobody will use is still being generated.
      // Leave without exit handlers (OpenSSL's would run under it) instead of waiting for it.
      std::cout.flush();
      std::cerr.flush();
      std::_Exit(status);
    }
    return status;
  } catch (const ConfigError& e) {
    std::cerr << "workos-mock: bad config: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "workos-mock: " << e.what() << "\n";
    return exec && !started ? kExitUsage : kExitRuntime;
  }
}
