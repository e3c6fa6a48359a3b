// An in-process workos-mock on an ephemeral port, for HTTP tests: the real server, real sockets.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "domain/clock.h"
#include "http/server.h"

namespace workos_mock::testing {

// The server's base clock: the system clock, or one frozen at a fixed instant, so that time
// moves only with POST /_mock/clock/advance and a test can stand exactly on a boundary.
enum class BaseClock { kSystem, kFrozen };

class TestServer {
 public:
  explicit TestServer(ServerConfig config = DefaultConfig(), BaseClock clock = BaseClock::kSystem);
  // With these server options (the port is always ephemeral, the log off).
  explicit TestServer(ServerOptions options, ServerConfig config = DefaultConfig());
  ~TestServer();

  int port() const { return port_; }
  const std::string& base_url() const { return server_->base_url(); }
  // A fresh client per call: tests run requests from many threads.
  std::unique_ptr<httplib::Client> Client() const;

 private:
  void Start(ServerOptions options, ServerConfig config, BaseClock clock);
  SystemClock system_clock_;
  ManualClock frozen_clock_;
  std::unique_ptr<MockServer> server_;
  std::thread thread_;
  int port_ = 0;
};

struct Reply {
  int status = 0;
  std::string body;
  nlohmann::json json;
  httplib::Headers headers;
  std::string header(const std::string& name) const;
};

// Thin helpers over httplib::Client that never throw on non-JSON bodies.
Reply Get(const TestServer& s, const std::string& path, const std::string& bearer = "");
Reply Post(const TestServer& s, const std::string& path, const std::string& body,
           const std::string& bearer = "", const std::string& content_type = "application/json",
           const httplib::Headers& headers = {});
Reply Put(const TestServer& s, const std::string& path, const std::string& body,
          const std::string& bearer);
Reply Delete(const TestServer& s, const std::string& path, const std::string& bearer = "");

// An isolated environment created through the control plane.
struct TestEnv {
  std::string name, api_key, client_id;
};
TestEnv NewEnvironment(const TestServer& s, const nlohmann::json& body = nlohmann::json::object());

// Path + query of an absolute URL ("http://127.0.0.1:1/a?b" -> "/a?b").
std::string PathOf(const std::string& url);
// The value of query parameter `name` in `url`, percent-decoded; "" when absent.
std::string QueryParam(const std::string& url, const std::string& name);

}  // namespace workos_mock::testing
