// The workos-mock executable itself: its first line, --port-file, SIGTERM, and config errors.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

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

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

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
