// A parallel CI suite is the normal case: thousands of kept-alive or stalled connections, sends
// racing with the scanner, SIGTERM in the middle of long-polls. Time bounds here only catch a
// stall (the healthy figure is a few milliseconds; the stalls they catch were seconds).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

const std::string kKey = "sk_test_workos_mock";

std::string HealthRequest() { return "GET /health HTTP/1.1\r\nHost: mock\r\n\r\n"; }

// One request on a new connection; its time in ms (-1 when it failed).
double TimedHealth(int port) {
  const auto start = Clock::now();
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/health");
  return res && res->status == 200 ? MsSince(start) : -1;
}

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

TEST_CASE("1,000 idle kept-alive connections do not delay a new request", "[load]") {
  NeedDescriptors(4096);
  workos_mock::ServerOptions options;
  // Opening 1,000 connections takes a while under a sanitizer: the first ones must still be
  // open (kept alive, idle) when the last check reuses them.
  options.idle_timeout_seconds = 120;
  TestServer s(options);
  std::vector<int> idle;
  for (int i = 0; i < 1000; ++i) {
    int fd = ConnectTo(s.port());
    REQUIRE(SendAll(fd, HealthRequest()));
    RawReply r = ReadReply(fd, milliseconds(10000));
    REQUIRE(r.status == 200);
    REQUIRE_FALSE(r.connection_close);  // kept alive: it now holds its connection idle
    idle.push_back(fd);
  }
  double worst = 0;
  for (int i = 0; i < 5; ++i) {
    const double ms = TimedHealth(s.port());
    worst = std::max(worst, ms);
    INFO("a new connection's request took " << ms << " ms with 1,000 idle connections open");
    CHECK(ms >= 0);
    CHECK(ms < 200);
  }
  WARN("with 1,000 idle kept-alive connections open, a new connection's request took at most "
       << worst << " ms");
  // A real call too, from a new connection.
  const auto start = Clock::now();
  Reply created =
      Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"load@example.com"})", kKey);
  CHECK(created.status == 201);
  CHECK(MsSince(start) < 200);
  // The idle connections still work.
  for (int fd : {idle.front(), idle[500], idle.back()}) {
    REQUIRE(SendAll(fd, HealthRequest()));
    CHECK(ReadReply(fd, milliseconds(5000)).status == 200);
  }
  for (int fd : idle) close(fd);
}

