// See state_helpers.h.
#include "state_helpers.h"

#include "raw_client.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <signal.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace workos_mock::testing {

using nlohmann::json;

namespace {

const char* kKey = "sk_test_workos_mock";

}  // namespace

std::string CreateSession(const TestServer& s, const std::string& key, const std::string& email,
                          std::string* id) {
  Reply r = Post(s, "/passwordless/sessions",
                 json({{"email", email}, {"type", "MagicLink"}, {"state", "st"}}).dump(), key);
  REQUIRE(r.status == 201);
  if (id) *id = r.json["id"];
  return r.json["link"];
}

Proc StartMock(const std::string& state_file, const std::string& port_file) {
  std::remove(port_file.c_str());
  Proc p;
  p.pid = fork();
  REQUIRE(p.pid >= 0);
  if (p.pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<std::string> args = {
        WORKOS_MOCK_BIN, "--port",       "0",        "--port-file",         port_file, "--log",
        "off",           "--state-file", state_file, "--state-interval-ms", "200"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(WORKOS_MOCK_BIN, argv.data());
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(port_file);
    if (in >> p.port) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(p.port > 0);
  return p;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

httplib::Result Call(int port, const std::string& method, const std::string& path,
                     const std::string& body, const std::string& type) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5);
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + kKey}};
  if (method == "GET") return c.Get(path.c_str(), h);
  return c.Post(path.c_str(), h, body, type.c_str());
}

}  // namespace workos_mock::testing
