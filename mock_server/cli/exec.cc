#include "cli/exec.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace workos_mock {

std::map<std::string, std::string> ConnectionEnvironment(const MockServer& server,
                                                         const std::string& admin_token) {
  std::map<std::string, std::string> env;
  const std::string& url = server.base_url();  // scheme://host:port, host bracketed for IPv6
  const auto scheme_end = url.find("://");
  const auto colon = url.rfind(':');
  std::string host = url.substr(scheme_end + 3, colon - scheme_end - 3);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  env["WORKOS_BASE_URL"] = url;
  env["WORKOS_API_HOSTNAME"] = host;
  env["WORKOS_API_PORT"] = url.substr(colon + 1);
  env["WORKOS_API_HTTPS"] = url.rfind("https://", 0) == 0 ? "true" : "false";
  // The first environment of the config (the embedded default has one).
  if (!server.config().environments.empty()) {
    const auto& first = server.config().environments.front();
    if (!first.api_keys.empty()) env["WORKOS_API_KEY"] = first.api_keys.front();
    env["WORKOS_CLIENT_ID"] = first.client_id;
  }
  if (!admin_token.empty()) env["WORKOS_MOCK_ADMIN_TOKEN"] = admin_token;
  if (!server.tls_cert_path().empty()) {
    env["WORKOS_CA_FILE"] = server.tls_cert_path();
    env["NODE_EXTRA_CA_CERTS"] = server.tls_cert_path();
  }
  return env;
}

// Started with posix_spawnp, never fork(): the server's threads are running (the RSA key is
// being generated, requests may be in flight), and a forked child that allocates before exec --
// setenv, building argv, execvp's PATH search -- can find the allocator's lock held by a thread
// that does not exist in the child, and wait for ever. It did, once in a few hundred runs under
// ASan (a child stuck in futex_wait on ASan's allocator lock, with CMD never started). Everything
// CMD gets is built here, in the parent; glibc's posix_spawnp does the rest without allocating.
int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::atomic<pid_t>* child) {
  std::vector<std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var = *e;
    if (env.count(var.substr(0, var.find('='))) == 0) vars.push_back(var);
  }
  for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& var : vars) envp.push_back(var.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // CMD starts as if run from a shell: no signals blocked, SIGPIPE at its default (the server
  // ignores it); caught signals are reset by the exec itself.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, pipe;
  sigemptyset(&none);
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &pipe);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], nullptr, &attr, args.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  if (error != 0) {
    std::fprintf(stderr, "workos-mock: cannot run '%s': %s\n", args[0], std::strerror(error));
    return 127;
  }
  *child = pid;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace workos_mock
