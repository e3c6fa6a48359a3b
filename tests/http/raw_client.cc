#include "raw_client.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <regex>
#include <thread>

namespace workos_mock::testing {

using Clock = std::chrono::steady_clock;

MockProcess::MockProcess(std::vector<std::string> args) {
  bool has_port = false;
  for (const auto& a : args) has_port = has_port || a == "--port";
  if (!has_port) args.insert(args.begin(), {"--port", "0"});
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    std::vector<char*> argv;
    args.insert(args.begin(), WORKOS_MOCK_BIN);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(WORKOS_MOCK_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  out_ = fdopen(out[0], "r");
  err_ = fdopen(err[0], "r");
  char line[512] = {0};
  REQUIRE(fgets(line, sizeof line, out_) != nullptr);
  std::cmatch m;
  REQUIRE(std::regex_search(line, m, std::regex(R"(https?://[^ ]+:(\d+))")));
  port_ = std::stoi(m[1]);
}

MockProcess::~MockProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  if (out_) fclose(out_);
  if (err_) fclose(err_);
}

int MockProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  kill(pid_, sig);
  return Wait();
}

namespace {

std::string FirstLine(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return "?";
  char buf[512] = {0};
  const bool got = std::fgets(buf, sizeof buf, f) != nullptr;
  std::fclose(f);
  std::string line = got ? buf : "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\0')) line.pop_back();
  return line;
}

}  // namespace

std::string DescribeThreads(pid_t pid) {
  std::string out;
  const std::string task = "/proc/" + std::to_string(pid) + "/task/";
  if (DIR* dir = opendir(task.c_str())) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] == '.') continue;
      const std::string t = task + e->d_name + "/";
      const std::string stat = FirstLine(t + "stat");
      const size_t close = stat.rfind(')');
      const std::string state = close == std::string::npos ? "?" : stat.substr(close + 2, 1);
      out += std::string("  thread ") + e->d_name + " " + FirstLine(t + "comm") + " state " +
             state + " wchan " + FirstLine(t + "wchan") + "\n";
    }
    closedir(dir);
  }
  return out.empty() ? "  (no /proc entries)\n" : out;
}

int WaitForExit(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL_CHECK("process " << pid << " still running after " << limit.count()
                        << " s; killed. Its threads:\n"
                        << DescribeThreads(pid));
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  return -1;
}

int MockProcess::Wait() {
  if (pid_ <= 0) return -1;
  const int code = WaitForExit(pid_);
  pid_ = -1;
  return code;
}

Finished RunMock(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env) {
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    for (const auto& [k, v] : env) {
      if (v.empty())
        unsetenv(k.c_str());
      else
        setenv(k.c_str(), v.c_str(), 1);
    }
    std::vector<std::string> all = args;
    all.insert(all.begin(), WORKOS_MOCK_BIN);
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(WORKOS_MOCK_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Finished f;
  // Both pipes drained together, so neither can fill up and stall the child.
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_pipes = 2;
  char buf[4096];
  while (open_pipes > 0) {
    if (poll(fds, 2, 60000) <= 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
      } else {
        (i == 0 ? f.out : f.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  f.code = WaitForExit(pid);  // bounded: a child that never ends fails the test, named
  return f;
}

void NeedDescriptors(size_t n) {
  rlimit lim{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &lim) == 0);
  if (lim.rlim_cur >= n) return;
  INFO("this test needs " << n << " descriptors; the hard limit (ulimit -Hn) is " << lim.rlim_max);
  REQUIRE((lim.rlim_max == RLIM_INFINITY || lim.rlim_max >= n));
  lim.rlim_cur = n;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &lim) == 0);
}

int ConnectTo(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int yes = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

namespace {

// recv() with a deadline: >0 bytes, 0 EOF, -1 error/reset, -2 timeout.
ssize_t RecvBefore(int fd, char* buf, size_t size, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return -2;
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return -2;
    ssize_t n = recv(fd, buf, size, 0);
    if (n < 0 && errno == EINTR) continue;
    return n < 0 ? -1 : n;
  }
}

}  // namespace

RawReply ReadReply(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  RawReply reply;
  std::string data;
  char buf[8192];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = RecvBefore(fd, buf, sizeof buf, deadline);
    if (n <= 0) return reply;
    data.append(buf, static_cast<size_t>(n));
  }
  reply.head = data.substr(0, head_end + 2);
  size_t length = 0;
  std::smatch m;
  if (std::regex_search(reply.head, m, std::regex("\r\n[Cc]ontent-[Ll]ength: *(\\d+)\r\n")))
    length = std::stoul(m[1]);
  reply.connection_close =
      std::regex_search(reply.head, std::regex("\r\n[Cc]onnection: *close\r\n"));
  reply.body = data.substr(head_end + 4);
  while (reply.body.size() < length) {
    ssize_t n = RecvBefore(fd, buf, sizeof buf, deadline);
    if (n <= 0) return reply;
    reply.body.append(buf, static_cast<size_t>(n));
  }
  if (std::regex_search(reply.head, m, std::regex("^HTTP/1\\.[01] (\\d{3})")))
    reply.status = std::stoi(m[1]);
  return reply;
}

bool WaitClosed(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char buf[4096];
  for (;;) {
    ssize_t n = RecvBefore(fd, buf, sizeof buf, deadline);
    if (n == -2) return false;
    if (n <= 0) return true;
  }
}

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace workos_mock::testing
