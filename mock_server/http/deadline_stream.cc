#include "http/deadline_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "http/poll_wait.h"

namespace workos_mock {
namespace {

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

// One of the connection's addresses (getpeername or getsockname), asked of the kernel once.
void CachedAddress(int fd, int (*query)(int, sockaddr*, socklen_t*), std::string& cached_ip,
                   int& cached_port, std::string& ip, int& port) {
  if (cached_port < 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (query(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
      IpAndPort(addr, cached_ip, cached_port);
  }
  ip = cached_ip;
  port = cached_port;
}

}  // namespace

bool DeadlineStream::Handshake() {
  const auto deadline = Steady::now() + limits_.handshake_timeout;
  for (;;) {
    ERR_clear_error();
    const int r = SSL_accept(ssl_);
    if (r == 1) return true;
    const int err = SSL_get_error(ssl_, r);
    short events = 0;
    if (err == SSL_ERROR_WANT_READ) events = POLLIN;
    if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    if (!events || !WaitFor(fd_, events, deadline, wake_fd_)) return false;
  }
}

bool DeadlineStream::WaitForRequest() {
  if (shutting_down_.load()) return false;
  if (off_ == len_ && !(ssl_ && SSL_pending(ssl_) > 0) &&
      !WaitFor(fd_, POLLIN, Steady::now() + limits_.idle_timeout, wake_fd_))
    return false;
  request_deadline_ = Steady::now() + limits_.request_timeout;
  return true;
}

bool DeadlineStream::is_readable() const {
  if (off_ < len_ || (ssl_ && SSL_pending(ssl_) > 0)) return true;
  return WaitFor(fd_, POLLIN, ReadDeadline(), wake_fd_);
}

bool DeadlineStream::is_writable() const { return WaitFor(fd_, POLLOUT, WriteDeadline(), -1); }

ssize_t DeadlineStream::read(char* ptr, size_t size) {
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

ssize_t DeadlineStream::write(const char* ptr, size_t size) {
  if (out_.size() + size <= kOutLimit) {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  if (!Flush()) return -1;
  return WriteSome(ptr, size);
}

bool DeadlineStream::Flush() {
  size_t off = 0;
  while (off < out_.size()) {
    const ssize_t n = WriteSome(out_.data() + off, out_.size() - off);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  out_.clear();
  return true;
}

void DeadlineStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  CachedAddress(fd_, ::getpeername, remote_ip_, remote_port_, ip, port);
}

void DeadlineStream::get_local_ip_and_port(std::string& ip, int& port) const {
  CachedAddress(fd_, ::getsockname, local_ip_, local_port_, ip, port);
}

void DeadlineStream::LingeringClose() {
  if (ssl_) SSL_shutdown(ssl_);
  ::shutdown(fd_, SHUT_WR);
  const auto until = Steady::now() + kLinger;
  char scratch[4096];
  size_t dropped = 0;
  while (dropped < kLingerBytes && WaitFor(fd_, POLLIN, until, wake_fd_)) {
    const ssize_t n = ::recv(fd_, scratch, sizeof(scratch), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) break;
    if (n > 0) dropped += static_cast<size_t>(n);
  }
}

Steady::time_point DeadlineStream::ReadDeadline() const {
  return std::min(Steady::now() + limits_.io_timeout, request_deadline_);
}

Steady::time_point DeadlineStream::WriteDeadline() const {
  return Steady::now() + (shutting_down_.load() ? std::min(limits_.io_timeout, kShutdownWriteGrace)
                                                : limits_.io_timeout);
}

ssize_t DeadlineStream::Fill() {
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
    if (!events || !WaitFor(fd_, events, ReadDeadline(), wake_fd_)) return -1;
  }
}

ssize_t DeadlineStream::WriteSome(const char* ptr, size_t size) {
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

}  // namespace workos_mock
