// See golive_test_support.h.
#include "golive_test_support.h"

namespace golive_testing {

// "sk_" + kind + "_" + body, never spelled out in the source.
std::string Key(const std::string& kind, const std::string& body) {
  return std::string("sk") + "_" + kind + "_" + body;
}

const g::CheckResult* Find(const std::vector<g::CheckResult>& rs, const std::string& id,
                           const std::string& subject) {
  for (const auto& r : rs) {
    if (r.id == id && (subject.empty() || r.subject == subject)) return &r;
  }
  return nullptr;
}

g::Status StatusOf(const std::vector<g::CheckResult>& rs, const std::string& id,
                   const std::string& subject) {
  const g::CheckResult* r = Find(rs, id, subject);
  INFO("no check " << id);
  REQUIRE(r);
  return r->status;
}

std::string AllDetails(const g::CheckResult& r) {
  std::string s = r.reason;
  for (const auto& d : r.details) s += "\n" + d;
  return s;
}

FakeApp::FakeApp(Behaviour b) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<h1>Home</h1>", "text/html");
  });
  server.Get("/callback", [this, b](const httplib::Request& req, httplib::Response& res) {
    ++callbacks;
    const std::string code = req.get_param_value("code");
    if (req.has_param("error")) {
      ++error_callbacks;
      std::lock_guard<std::mutex> lock(mu);
      error_params.push_back(req.params);
    }
    const bool careful = b != Behaviour::kExchangesWithoutCode && b != Behaviour::kCrashesOnError;
    if (b == Behaviour::kFailsOnError && !req.has_param("code")) {
      res.status = 500;
      res.set_content("Internal Server Error: TypeError: code is undefined", "text/plain");
      return;
    }
    if (careful && req.has_param("error")) {
      res.status = 400;
      res.set_content("<p>Sign-in failed: " + req.get_param_value("error") + "</p>", "text/html");
      return;
    }
    if (b == Behaviour::kNeverExchange) {
      res.set_content("<h1>Welcome!</h1>", "text/html");
      return;
    }
    workos::Config c = config;
    if (b == Behaviour::kWrongClientId) c.client_id = "client_01WRONGWRONGWRONGWRONGWRONG";
    try {
      workos::Client client(c);
      auto result = client.sso().GetProfileAndToken(code);
      if (b == Behaviour::kExchangeThen500) {
        res.status = 500;
        res.set_content("Internal Server Error: session store <down>", "text/plain");
        return;
      }
      res.status = 302;
      res.set_header("Location", "/");
    } catch (const std::exception& e) {
      if (b == Behaviour::kCrashesOnError) {
        // An unhandled rejection ends a Node process: the connection drops without an
        // answer and nothing listens on the port any more.
        if (!stopper.joinable()) stopper = std::thread([this] { server.stop(); });
        res.set_chunked_content_provider("text/html",
                                         [](size_t, httplib::DataSink&) { return false; });
        return;
      }
      res.status = 400;
      res.set_content("sign-in failed", "text/plain");
    }
  });
  port = server.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  thread = std::thread([this] { server.listen_after_bind(); });
  // stop() before the accept loop runs would be lost; wait until it runs.
  for (int i = 0; i < 2000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(server.is_running());
}

FakeApp::~FakeApp() {
  if (stopper.joinable()) stopper.join();
  server.stop();
  if (thread.joinable()) thread.join();
}

workos::CreateEnvironmentOptions WithRedirect(const std::string& uri) {
  workos::CreateEnvironmentOptions o;
  o.redirect_uris = {uri};
  return o;
}

g::AppFlowOptions FlowFor(const testsupport::TestEnv& t, const std::string& callback,
                          int timeout_ms) {
  g::AppFlowOptions o;
  o.mock_url = testsupport::MockBaseUrl();
  o.mock_api_key = t.env.api_key;
  o.callback_url = callback;
  o.exchange_timeout = std::chrono::milliseconds(timeout_ms);
  o.base = testsupport::BaseConfig();
  o.settle = std::chrono::milliseconds(100);
  return o;
}

}  // namespace golive_testing
