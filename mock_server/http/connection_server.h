// How workos-mock drives cpp-httplib's sockets. httplib parses requests and writes answers; this
// class owns each connection's socket and its life:
//   - one worker per open connection, started on demand (idle ones kept warm, then retired), so
//     no connection ever waits for another to close -- kept-alive pools, slow clients and open
//     long-polls each cost only their own worker (worker_pool.h);
//   - a cap on open connections: beyond it a new connection gets 503 + Retry-After and is closed
//     (connection_refuser.h; the cap is kept below what the descriptor limit allows);
//   - one deadline per request (request line, headers and body, counted from its first byte),
//     one per TLS handshake, one per silent read or write, and one for an idle kept-alive
//     connection -- a client that trickles bytes is closed at the deadline (deadline_stream.h);
//   - Shutdown(): stop accepting, close idle and half-received connections at once, let the
//     requests being handled finish (their connection closes after the answer).
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "domain/clock.h"

namespace workos_mock {

struct ConnectionLimits {
  size_t max_connections = 4096;                      // open connections served at once
  size_t warm_workers = 32;                           // idle workers kept for new connections
  std::chrono::milliseconds idle_timeout{5000};       // kept-alive connection waiting for a request
  std::chrono::milliseconds request_timeout{10000};   // whole request, from its first byte
  std::chrono::milliseconds handshake_timeout{5000};  // TLS handshake, from accept
  std::chrono::milliseconds io_timeout{10000};        // one silent read or write
  size_t keep_alive_max = 1000;                       // requests per connection (nginx's default)
};

// What a handler may ask of the connection that carries its request (thread-local while a
// request is processed; null elsewhere, e.g. for in-process calls).
class ConnectionContext {
 public:
  // The answer is the last on this connection: "Connection: close" is sent and the socket is
  // closed after it (with a short lingering read, so the client still gets the answer). Used when
  // a request is answered before its body was read: the unread body must never be taken for the
  // next request.
  void CloseAfterResponse(httplib::Response& res);
  bool close_after_response() const { return close_after_response_; }

  // For the request log: when the request's first byte arrived, and the environment it was for.
  std::chrono::steady_clock::time_point started() const { return started_; }
  const std::string& environment() const { return environment_; }
  void set_environment(const std::string& name) { environment_ = name; }

  static ConnectionContext* Current();

 private:
  friend class ConnectionServer;
  bool close_after_response_ = false;
  std::chrono::steady_clock::time_point started_;
  std::string environment_;
};

class ConnectionRefuser;

class ConnectionServer : public httplib::Server {
 public:
  // `tls`: an SSL_CTX to serve HTTPS with (owned, freed with the server), or null for HTTP.
  ConnectionServer(ConnectionLimits limits, SSL_CTX* tls);
  ~ConnectionServer() override;

  // Stops accepting and wakes every idle or half-received connection (closed at once); requests
  // being handled finish and their connections close after the answer. listen_after_bind()
  // returns once the last worker is done. Safe to call from any thread, more than once.
  void Shutdown();
  bool shutting_down() const { return shutting_down_.load(); }
  // Waits up to `d` on `clock`; returns early, false, once Shutdown() was called.
  bool SleepUnlessShutdown(const Clock& clock, std::chrono::milliseconds d);

 private:
  // httplib calls this (on a worker) for every accepted socket. It is private in httplib::Server
  // but virtual, which is what makes owning the socket possible.
  bool process_and_close_socket(socket_t sock) override;
  void Serve(int fd);

  const ConnectionLimits limits_;
  SSL_CTX* const tls_;
  int wake_fd_ = -1;  // eventfd, readable once Shutdown() was called
  std::atomic<bool> shutting_down_{false};
  std::atomic<size_t> open_{0};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  std::unique_ptr<ConnectionRefuser> refuser_;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (as Go and many servers do) and returns the
// resulting soft limit: the connection cap must stay below it.
size_t RaiseDescriptorLimit();
// The default cap on open connections for a descriptor limit: room is left for the listening
// socket, state-file writes, SMTP and the scanner's outbound requests.
size_t DefaultMaxConnections(size_t descriptor_limit);

}  // namespace workos_mock
