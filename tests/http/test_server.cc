#include "test_server.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "raw_client.h"

namespace workos_mock::testing {

TestServer::TestServer(ServerConfig config, BaseClock clock) {
  ServerOptions options;
  options.threads = 48;
  Start(options, std::move(config), clock);
}

TestServer::TestServer(ServerOptions options, ServerConfig config) {
  Start(std::move(options), std::move(config), BaseClock::kSystem);
}

void TestServer::Start(ServerOptions options, ServerConfig config, BaseClock clock) {
  options.port = 0;
  options.log = "off";
  const Clock& base =
      clock == BaseClock::kFrozen ? static_cast<const Clock&>(frozen_clock_) : system_clock_;
  server_ = std::make_unique<MockServer>(options, std::move(config), base);
  port_ = server_->Bind();
  thread_ = std::thread([this] { server_->Run(); });
  // listen_after_bind() starts accepting immediately; wait until it answers.
  for (int i = 0; i < 200; ++i) {
    if (auto res = Client()->Get("/health"); res && res->status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("test server did not become healthy");
}

TestServer::~TestServer() {
  // A server that never finishes stopping is a hang: after 120 s the test program says where each
  // thread sleeps and aborts, instead of stalling the suite until ctest's timeout.
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mu);
    if (cv.wait_for(lock, std::chrono::seconds(120), [&] { return stopped; })) return;
    std::fprintf(stderr, "TestServer: still stopping after 120 s. Threads:\n%s",
                 DescribeThreads(getpid()).c_str());
    std::abort();
  });
  server_->Stop();
  thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopped = true;
  }
  cv.notify_one();
  watchdog.join();
}

std::unique_ptr<httplib::Client> TestServer::Client() const {
  auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
  c->set_connection_timeout(5, 0);
  c->set_read_timeout(30, 0);
  return c;
}

std::string Reply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

namespace {
Reply Convert(const httplib::Result& r) {
  Reply out;
  if (!r) {
    out.status = -1;
    return out;
  }
  out.status = r->status;
  out.body = r->body;
  out.headers = r->headers;
  out.json = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}
httplib::Headers Auth(const std::string& bearer, httplib::Headers h = {}) {
  if (!bearer.empty()) h.emplace("Authorization", "Bearer " + bearer);
  return h;
}
}  // namespace

Reply Get(const TestServer& s, const std::string& path, const std::string& bearer) {
  return Convert(s.Client()->Get(path.c_str(), Auth(bearer)));
}

Reply Post(const TestServer& s, const std::string& path, const std::string& body,
           const std::string& bearer, const std::string& content_type,
           const httplib::Headers& headers) {
  return Convert(s.Client()->Post(path.c_str(), Auth(bearer, headers), body, content_type.c_str()));
}

Reply Put(const TestServer& s, const std::string& path, const std::string& body,
          const std::string& bearer) {
  return Convert(s.Client()->Put(path.c_str(), Auth(bearer), body, "application/json"));
}

Reply Delete(const TestServer& s, const std::string& path, const std::string& bearer) {
  return Convert(s.Client()->Delete(path.c_str(), Auth(bearer)));
}

TestEnv NewEnvironment(const TestServer& s, const nlohmann::json& body) {
  Reply r = Post(s, "/_mock/environments", body.dump());
  if (r.status != 201) throw std::runtime_error("cannot create environment: " + r.body);
  return {r.json["name"], r.json["api_key"], r.json["client_id"]};
}

std::string PathOf(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

std::string QueryParam(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  if (q == std::string::npos) return "";
  std::string query = url.substr(q + 1);
  auto decode = [](const std::string& in) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '%' && i + 2 < in.size()) {
        out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += in[i] == '+' ? ' ' : in[i];
      }
    }
    return out;
  };
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (decode(pair.substr(0, eq)) == name)
      return eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return "";
}

}  // namespace workos_mock::testing
