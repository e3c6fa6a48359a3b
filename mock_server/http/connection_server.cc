#include "http/connection_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

#include "domain/ids.h"

namespace workos_mock {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

thread_local ConnectionContext* t_context = nullptr;
// Set by the worker pool around a call it makes on the listener thread for a connection over the
// cap: process_and_close_socket() then hands the socket to the refuser instead of serving it.
thread_local bool t_refuse = false;

int MsUntil(Steady::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Steady::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(left, 1 << 30));
}

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout, or when
// `wake_fd` (>= 0) becomes readable (shutdown). POLLHUP/POLLERR count as ready: the next read or
// write reports them.
bool WaitFor(int fd, short events, Steady::time_point deadline, int wake_fd) {
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
    const int n = ::poll(fds, wake_fd >= 0 ? 2 : 1, MsUntil(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (wake_fd >= 0 && fds[1].revents) return false;
    return fds[0].revents != 0;
  }
}

void IpAndPort(const sockaddr_storage& addr, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    port = ntohs(a->sin6_port);
  }
  ip = buf;
}

std::string BusyReply(size_t cap) {
  const std::string body =
      R"({"message":"workos-mock is serving its maximum of )" + std::to_string(cap) +
      R"( open connections (--max-connections); retry shortly, or close idle connections.","code":"server_busy"})";
  return "HTTP/1.1 503 Service Unavailable\r\n"
         "Content-Type: application/json; charset=utf-8\r\n"
         "Retry-After: 1\r\n"
         "X-Request-ID: " +
         UuidV4() +
         "\r\n"
         "Connection: close\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

void ConnectionContext::CloseAfterResponse(httplib::Response& res) {
  close_after_response_ = true;
  if (!res.has_header("Connection")) res.set_header("Connection", "close");
}

ConnectionContext* ConnectionContext::Current() { return t_context; }

// ---------------------------------------------------------------------------------------------
// WorkerPool: httplib's TaskQueue, one job per accepted connection. A job goes to an idle worker
// when there is one and to a new worker otherwise, so a job never waits behind another. Workers
// beyond `warm` retire after a while without work.
class ConnectionServer::WorkerPool : public httplib::TaskQueue {
 public:
  explicit WorkerPool(ConnectionServer& server) : server_(server) {}
  ~WorkerPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    JoinRetiredLocked();
    if (server_.open_.load() >= server_.limits_.max_connections || shutdown_) {
      lock.unlock();
      t_refuse = true;  // fn() hands the socket to the refuser and returns at once
      fn();
      t_refuse = false;
      return;
    }
    ++server_.open_;
    jobs_.push_back(std::move(fn));
    // Every queued job must have an idle worker of its own that will take it.
    if (jobs_.size() > idle_) {
      const uint64_t id = next_id_++;
      try {
        threads_.emplace(id, std::thread([this, id] { Work(id); }));
      } catch (const std::system_error&) {
        // No thread to be had (a pids or memory limit): refuse this one rather than queue it.
        fn = std::move(jobs_.back());
        jobs_.pop_back();
        --server_.open_;
        lock.unlock();
        t_refuse = true;
        fn();
        t_refuse = false;
      }
    } else {
      cv_.notify_one();
    }
  }

  void shutdown() override {
    std::unique_lock<std::mutex> lock(mu_);
    shutdown_ = true;
    cv_.notify_all();
    done_cv_.wait(lock, [&] { return threads_.empty(); });
    JoinRetiredLocked();
  }

 private:
  void Work(uint64_t id) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++idle_;
      const bool woken =
          cv_.wait_for(lock, kRetireAfter, [&] { return !jobs_.empty() || shutdown_; });
      --idle_;
      if (!jobs_.empty()) {
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        job = nullptr;  // the connection's captures go before the count does
        lock.lock();
        --server_.open_;
        continue;
      }
      if (shutdown_) break;
      if (!woken && threads_.size() > server_.limits_.warm_workers) break;  // retire
    }
    auto self = threads_.find(id);
    retired_.push_back(std::move(self->second));
    threads_.erase(self);
    if (threads_.empty()) done_cv_.notify_all();
  }

  void JoinRetiredLocked() {
    // A retired worker has left its loop; joining it only waits for its last few instructions.
    for (auto& t : retired_) t.join();
    retired_.clear();
  }

  static constexpr milliseconds kRetireAfter{10000};
  ConnectionServer& server_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::deque<std::function<void()>> jobs_;
  std::map<uint64_t, std::thread> threads_;
  std::vector<std::thread> retired_;
  uint64_t next_id_ = 0;
  size_t idle_ = 0;
  bool shutdown_ = false;
};

