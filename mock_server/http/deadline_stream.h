// httplib's view of one connection (plain or TLS) on a non-blocking socket, every wait bounded:
// reads by min(io timeout, the current request's deadline) and end at shutdown; writes by the io
// timeout (shortened to a grace period once shutting down).
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

#include "http/connection_server.h"

namespace workos_mock {

class DeadlineStream : public httplib::Stream {
 public:
  // `wake_fd` becomes readable and `shutting_down` true at shutdown: waits for the client end.
  DeadlineStream(int fd, SSL* ssl, const ConnectionLimits& limits, int wake_fd,
                 const std::atomic<bool>& shutting_down)
      : fd_(fd), ssl_(ssl), limits_(limits), wake_fd_(wake_fd), shutting_down_(shutting_down) {}

  // TLS: the handshake, within the handshake deadline.
  bool Handshake();
  // Waits (idle keep-alive) for the first byte of the next request and starts its deadline;
  // false when the client closed, stayed idle too long, or the server is shutting down.
  bool WaitForRequest();

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  // Answers are gathered and sent with one send() when the request is done (Flush), or as soon
  // as kOutLimit bytes are waiting: httplib writes the head and the body separately, and two
  // small segments cost the client a second wake-up.
  ssize_t write(const char* ptr, size_t size) override;
  // Sends what write() gathered; false when the client cannot take it.
  bool Flush();
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

  // After an answer sent before the request's body was read: shut our side and read (and drop)
  // what the client still sends for a moment, so closing does not reset the connection under
  // the answer it has yet to read.
  void LingeringClose();

 private:
  static constexpr std::chrono::milliseconds kLinger{1000};
  static constexpr size_t kLingerBytes = 1 << 20;
  static constexpr std::chrono::milliseconds kShutdownWriteGrace{1000};
  static constexpr size_t kOutLimit = 16384;

  std::chrono::steady_clock::time_point ReadDeadline() const;
  std::chrono::steady_clock::time_point WriteDeadline() const;
  ssize_t Fill();
  ssize_t WriteSome(const char* ptr, size_t size);

  const int fd_;
  SSL* const ssl_;
  const ConnectionLimits& limits_;
  const int wake_fd_;
  const std::atomic<bool>& shutting_down_;
  std::chrono::steady_clock::time_point request_deadline_ =
      std::chrono::steady_clock::time_point::max();
  char buf_[4096];
  size_t off_ = 0, len_ = 0;
  std::string out_;
  // The connection's two addresses, asked of the kernel once (httplib wants them per request).
  mutable std::string remote_ip_, local_ip_;
  mutable int remote_port_ = -1, local_port_ = -1;
};

}  // namespace workos_mock
