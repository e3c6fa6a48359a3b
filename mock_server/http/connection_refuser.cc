#include "http/connection_refuser.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "domain/ids.h"
#include "http/poll_wait.h"

namespace workos_mock {
namespace {

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

ConnectionRefuser::ConnectionRefuser(size_t cap) : reply_(BusyReply(cap)) {
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { Loop(); });
}

ConnectionRefuser::~ConnectionRefuser() {
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

void ConnectionRefuser::Add(int fd) {
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

// Reads what is there; true when the peer has closed (or the socket failed).
bool ConnectionRefuser::Drain(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return true;
    return !(errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
}

void ConnectionRefuser::Wake() {
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof(one));
}

void ConnectionRefuser::Loop() {
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

}  // namespace workos_mock
