// A parallel CI suite is the normal case: thousands of kept-alive or stalled connections, sends
// racing with the scanner, SIGTERM in the middle of long-polls. Time bounds here only catch a
// stall (the healthy figure is a few milliseconds; the stalls they catch were seconds). Clients
// that trickle a request: slow_client_test.cc.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "load_helpers.h"
#include "raw_client.h"
#include "test_server.h"

using namespace workos_mock::testing;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

const std::string kKey = "sk_test_workos_mock";

std::string HealthRequest() { return "GET /health HTTP/1.1\r\nHost: mock\r\n\r\n"; }

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
