// Slow clients cannot hold the server: clients that trickle a request (plain, or TLS: a
// trickled handshake or request) are closed at their deadlines and delay nobody else. Time
// bounds here only catch a stall (the healthy figure is a few milliseconds).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "load_helpers.h"
#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double TimedTlsHealth(int port) {
  const auto start = Clock::now();
  httplib::SSLClient client("127.0.0.1", port);
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/health");
  return res && res->status == 200 ? MsSince(start) : -1;
}

// The bytes of a TLS ClientHello, as a real client would send them first.
std::string ClientHelloBytes() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);
  SSL_set_connect_state(ssl);
  SSL_do_handshake(ssl);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);
  std::string hello(data, static_cast<size_t>(n));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return hello;
}

// A TLS connection whose handshake is done (blocking), for trickling a request through it.
struct TlsConnection {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  explicit TlsConnection(int port) {
    fd = ConnectTo(port);
    ctx = SSL_CTX_new(TLS_client_method());
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    REQUIRE(SSL_connect(ssl) == 1);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);  // to poll for the server's close
  }
  ~TlsConnection() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
  }
};

}  // namespace

TEST_CASE("trickling clients are closed at the request deadline and delay nobody", "[load]") {
  NeedDescriptors(1024);
  signal(SIGPIPE, SIG_IGN);
  MockProcess mock({"--log", "off", "--request-timeout", "2", "--threads", "2"});
  constexpr int kTricklers = 50;
  std::vector<int> fds;
  std::vector<Clock::time_point> first_byte(kTricklers);
  std::vector<double> closed_after(kTricklers, -1);
  // Half trickle the request line and headers, half declare a 1 MB body and trickle it.
  const std::string head_only =
      "GET /health HTTP/1.1\r\nHost: mock\r\nX-Slow: " + std::string(200, 'a') + "\r\n\r\n";
  const std::string with_body_head =
      "POST /_mock/reset HTTP/1.1\r\nHost: mock\r\nContent-Length: 1000000\r\n\r\n";
  const std::string with_body = with_body_head + std::string(200, '{');
  for (int i = 0; i < kTricklers; ++i) fds.push_back(ConnectTo(mock.port()));
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    std::vector<size_t> sent(kTricklers, 0);
    std::vector<bool> open(kTricklers, true);
    int still_open = kTricklers;
    const auto give_up = Clock::now() + std::chrono::seconds(15);
    while (still_open > 0 && Clock::now() < give_up) {
      for (int i = 0; i < kTricklers; ++i) {
        if (!open[i]) continue;
        const std::string& data = i % 2 ? with_body : head_only;
        bool ok = true;
        if (sent[i] == 0) {
          first_byte[i] = Clock::now();
          if (i % 2) {  // the headers at once, then the body byte by byte
            ok = SendAll(fds[i], with_body_head);
            sent[i] = with_body_head.size();
          }
        }
        ok = ok && sent[i] < data.size() && send(fds[i], &data[sent[i]], 1, MSG_NOSIGNAL) == 1;
        ++sent[i];
        char buf[512];
        const ssize_t n = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
        if (!ok || n == 0 || (n < 0 && errno != EAGAIN)) {
          closed_after[i] = std::chrono::duration<double>(Clock::now() - first_byte[i]).count();
          open[i] = false;
          --still_open;
        }
      }
      std::this_thread::sleep_for(milliseconds(150));
    }
    done = true;
  });
  std::vector<double> normal;
  while (!done) {
    normal.push_back(TimedHealth(mock.port()));
    std::this_thread::sleep_for(milliseconds(100));
  }
  trickler.join();
  for (int fd : fds) close(fd);
  REQUIRE(normal.size() >= 10);
  {
    double worst = 0, first = 1e9, last = 0;
    for (double ms : normal) worst = std::max(worst, ms);
    for (double t : closed_after) first = std::min(first, t), last = std::max(last, t);
    WARN("50 trickling clients (request deadline 2 s): "
         << normal.size() << " normal requests meanwhile, slowest " << worst
         << " ms; tricklers closed " << first << " to " << last << " s in");
  }
  for (double ms : normal) {
    CHECK(ms >= 0);
    CHECK(ms < 200);
  }
  for (int i = 0; i < kTricklers; ++i) {
    INFO("trickler " << i << " was closed " << closed_after[i] << " s after its first byte");
    CHECK(closed_after[i] >= 1.8);
    CHECK(closed_after[i] <= 3.5);
  }
  CHECK(mock.Stop() == 0);
}

