// The workos-mock that `workos-conformance --target mock` starts: a child process on an
// ephemeral port that never outlives the suite (PR_SET_PDEATHSIG), stopped with SIGTERM.
#pragma once

#include <cstdio>
#include <string>

#include <sys/types.h>

namespace conformance {

class MockProcess {
 public:
  ~MockProcess() { Stop(); }

  // Starts `bin --port 0 [--tls --tls-cert-out cert]` and returns the base URL from its first
  // stdout line. Throws on failure.
  std::string Start(const std::string& bin, bool tls, const std::string& cert_out);
  void Stop();

 private:
  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
};

// The workos-mock to start for --target mock: beside this executable when installed (bin/),
// else the one it was built with.
std::string DefaultMockBin();

}  // namespace conformance
