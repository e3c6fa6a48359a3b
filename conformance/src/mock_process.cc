// See mock_process.h.
#include "mock_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#ifndef WORKOS_MOCK_BIN
#define WORKOS_MOCK_BIN "workos-mock"
#endif

namespace conformance {

std::string MockProcess::Start(const std::string& bin, bool tls, const std::string& cert_out) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::vector<std::string> args = {bin, "--port", "0", "--log", "off"};
  if (tls) args.insert(args.end(), {"--tls", "--tls-cert-out", cert_out});
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Never outlive the suite, even if it crashes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    std::fprintf(stderr, "workos-conformance: cannot run %s: %s\n", bin.c_str(),
                 std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  stdout_ = fdopen(out[0], "r");
  std::string line;
  for (int c; (c = std::fgetc(stdout_)) != EOF && c != '\n';) line += static_cast<char>(c);
  const std::string marker = "listening on ";
  const size_t at = line.find(marker);
  if (at == std::string::npos) {
    Stop();
    throw std::runtime_error("workos-mock (" + bin + ") did not start; its first line was '" +
                             line + "'");
  }
  std::string url = line.substr(at + marker.size());
  while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
  return url;
}

void MockProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (stdout_) {
    std::fclose(stdout_);
    stdout_ = nullptr;
  }
}

// The workos-mock to start for --target mock: beside this executable when installed (bin/),
// else the one it was built with.
std::string DefaultMockBin() {
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    std::string dir(self, static_cast<size_t>(n));
    dir = dir.substr(0, dir.rfind('/'));
    const std::string beside = dir + "/workos-mock";
    if (access(beside.c_str(), X_OK) == 0) return beside;
  }
  return WORKOS_MOCK_BIN;
}

}  // namespace conformance