TEST_CASE("200 concurrent sends with the scanner on prefetch: 200 consumed links, no stall",
          "[load][scanner][concurrency]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  REQUIRE(Put(s, "/_mock/scanner", R"({"mode":"prefetch"})", env.api_key).status == 200);
  constexpr int kSends = 200;
  std::vector<std::string> ids(kSends);
  for (int i = 0; i < kSends; ++i) {
    Reply r =
        Post(s, "/passwordless/sessions",
             json{{"type", "MagicLink"}, {"email", "u" + std::to_string(i) + "@ex.com"}}.dump(),
             env.api_key);
    REQUIRE(r.status == 201);
    ids[i] = r.json["id"];
  }
  std::vector<double> ms(kSends, -1);
  std::vector<int> status(kSends, 0);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kSends; ++i) {
    threads.emplace_back([&, i] {
      auto client = s.Client();
      client->set_read_timeout(20, 0);
      ready++;
      while (ready.load() < kSends) std::this_thread::yield();
      const auto start = Clock::now();
      auto res =
          client->Post(("/passwordless/sessions/" + ids[i] + "/send").c_str(),
                       {{"Authorization", "Bearer " + env.api_key}}, "{}", "application/json");
      ms[i] = MsSince(start);
      status[i] = res ? res->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  double slowest = 0;
  for (int i = 0; i < kSends; ++i) {
    CHECK(status[i] == 201);
    slowest = std::max(slowest, ms[i]);
  }
  WARN("slowest of " << kSends << " concurrent sends: " << slowest << " ms");
  CHECK(slowest < 1000);
  Reply outbox = Get(s, "/_mock/outbox", env.api_key);
  REQUIRE(outbox.json["data"].size() == static_cast<size_t>(kSends));
  int consumed = 0;
  for (const auto& email : outbox.json["data"])
    consumed += email["scanner"]["outcome"] == "consumed";
  CHECK(consumed == kSends);
  // Each scan is in the journal as a visit of a link, like any other request.
  Reply journal = Get(s, "/_mock/requests", env.api_key);
  int visits = 0;
  for (const auto& entry : journal.json["data"])
    visits += entry["path"] == "/passwordless/[token]/confirm";
  CHECK(visits == kSends);
}

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

TEST_CASE("SIGTERM with 100 open long-polls and 50 stalled clients exits 0 within 2 s",
          "[load][binary]") {
  NeedDescriptors(1024);
  const std::string state = "/tmp/workos-mock-load-" + std::to_string(getpid()) + ".json";
  std::remove(state.c_str());
  MockProcess mock({"--log", "off", "--state-file", state, "--threads", "4"});
  std::vector<int> polls, stalled;
  for (int i = 0; i < 100; ++i) {
    int fd = ConnectTo(mock.port());
    REQUIRE(SendAll(fd,
                    "GET /_mock/outbox/latest?email=nobody%40example.com&wait=60 HTTP/1.1\r\n"
                    "Host: mock\r\nAuthorization: Bearer " +
                        kKey + "\r\n\r\n"));
    polls.push_back(fd);
  }
  for (int i = 0; i < 50; ++i) {
    int fd = ConnectTo(mock.port());
    REQUIRE(SendAll(fd, "POST /passwordless/sessions HTTP/1.1\r\nHost: mo"));
    stalled.push_back(fd);
  }
  // The long-polls are being served (none answers before its 60 s or the shutdown).
  std::this_thread::sleep_for(milliseconds(500));
  CHECK(ReadReply(polls.front(), milliseconds(10)).status == -1);
  const auto start = Clock::now();
  const int code = mock.Stop(SIGTERM);
  const double ms = MsSince(start);
  WARN("SIGTERM with 100 long-polls and 50 stalled clients: exit " << code << " after " << ms
                                                                   << " ms");
  CHECK(code == 0);
  CHECK(ms < 2000);
  // Each long-poll was answered as a timed-out one is (404: nothing arrived).
  int answered = 0;
  for (int fd : polls) answered += ReadReply(fd, milliseconds(1000)).status == 404;
  CHECK(answered == 100);
  for (int fd : stalled) CHECK(WaitClosed(fd, milliseconds(1000)));
  for (int fd : polls) close(fd);
  for (int fd : stalled) close(fd);
  // The state file was written on the way out.
  std::ifstream written(state);
  CHECK(written.good());
  std::remove(state.c_str());
}

TEST_CASE("2,000 simultaneous connections: the cap is served, the rest refused with 503",
          "[load][binary]") {
  NeedDescriptors(4096);
  MockProcess mock({"--log", "off", "--max-connections", "1500", "--idle-timeout", "30"});
  std::vector<int> fds;
  for (int i = 0; i < 2000; ++i) fds.push_back(ConnectTo(mock.port()));
  // Descriptors past 1024 are in use on both sides now; every connection asks something.
  int ok = 0, busy = 0, other = 0;
  for (int fd : fds) {
    if (!SendAll(fd, HealthRequest())) {
      ++other;
      continue;
    }
  }
  for (int fd : fds) {
    RawReply r = ReadReply(fd, milliseconds(10000));
    if (r.status == 200) {
      ++ok;
    } else if (r.status == 503) {
      ++busy;
      CHECK(r.connection_close);
      CHECK(r.head.find("Retry-After: 1") != std::string::npos);
      CHECK(json::parse(r.body, nullptr, false)["code"] == "server_busy");
    } else {
      ++other;
    }
  }
  WARN("2,000 connections, cap 1,500: " << ok << " answered, " << busy << " refused, " << other
                                        << " failed");
  CHECK(ok == 1500);
  CHECK(busy == 500);
  CHECK(other == 0);
  for (int fd : fds) close(fd);
  // Room again once they are gone: the server is healthy.
  bool healthy = false;
  for (int i = 0; i < 50 && !healthy; ++i) {
    healthy = TimedHealth(mock.port()) >= 0;
    if (!healthy) std::this_thread::sleep_for(milliseconds(100));
  }
  CHECK(healthy);
  CHECK(mock.Stop() == 0);
}

TEST_CASE("a delayed scan stuck on a silent app does not hold back another environment's",
          "[load][scanner][concurrency]") {
  // An "app" that accepts connections (the kernel does, from the backlog) and never answers.
  int silent = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(silent >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(silent, 16) == 0);
  REQUIRE(getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const std::string callback = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/cb";

  TestServer s;
  TestEnv stuck = NewEnvironment(s, {{"redirect_uris", {callback}}});
  TestEnv other = NewEnvironment(s);
  REQUIRE(Put(s, "/_mock/scanner", R"({"mode":"prefetch_follow","delay_ms":50})", stuck.api_key)
              .status == 200);
  REQUIRE(Put(s, "/_mock/scanner", R"({"mode":"prefetch","delay_ms":100})", other.api_key).status ==
          200);
  auto send = [&](const TestEnv& env) {
    Reply r = Post(s, "/passwordless/sessions", R"({"type":"MagicLink","email":"a@ex.com"})",
                   env.api_key);
    REQUIRE(r.status == 201);
    const std::string id = r.json["id"];
    REQUIRE(Post(s, "/passwordless/sessions/" + id + "/send", "{}", env.api_key).status == 201);
  };
  send(stuck);
  std::this_thread::sleep_for(milliseconds(20));
  send(other);
  // The other environment's scan is due 100 ms after its send; the stuck follow-up waits for
  // its app for seconds. Before: the second scan waited behind the first one.
  const auto start = Clock::now();
  std::string outcome;
  while (MsSince(start) < 3000) {
    Reply latest = Get(s, "/_mock/outbox/latest", other.api_key);
    outcome = latest.json["scanner"].is_object() ? latest.json["scanner"].value("outcome", "") : "";
    if (!outcome.empty()) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  INFO("the other environment's scan ended after " << MsSince(start) << " ms");
  CHECK(outcome == "consumed");
  CHECK(MsSince(start) < 2000);
  close(silent);
}
