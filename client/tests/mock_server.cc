#include "mock_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <catch2/catch.hpp>

#ifndef WORKOS_MOCK_BIN
#error "WORKOS_MOCK_BIN must name the workos-mock binary"
#endif

namespace testsupport {

namespace {

class MockProcess {
 public:
  MockProcess() {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    log_ = "/tmp/workos_client_tests." + std::to_string(getpid()) + ".mock.log";
    const std::string& log = log_;
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the tests
      dup2(out[1], STDOUT_FILENO);
      int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      execl(WORKOS_MOCK_BIN, "workos-mock", "--port", "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    fd_ = out[0];

    // The first stdout line: "workos-mock listening on http://127.0.0.1:PORT".
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        Stop();
        throw std::runtime_error("workos-mock did not say it was listening within 20 s");
      }
      char buf[256];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) {
        Stop();
        throw std::runtime_error("workos-mock exited before listening (see " + log + ")");
      }
      line.append(buf, static_cast<size_t>(n));
    }
    line.resize(line.find('\n'));
    const std::string prefix = "workos-mock listening on ";
    if (line.rfind(prefix, 0) != 0) {
      Stop();
      throw std::runtime_error("unexpected first line from workos-mock: " + line);
    }
    url_ = line.substr(prefix.size());
    // Keep draining stdout so the server never blocks on a full pipe.
    drain_ = std::thread([fd = fd_] {
      char buf[4096];
      while (read(fd, buf, sizeof buf) > 0) {
      }
    });
  }

  ~MockProcess() {
    Stop();
    unlink(log_.c_str());  // kept only when the server failed to start
  }

  const std::string& url() const { return url_; }

 private:
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 200; ++i) {  // up to 20 s for in-flight requests to finish
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        pid_ = -1;
      }
    }
    if (drain_.joinable()) drain_.join();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string log_;
  std::string url_;
  std::thread drain_;
};

}  // namespace

const std::string& MockBaseUrl() {
  static MockProcess process;
  return process.url();
}

workos::Config BaseConfig() {
  workos::Config c;
  c.base_url = MockBaseUrl();
  c.connect_timeout = std::chrono::milliseconds(5000);
  c.request_timeout = std::chrono::milliseconds(10000);
  c.total_deadline = std::chrono::milliseconds(60000);
  c.retry.base_delay = std::chrono::milliseconds(50);
  c.retry.max_delay = std::chrono::milliseconds(400);
  return c;
}

namespace {
workos::Environment NewEnvironment(const workos::CreateEnvironmentOptions& options) {
  workos::MockControl admin(BaseConfig());
  return admin.CreateEnvironment(options);
}
}  // namespace

TestEnv::TestEnv(const workos::CreateEnvironmentOptions& options)
    : env(NewEnvironment(options)), config(env.ApplyTo(BaseConfig())), client(config) {}

TestEnv::~TestEnv() {
  try {
    client.mock().DeleteEnvironment(env.name);
  } catch (const std::exception&) {
  }
}

std::string TestEnv::redirect_uri() const {
  for (const auto& r : env.redirect_uris) {
    if (r.is_default) return r.uri;
  }
  return env.redirect_uris.empty() ? "" : env.redirect_uris.front().uri;
}

std::vector<workos::JournalEntry> Requests(workos::MockControl& mock, const std::string& method,
                                           const std::string& path) {
  std::vector<workos::JournalEntry> out;
  for (auto& e : mock.ListRequests()) {
    if (e.method == method && e.path == path) out.push_back(e);
  }
  return out;
}

Run RunCommand(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    close(err[0]);
    close(err[1]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    unsetenv("WORKOS_API_KEY");
    unsetenv("WORKOS_CLIENT_ID");
    unsetenv("WORKOS_BASE_URL");
    for (const std::string& kv : env) {
      size_t eq = kv.find('=');
      setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Run r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (poll(fds, 2, 60000) <= 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string MagicLinkCode(TestEnv& t, const std::string& email, const std::string& state) {
  workos::CreatePasswordlessSessionOptions o;
  o.email = email;
  o.state = state;
  auto session = t.client.passwordless().CreateSession(o);
  REQUIRE(t.client.passwordless().SendSession(session.id));
  auto mail = t.mock().LatestEmail(email, 5);
  REQUIRE(mail);
  REQUIRE(mail->link == session.link);
  auto visit = t.mock().OpenLink(mail->link);
  REQUIRE(visit.status == 302);
  REQUIRE(!visit.code.empty());
  return visit.code;
}

}  // namespace testsupport