TEST_CASE("TLS: trickled handshakes and requests are closed at their deadlines", "[load][tls]") {
  NeedDescriptors(1024);
  signal(SIGPIPE, SIG_IGN);
  MockProcess mock({"--log", "off", "--tls", "--request-timeout", "2", "--handshake-timeout", "2",
                    "--threads", "2"});
  const std::string hello = ClientHelloBytes();
  REQUIRE(hello.size() > 50);
  constexpr int kEach = 25;
  // Handshake tricklers: the ClientHello, one byte at a time.
  std::vector<int> hs;
  std::vector<Clock::time_point> accepted;  // the handshake deadline runs from here
  for (int i = 0; i < kEach; ++i) {
    hs.push_back(ConnectTo(mock.port()));
    accepted.push_back(Clock::now());
  }
  // Request tricklers: a finished handshake, then one byte per TLS record.
  std::vector<std::unique_ptr<TlsConnection>> rq;
  for (int i = 0; i < kEach; ++i) rq.push_back(std::make_unique<TlsConnection>(mock.port()));
  const std::string request =
      "GET /health HTTP/1.1\r\nHost: mock\r\nX-Slow: " + std::string(100, 'a') + "\r\n\r\n";
  const auto start = Clock::now();
  std::vector<double> closed_hs(kEach, -1), closed_rq(kEach, -1);
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    int open = 2 * kEach;
    for (size_t step = 0; open > 0 && MsSince(start) < 15000; ++step) {
      for (int i = 0; i < kEach; ++i) {
        char buf[512];
        if (closed_hs[i] < 0) {
          bool ok = step < hello.size() && send(hs[i], &hello[step], 1, MSG_NOSIGNAL) == 1;
          ssize_t n = recv(hs[i], buf, sizeof buf, MSG_DONTWAIT);
          if (!ok || n == 0 || (n < 0 && errno != EAGAIN)) {
            closed_hs[i] = MsSince(accepted[i]) / 1000;
            --open;
          }
        }
        if (closed_rq[i] < 0) {
          bool ok = step < request.size() && SSL_write(rq[i]->ssl, &request[step], 1) == 1;
          // The server sends nothing but session tickets until it gives up on the request.
          const int n = SSL_read(rq[i]->ssl, buf, sizeof buf);
          const bool still_open = n < 0 && SSL_get_error(rq[i]->ssl, n) == SSL_ERROR_WANT_READ;
          if (!ok || !still_open) {
            closed_rq[i] = MsSince(start) / 1000;
            --open;
          }
        }
      }
      std::this_thread::sleep_for(milliseconds(150));
    }
    done = true;
  });
  std::vector<double> normal;
  while (!done) {
    normal.push_back(TimedTlsHealth(mock.port()));
    std::this_thread::sleep_for(milliseconds(100));
  }
  trickler.join();
  for (int fd : hs) close(fd);
  rq.clear();
  REQUIRE(normal.size() >= 10);
  {
    double worst = 0, first = 1e9, last = 0;
    for (double ms : normal) worst = std::max(worst, ms);
    for (double t : closed_rq) first = std::min(first, t), last = std::max(last, t);
    WARN("TLS: 25 trickled handshakes + 25 trickled requests (deadlines 2 s): "
         << normal.size() << " normal requests meanwhile, slowest " << worst
         << " ms; tricklers closed " << first << " to " << last << " s in");
  }
  for (double ms : normal) {
    CHECK(ms >= 0);
    CHECK(ms < 200);
  }
  for (int i = 0; i < kEach; ++i) {
    INFO("handshake trickler " << i << " closed after " << closed_hs[i] << " s; request trickler "
                               << closed_rq[i] << " s");
    // Handshake deadline from the connection; request deadline from the first byte (sent at
    // once, at `start`).
    CHECK(closed_hs[i] >= 1.7);
    CHECK(closed_hs[i] <= 3.5);
    CHECK(closed_rq[i] >= 1.7);
    CHECK(closed_rq[i] <= 3.5);
  }
  CHECK(mock.Stop() == 0);
}