// ---------------------------------------------------------------------------------------------
// Refuser: answers connections over the cap with 503 and closes them gracefully -- what the
// client already sent is read and dropped, the answer sent, our side shut, and the socket kept
// until the client closes (at most kLinger) so a reset never destroys the answer in flight. One
// thread for all of them, so refusing costs no worker.
class ConnectionServer::Refuser {
 public:
  explicit Refuser(size_t cap) : reply_(BusyReply(cap)) {
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    thread_ = std::thread([this] { Loop(); });
  }
  ~Refuser() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    Wake();
    thread_.join();
    for (auto& [fd, deadline] : lingering_) ::close(fd);
    for (auto& [fd, deadline] : incoming_) ::close(fd);
    ::close(wake_);
  }

  void Add(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    Drain(fd);
    (void)::send(fd, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    std::lock_guard<std::mutex> lock(mu_);
    if (incoming_.size() + lingering_.size() >= kMaxLingering) {
      ::close(fd);  // refusals are themselves bounded
      return;
    }
    incoming_.push_back({fd, Steady::now() + kLinger});
    Wake();
  }

 private:
  static constexpr milliseconds kLinger{2000};
  static constexpr size_t kMaxLingering = 4096;

  // Reads what is there; true when the peer has closed (or the socket failed).
  static bool Drain(int fd) {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) continue;
      if (n == 0) return true;
      return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
  }
  void Wake() {
    uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof(one));
  }
  void Loop() {
    std::vector<pollfd> fds;
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        for (auto& entry : incoming_) lingering_.push_back(entry);
        incoming_.clear();
      }
      fds.assign(1, {wake_, POLLIN, 0});
      Steady::time_point next = Steady::now() + std::chrono::hours(1);
      for (auto& [fd, deadline] : lingering_) {
        fds.push_back({fd, POLLIN, 0});
        next = std::min(next, deadline);
      }
      const int n = ::poll(fds.data(), fds.size(), MsUntil(next));
      if (n < 0 && errno != EINTR) return;
      if (fds[0].revents) {
        uint64_t v;
        (void)!::read(wake_, &v, sizeof(v));
      }
      const auto now = Steady::now();
      std::vector<std::pair<int, Steady::time_point>> kept;
      for (size_t i = 0; i < lingering_.size(); ++i) {
        auto [fd, deadline] = lingering_[i];
        const bool closed = fds[i + 1].revents && Drain(fd);
        if (closed || now >= deadline) {
          ::close(fd);
        } else {
          kept.push_back({fd, deadline});
        }
      }
      lingering_.swap(kept);
    }
  }

  const std::string reply_;
  int wake_ = -1;
  std::mutex mu_;
  bool stop_ = false;
  std::vector<std::pair<int, Steady::time_point>> incoming_;
  std::vector<std::pair<int, Steady::time_point>> lingering_;  // only the loop's thread
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// Stream: httplib's view of one connection (plain or TLS) on a non-blocking socket. Reads obey
// min(io timeout, the current request's deadline) and end at shutdown; writes obey the io
// timeout (shortened to a grace period once shutting down).
class ConnectionServer::Stream : public httplib::Stream {
 public:
  Stream(int fd, SSL* ssl, const ConnectionServer& server)
      : fd_(fd), ssl_(ssl), server_(server), limits_(server.limits_) {}

  // TLS: the handshake, within the handshake deadline.
  bool Handshake() {
    const auto deadline = Steady::now() + limits_.handshake_timeout;
    for (;;) {
      ERR_clear_error();
      const int r = SSL_accept(ssl_);
      if (r == 1) return true;
      const int err = SSL_get_error(ssl_, r);
      short events = 0;
      if (err == SSL_ERROR_WANT_READ) events = POLLIN;
      if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
      if (!events || !WaitFor(fd_, events, deadline, server_.wake_fd_)) return false;
    }
  }

  // Waits (idle keep-alive) for the first byte of the next request and starts its deadline;
  // false when the client closed, stayed idle too long, or the server is shutting down.
  bool WaitForRequest() {
    if (server_.shutting_down()) return false;
    if (off_ == len_ && !(ssl_ && SSL_pending(ssl_) > 0) &&
        !WaitFor(fd_, POLLIN, Steady::now() + limits_.idle_timeout, server_.wake_fd_))
      return false;
    request_deadline_ = Steady::now() + limits_.request_timeout;
    return true;
  }

