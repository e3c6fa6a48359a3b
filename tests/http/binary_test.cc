// The workos-mock executable itself: its first line, --port-file, SIGTERM, config errors, and
// its network rules (port ownership, control-plane access, stalled clients, TLS versions).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "raw_client.h"
#include "test_server.h"

namespace {

struct Process {
  pid_t pid = -1;
  FILE* out = nullptr;
  FILE* err = nullptr;
};

Process Spawn(std::vector<std::string> args) {
  int out[2], err[2];
  REQUIRE(pipe(out) == 0);
  REQUIRE(pipe(err) == 0);
  Process p;
  p.pid = fork();
  REQUIRE(p.pid >= 0);
  if (p.pid == 0) {
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
  p.out = fdopen(out[0], "r");
  p.err = fdopen(err[0], "r");
  return p;
}

std::string ReadLine(FILE* f) {
  char buf[4096];
  return fgets(buf, sizeof buf, f) ? std::string(buf) : std::string();
}

std::string ReadAll(FILE* f) {
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

int Wait(pid_t pid) { return workos_mock::testing::WaitForExit(pid); }

}  // namespace

TEST_CASE("workos-mock --port 0 prints its address first, writes --port-file, exits 0 on SIGTERM",
          "[binary]") {
  const std::string port_file = "/tmp/workos-mock-test-" + std::to_string(getpid()) + ".port";
  Process p = Spawn({"--port", "0", "--port-file", port_file, "--log", "off"});
  std::string line = ReadLine(p.out);
  std::smatch m;
  REQUIRE(std::regex_match(line, m,
                           std::regex("workos-mock listening on http://127\\.0\\.0\\.1:(\\d+)\n")));
  const int port = std::stoi(m[1]);
  std::ifstream pf(port_file);
  int written = 0;
  pf >> written;
  CHECK(written == port);
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
  // The embedded default environment works with zero set-up.
  auto session =
      client.Post("/passwordless/sessions", {{"Authorization", "Bearer sk_test_workos_mock"}},
                  R"({"type":"MagicLink","email":"a@example.com"})", "application/json");
  REQUIRE(session);
  CHECK(session->status == 201);
  kill(p.pid, SIGTERM);
  CHECK(Wait(p.pid) == 0);
  std::remove(port_file.c_str());
  fclose(p.out);
  fclose(p.err);
}

TEST_CASE("a bad config file stops the server with a message naming the key path", "[binary]") {
  const std::string path = "/tmp/workos-mock-bad-" + std::to_string(getpid()) + ".json";
  std::ofstream(path)
      << R"({"environments":[{"name":"p","kind":"production","api_keys":["sk_live_x"],
    "client_id":"client_x","redirect_uris":["http://app.example.com/cb"]}]})";
  Process p = Spawn({"--port", "0", "--config", path});
  std::string err = ReadAll(p.err);
  CHECK(Wait(p.pid) == 2);
  CHECK(err.find(path + ": environments[0].redirect_uris[0]") != std::string::npos);
  CHECK(err.find("https_required") != std::string::npos);
  std::remove(path.c_str());
  fclose(p.out);
  fclose(p.err);
}

TEST_CASE("unknown flags are usage errors (exit 2)", "[binary]") {
  Process p = Spawn({"--frobnicate"});
  std::string err = ReadAll(p.err);
  CHECK(Wait(p.pid) == 2);
  CHECK(err.find("unknown option '--frobnicate'") != std::string::npos);
  fclose(p.out);
  fclose(p.err);
}

TEST_CASE("--tls serves HTTPS with a generated certificate that clients can trust",
          "[binary][tls]") {
  const std::string pem = "/tmp/workos-mock-test-" + std::to_string(getpid()) + "-cert.pem";
  Process p = Spawn({"--port", "0", "--tls", "--tls-cert-out", pem, "--log", "off"});
  std::string line = ReadLine(p.out);
  std::smatch m;
  REQUIRE(std::regex_match(
      line, m, std::regex("workos-mock listening on https://127\\.0\\.0\\.1:(\\d+)\n")));
  std::string err_line = ReadLine(p.err);
  CHECK(err_line.find(pem) != std::string::npos);
  httplib::SSLClient trusted("127.0.0.1", std::stoi(m[1]));
  trusted.set_ca_cert_path(pem.c_str());
  trusted.enable_server_certificate_verification(true);
  auto health = trusted.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  // Without the CA file verification fails: TLS is real, not silently off.
  httplib::SSLClient untrusted("127.0.0.1", std::stoi(m[1]));
  untrusted.enable_server_certificate_verification(true);
  untrusted.set_ca_cert_path("/nonexistent.pem");
  CHECK_FALSE(untrusted.Get("/health"));
  kill(p.pid, SIGTERM);
  CHECK(Wait(p.pid) == 0);
  std::remove(pem.c_str());
  fclose(p.out);
  fclose(p.err);
}

