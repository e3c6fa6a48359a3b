#include "cli/exec.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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

int RunCommand(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               std::atomic<pid_t>* child) {
  const pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "workos-mock: cannot start %s: %s\n", argv[0].c_str(),
                 std::strerror(errno));
    return 127;
  }
  if (pid == 0) {
    // CMD starts as if run from a shell: no signals blocked, default dispositions.
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "workos-mock: cannot run '%s': %s\n", args[0], std::strerror(errno));
    _exit(127);
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
