// Test helpers below httplib::Client: the workos-mock executable as a child process, and raw
// sockets that can do what a well-behaved client never does (trickle bytes, hold connections
// idle by the thousand, stall mid-request).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace workos_mock::testing {

// Waits for child `pid` to end and returns its exit code (128+N when killed by signal N). A child
// still running after `limit` is a hang, not a slow machine: the test fails naming what each of
// its threads was blocked in (/proc), and the child is killed, so the suite reports it instead of
// stalling until ctest's timeout. Returns -1 then.
int WaitForExit(pid_t pid, std::chrono::seconds limit = std::chrono::seconds(120));
// One line per thread of process `pid`: its id, name, state and the kernel function it sleeps in.
std::string DescribeThreads(pid_t pid);

// The built workos-mock, started with `args` (plus --port 0 unless a --port is given); the port
// comes from its first stdout line. Killed (SIGKILL) on destruction unless Stop() reaped it.
class MockProcess {
 public:
  explicit MockProcess(std::vector<std::string> args);
  ~MockProcess();
  MockProcess(const MockProcess&) = delete;
  MockProcess& operator=(const MockProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  FILE* err() const { return err_; }
  // Sends `sig` and waits; the exit code (128+N when killed by signal N).
  int Stop(int sig = SIGTERM);
  // Waits for the process to end; the exit code as Stop() gives it.
  int Wait();
  // The caller reaped the process itself: nothing is left to stop.
  void Forget() { pid_ = -1; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  FILE* err_ = nullptr;
  int port_ = 0;
};

// The built workos-mock run to its end with `args` exactly as given (nothing added) and `env`
// added to this process's environment ("" unsets a variable); stdin is /dev/null.
struct Finished {
  int code = -1;  // exit status; 128+N when killed by signal N
  std::string out, err;
};
Finished RunMock(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {});

// Raises this process's soft descriptor limit to at least `n` (FAILs when the hard limit is
// lower: the test then cannot show what it is about).
void NeedDescriptors(size_t n);

// A blocking TCP connection to 127.0.0.1:port (REQUIREs success).
int ConnectTo(int port);
bool SendAll(int fd, const std::string& data);

struct RawReply {
  int status = -1;  // -1: no complete answer (closed, reset or timed out)
  std::string head;
  std::string body;
  bool connection_close = false;
};
// Reads one HTTP/1.1 answer (Content-Length bodies) within `timeout`.
RawReply ReadReply(int fd, std::chrono::milliseconds timeout);
// Waits until the server closes the connection (EOF or reset), discarding what it sends; false
// when it is still open after `timeout`.
bool WaitClosed(int fd, std::chrono::milliseconds timeout);

// Milliseconds elapsed since `start`.
double MsSince(std::chrono::steady_clock::time_point start);

}  // namespace workos_mock::testing