namespace {

int SpawnedPort(Process& p) {
  std::string line = ReadLine(p.out);
  std::smatch m;
  REQUIRE(std::regex_search(line, m, std::regex(":(\\d+)\n$")));
  return std::stoi(m[1]);
}

void Stop(Process& p) {
  kill(p.pid, SIGTERM);
  CHECK(Wait(p.pid) == 0);
  fclose(p.out);
  fclose(p.err);
}

// This machine's first IPv4 address outside 127.0.0.0/8 (on any interface that is up, lo
// included: tests/http/with_lan_address.sh may put one there); "" when it has none.
std::string NonLoopbackAddress() {
  std::string found;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || !(a->ifa_flags & IFF_UP)) continue;
    char buf[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf) &&
        std::string(buf).rfind("127.", 0) != 0)
      found = buf;
  }
  freeifaddrs(list);
  return found;
}

int ConnectTcp(const std::string& host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

int ControlStatus(const std::string& host, int port, const std::string& admin_token) {
  httplib::Client c(host, port);
  httplib::Headers h = {{"Authorization", "Bearer sk_test_workos_mock"}};
  if (!admin_token.empty()) h.emplace("X-Mock-Admin-Token", admin_token);
  auto res = c.Get("/_mock/clock", h);
  REQUIRE(res);
  return res->status;
}

}  // namespace

TEST_CASE("a second workos-mock on a busy port fails to start instead of sharing it", "[binary]") {
  // httplib's default SO_REUSEPORT would let both bind and split the traffic between them.
  Process first = Spawn({"--port", "0", "--log", "off"});
  const int port = SpawnedPort(first);
  Process second = Spawn({"--port", std::to_string(port), "--log", "off"});
  const std::string first_line = ReadLine(second.out);  // "" once it exits; a server never does
  CHECK(first_line.find("listening") == std::string::npos);
  if (!first_line.empty()) kill(second.pid, SIGTERM);
  const std::string err = ReadAll(second.err);
  CHECK(Wait(second.pid) == 1);
  CHECK(err.find("cannot bind 127.0.0.1:" + std::to_string(port)) != std::string::npos);
  fclose(second.out);
  fclose(second.err);
  Stop(first);
}

TEST_CASE("the control plane: loopback only, or the admin token from everyone",
          "[binary][security]") {
  SECTION("without --admin-token, loopback clients") {
    Process p = Spawn({"--host", "0.0.0.0", "--port", "0", "--log", "off"});
    const int port = SpawnedPort(p);
    CHECK(ControlStatus("127.0.0.1", port, "") == 200);
    CHECK(ControlStatus("127.0.0.1", port, "anything") == 200);
    Stop(p);
  }
  SECTION("with --admin-token, the token is required, loopback included") {
    Process p = Spawn(
        {"--host", "0.0.0.0", "--port", "0", "--log", "off", "--admin-token", "s3cret-admin"});
    const int port = SpawnedPort(p);
    CHECK(ControlStatus("127.0.0.1", port, "") == 403);
    CHECK(ControlStatus("127.0.0.1", port, "s3cret-admin") == 200);
    CHECK(ControlStatus("127.0.0.1", port, "s3cret-admix") == 403);
    CHECK(ControlStatus("127.0.0.1", port, "s3cret-admin-and-more") == 403);
    Stop(p);
  }
}