  bool is_readable() const override {
    if (off_ < len_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
    return WaitFor(fd_, POLLIN, ReadDeadline(), server_.wake_fd_);
  }
  bool is_writable() const override { return WaitFor(fd_, POLLOUT, WriteDeadline(), -1); }

  ssize_t read(char* ptr, size_t size) override {
    if (off_ == len_) {
      // Whatever is written must be out before we wait for more (e.g. "100 Continue").
      if (!Flush()) return -1;
      const ssize_t n = Fill();
      if (n <= 0) return n;
    }
    const size_t take = std::min(size, len_ - off_);
    std::memcpy(ptr, buf_ + off_, take);
    off_ += take;
    return static_cast<ssize_t>(take);
  }

  // Answers are gathered and sent with one send() when the request is done (Flush), or as soon
  // as kOutLimit bytes are waiting: httplib writes the head and the body separately, and two
  // small segments cost the client a second wake-up.
  ssize_t write(const char* ptr, size_t size) override {
    if (out_.size() + size <= kOutLimit) {
      out_.append(ptr, size);
      return static_cast<ssize_t>(size);
    }
    if (!Flush()) return -1;
    return WriteSome(ptr, size);
  }

  // Sends what write() gathered; false when the client cannot take it.
  bool Flush() {
    size_t off = 0;
    while (off < out_.size()) {
      const ssize_t n = WriteSome(out_.data() + off, out_.size() - off);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    out_.clear();
    return true;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (remote_port_ < 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof(addr);
      if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        IpAndPort(addr, remote_ip_, remote_port_);
    }
    ip = remote_ip_;
    port = remote_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (local_port_ < 0) {
      sockaddr_storage addr{};
      socklen_t len = sizeof(addr);
      if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        IpAndPort(addr, local_ip_, local_port_);
    }
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return fd_; }

  ssize_t WriteSome(const char* ptr, size_t size) {
    for (;;) {
      short events = 0;
      if (ssl_) {
        ERR_clear_error();
        const int n = SSL_write(ssl_, ptr, static_cast<int>(std::min<size_t>(size, 1 << 30)));
        if (n > 0) return n;
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
        if (err == SSL_ERROR_WANT_READ) events = POLLIN;
      } else {
        const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) events = POLLOUT;
      }
      if (!events || !WaitFor(fd_, events, WriteDeadline(), -1)) return -1;
    }
  }

  // After an answer sent before the request's body was read: shut our side and read (and drop)
  // what the client still sends for a moment, so closing does not reset the connection under
  // the answer it has yet to read.
  void LingeringClose() {
    if (ssl_) SSL_shutdown(ssl_);
    ::shutdown(fd_, SHUT_WR);
    const auto until = Steady::now() + kLinger;
    char scratch[4096];
    size_t dropped = 0;
    while (dropped < kLingerBytes && WaitFor(fd_, POLLIN, until, server_.wake_fd_)) {
      const ssize_t n = ::recv(fd_, scratch, sizeof(scratch), MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
      if (n > 0) dropped += static_cast<size_t>(n);
    }
  }

 private:
  static constexpr milliseconds kLinger{1000};
  static constexpr size_t kLingerBytes = 1 << 20;
  static constexpr milliseconds kShutdownWriteGrace{1000};

  Steady::time_point ReadDeadline() const {
    return std::min(Steady::now() + limits_.io_timeout, request_deadline_);
  }
  Steady::time_point WriteDeadline() const {
    return Steady::now() + (server_.shutting_down()
                                ? std::min(limits_.io_timeout, kShutdownWriteGrace)
                                : limits_.io_timeout);
  }

  ssize_t Fill() {
    off_ = len_ = 0;
    for (;;) {
      short events = 0;
      if (ssl_) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buf_, sizeof(buf_));
        if (n > 0) {
          len_ = static_cast<size_t>(n);
          return n;
        }
        const int err = SSL_get_error(ssl_, n);
        if (err == SSL_ERROR_ZERO_RETURN) return 0;
        if (err == SSL_ERROR_WANT_READ) events = POLLIN;
        if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
      } else {
        const ssize_t n = ::recv(fd_, buf_, sizeof(buf_), 0);
        if (n >= 0) {
          len_ = static_cast<size_t>(n);
          return n;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) events = POLLIN;
      }
      if (!events || !WaitFor(fd_, events, ReadDeadline(), server_.wake_fd_)) return -1;
    }
  }

  const int fd_;
  SSL* const ssl_;
  const ConnectionServer& server_;
  const ConnectionLimits& limits_;
  Steady::time_point request_deadline_ = Steady::time_point::max();
  static constexpr size_t kOutLimit = 16384;
  char buf_[4096];
  size_t off_ = 0, len_ = 0;
  std::string out_;
  // The connection's two addresses, asked of the kernel once (httplib wants them per request).
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

// ---------------------------------------------------------------------------------------------

ConnectionServer::ConnectionServer(ConnectionLimits limits, SSL_CTX* tls)
    : limits_(limits), tls_(tls), refuser_(std::make_unique<Refuser>(limits.max_connections)) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  new_task_queue = [this] { return new WorkerPool(*this); };
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
  Stream stream(fd, ssl.get(), *this);
  if (ssl && !stream.Handshake()) return;

  bool linger = false;
  for (size_t served = 0; served < limits_.keep_alive_max; ++served) {
    if (!stream.WaitForRequest()) break;
    ConnectionContext context;
    context.started_ = Steady::now();
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
