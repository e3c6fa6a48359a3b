#include "http/connection_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "http/connection_refuser.h"
#include "http/deadline_stream.h"
#include "http/worker_pool.h"

namespace workos_mock {

using std::chrono::milliseconds;

namespace {

thread_local ConnectionContext* t_context = nullptr;
// Set around a call the worker pool makes on the listener thread for a connection it will not
// serve: process_and_close_socket() then hands the socket to the refuser instead.
thread_local bool t_refuse = false;

}  // namespace

void ConnectionContext::CloseAfterResponse(httplib::Response& res) {
  close_after_response_ = true;
  if (!res.has_header("Connection")) res.set_header("Connection", "close");
}

ConnectionContext* ConnectionContext::Current() { return t_context; }

ConnectionServer::ConnectionServer(ConnectionLimits limits, SSL_CTX* tls)
    : limits_(limits),
      tls_(tls),
      refuser_(std::make_unique<ConnectionRefuser>(limits.max_connections)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  new_task_queue = [this] {
    return new WorkerPool(open_, limits_.max_connections, limits_.warm_workers,
                          [](const std::function<void()>& job) {
                            t_refuse = true;  // job() hands the socket to the refuser at once
                            job();
                            t_refuse = false;
                          });
  };
}

ConnectionServer::~ConnectionServer() {
  Shutdown();
  refuser_.reset();
  if (tls_) SSL_CTX_free(tls_);
  ::close(wake_fd_);
}

void ConnectionServer::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(sleep_mu_);
    shutting_down_ = true;
  }
  sleep_cv_.notify_all();
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));  // stays readable: every waiting poll wakes
  stop();                                       // closes the listening socket
  // httplib's stop() acts only on a running listener: a Shutdown() between bind and
  // listen_after_bind() (a SIGTERM right after the first line) would be lost and the server
  // would then listen for good. Close the socket here, so the listen loop ends at once.
  const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
  if (sock != INVALID_SOCKET) {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
  }
}

bool ConnectionServer::SleepUnlessShutdown(const Clock& clock, milliseconds d) {
  std::unique_lock<std::mutex> lock(sleep_mu_);
  return !clock.WaitFor(sleep_cv_, lock, d, [&] { return shutting_down_.load(); });
}

bool ConnectionServer::process_and_close_socket(socket_t sock) {
  if (t_refuse) {
    refuser_->Add(sock);
    return false;
  }
  Serve(sock);
  ::close(sock);
  return true;
}

void ConnectionServer::Serve(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  int yes = 1;
  // Without it every small reply waits for a delayed ACK (~40 ms).
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));

  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(nullptr, SSL_free);
  if (tls_) {
    ssl.reset(SSL_new(tls_));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) return;
    SSL_set_accept_state(ssl.get());
  }
  DeadlineStream stream(fd, ssl.get(), limits_, wake_fd_, shutting_down_);
  if (ssl && !stream.Handshake()) return;

  bool linger = false;
  for (size_t served = 0; served < limits_.keep_alive_max; ++served) {
    if (!stream.WaitForRequest()) break;
    ConnectionContext context;
    context.started_ = std::chrono::steady_clock::now();
    t_context = &context;
    bool closed_by_request = false;
    const bool last = served + 1 == limits_.keep_alive_max || shutting_down();
    bool ok =
        process_request(stream, last, closed_by_request, std::function<void(httplib::Request&)>());
    t_context = nullptr;
    ok = stream.Flush() && ok;
    if (context.close_after_response()) {
      linger = true;
      break;
    }
    if (!ok || closed_by_request) break;
  }
  if (linger && !shutting_down()) {
    stream.LingeringClose();
  } else if (ssl) {
    SSL_shutdown(ssl.get());  // best effort close_notify; never waits
  }
}

size_t RaiseDescriptorLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? 1048576 : lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? 1048576 : static_cast<size_t>(lim.rlim_cur);
}

size_t DefaultMaxConnections(size_t descriptor_limit) {
  constexpr size_t kReserved = 64;  // listener, eventfds, state file, SMTP, scanner follow-ups
  constexpr size_t kDefaultCap = 4096;
  if (descriptor_limit <= kReserved + 16) return 16;
  return std::min(kDefaultCap, descriptor_limit - kReserved);
}

}  // namespace workos_mock