// Needs an IPv4 address outside 127.0.0.0/8, so it is hidden ([.]) from a plain run: the CTest
// entry http_lan runs it through tests/http/with_lan_address.sh, which uses this machine's
// address, or makes one in a private network namespace, or else reports the test as skipped.
TEST_CASE("the control plane from a non-loopback client: refused, unless the admin token",
          "[.][lan]") {
  const std::string lan = NonLoopbackAddress();
  INFO("run through tests/http/with_lan_address.sh (ctest -R http_lan)");
  REQUIRE_FALSE(lan.empty());
  SECTION("without --admin-token: 403 from " + lan + ", the public API still answers") {
    Process p = Spawn({"--host", "0.0.0.0", "--port", "0", "--log", "off"});
    const int port = SpawnedPort(p);
    httplib::Client c(lan, port);
    auto res = c.Get("/_mock/clock", {{"Authorization", "Bearer sk_test_workos_mock"}});
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(nlohmann::json::parse(res->body)["message"].get<std::string>().find("--admin-token") !=
          std::string::npos);
    CHECK(ControlStatus(lan, port, "anything") == 403);  // no token configured: no way in
    auto health = c.Get("/health");                      // the public API is not restricted
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(ControlStatus("127.0.0.1", port, "") == 200);
    Stop(p);
  }
  SECTION("with --admin-token: the token lets " + lan + " in") {
    Process p = Spawn(
        {"--host", "0.0.0.0", "--port", "0", "--log", "off", "--admin-token", "s3cret-admin"});
    const int port = SpawnedPort(p);
    CHECK(ControlStatus(lan, port, "") == 403);
    CHECK(ControlStatus(lan, port, "s3cret-admix") == 403);
    CHECK(ControlStatus(lan, port, "s3cret-admin") == 200);
    Stop(p);
  }
}

TEST_CASE("a stalled client is cut off after --io-timeout and does not hold a worker for good",
          "[binary][security]") {
  Process p = Spawn({"--port", "0", "--log", "off", "--threads", "2", "--io-timeout", "1"});
  const int port = SpawnedPort(p);
  // Two clients take both workers and stop mid-request (headers never finished).
  int stalled[2];
  for (int& fd : stalled) {
    fd = ConnectTcp("127.0.0.1", port);
    const std::string partial = "POST /passwordless/sessions HTTP/1.1\r\nHost: x\r\nContent-Le";
    REQUIRE(send(fd, partial.data(), partial.size(), 0) == static_cast<ssize_t>(partial.size()));
  }
  // A third client is still served: the stalled ones are dropped after about a second. (With
  // no timeout it would wait for ever and this request would time out.)
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(8, 0);
  auto health = c.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  for (int fd : stalled) {
    timeval tv{8, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
    }
    CHECK(n == 0);  // closed by the server, not our 8 s receive timeout (-1)
    close(fd);
  }
  Stop(p);
}

TEST_CASE("--tls refuses TLS 1.0 and 1.1 and speaks TLS 1.2+", "[binary][tls][security]") {
  Process p = Spawn({"--port", "0", "--tls", "--log", "off", "--tls-cert-out",
                     "/tmp/workos-mock-tlsver-" + std::to_string(getpid()) + ".pem"});
  const int port = SpawnedPort(p);
  ReadLine(p.err);  // the certificate path
  auto handshake = [port](int max_version) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx, 0);  // let the client offer the old protocols at all
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, max_version);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    const int fd = ConnectTcp("127.0.0.1", port);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    const int version = SSL_connect(ssl) == 1 ? SSL_version(ssl) : 0;
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return version;
  };
  CHECK(handshake(TLS1_VERSION) == 0);
  CHECK(handshake(TLS1_1_VERSION) == 0);
  CHECK(handshake(TLS1_2_VERSION) == TLS1_2_VERSION);
  CHECK(handshake(TLS1_3_VERSION) == TLS1_3_VERSION);
  Stop(p);
  std::remove(("/tmp/workos-mock-tlsver-" + std::to_string(getpid()) + ".pem").c_str());
}

TEST_CASE("SIGTERM at once after the first line is never lost", "[binary]") {
  // The first line is printed before the server starts listening: a SIGTERM in between used to
  // be dropped, and the server then listened for good.
  for (int i = 0; i < 20; ++i) {
    workos_mock::testing::MockProcess mock({"--log", "off"});
    kill(mock.pid(), SIGTERM);
    int status = 0;
    pid_t done = 0;
    for (int waited = 0; waited < 500 && done == 0; ++waited) {
      done = waitpid(mock.pid(), &status, WNOHANG);
      if (done == 0) usleep(10000);
    }
    INFO("start " << i);
    REQUIRE(done == mock.pid());  // within 5 s
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    mock.Forget();
  }
}

// The helpers' bound on a child that never exits: the test fails (with its threads' states)
// instead of stalling the suite. [!shouldfail]: this case passes only if that failure happens.
TEST_CASE("a child that outlives WaitForExit's limit fails the test and is killed",
          "[binary][!shouldfail]") {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto start = std::chrono::steady_clock::now();
  const int code = workos_mock::testing::WaitForExit(pid, std::chrono::seconds(1));
  CHECK(code == -1);
  CHECK(kill(pid, 0) != 0);  // reaped: no such process any more
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}
