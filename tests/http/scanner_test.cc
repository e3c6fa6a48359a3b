// The email-scanner simulation, SMTP delivery failures and the web inbox over real HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <thread>

#include "mail/smtp.h"
#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {

const std::string kScannerUa =
    "Mozilla/5.0 (compatible; workos-mock-scanner/1.0; +safe-links simulation)";

void SetScanner(const TestServer& s, const std::string& key, const json& body) {
  Reply r = Put(s, "/_mock/scanner", body.dump(), key);
  INFO(r.body);
  REQUIRE(r.status == 200);
}

struct Sent {
  std::string session_id, link;
  json email;  // the outbox entry right after the send returned
};

Sent CreateAndSend(const TestServer& s, const std::string& key, const std::string& to) {
  Reply created =
      Post(s, "/passwordless/sessions", json{{"type", "MagicLink"}, {"email", to}}.dump(), key);
  REQUIRE(created.status == 201);
  const std::string id = created.json["id"];
  Reply sent = Post(s, "/passwordless/sessions/" + id + "/send", "{}", key);
  INFO(sent.body);
  REQUIRE(sent.status == 201);
  Reply mail = Get(s, "/_mock/outbox/latest?email=" + to, key);
  REQUIRE(mail.status == 200);
  return {id, created.json["link"], mail.json};
}

Reply Click(const TestServer& s, const std::string& link) {
  auto c = s.Client();
  httplib::Headers h = {{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}};
  auto r = c->Get(PathOf(link).c_str(), h);
  Reply out;
  out.status = r ? r->status : -1;
  if (r) {
    out.body = r->body;
    out.headers = r->headers;
  }
  return out;
}

json Lifecycle(const TestServer& s, const std::string& key, const std::string& id) {
  Reply r = Get(s, "/_mock/passwordless/sessions/" + id, key);
  REQUIRE(r.status == 200);
  return r.json;
}

// Journal entries for magic-link visits, oldest first.
std::vector<json> LinkVisits(const TestServer& s, const std::string& key) {
  Reply r = Get(s, "/_mock/requests", key);
  REQUIRE(r.status == 200);
  std::vector<json> out;
  for (const auto& e : r.json["data"])
    if (e["path"] == "/passwordless/[token]/confirm") out.insert(out.begin(), e);
  return out;
}

int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);  // nothing listens there any more
  return ntohs(addr.sin_port);
}

}  // namespace

// The user's click on a link the scanner used: back to the app with error=access_denied.
static void CheckRefused(const Reply& click) {
  INFO("Location: " << click.header("Location"));
  CHECK(click.status == 302);
  CHECK(QueryParam(click.header("Location"), "error") == "access_denied");
  CHECK(QueryParam(click.header("Location"), "code").empty());
}

TEST_CASE("scanner prefetch consumes the link: the user's click goes back with access_denied",
          "[http][scanner]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  SetScanner(s, env.api_key, {{"mode", "prefetch"}});
  Sent sent = CreateAndSend(s, env.api_key, "ann@corp.example");
  // Synchronous with delay_ms 0: when the send returned, the scan had happened.
  REQUIRE(sent.email["scanner"].is_object());
  CHECK(sent.email["scanner"]["mode"] == "prefetch");
  CHECK(sent.email["scanner"]["outcome"] == "consumed");
  CHECK(std::regex_match(sent.email["scanner"]["visited_at"].get<std::string>(),
                         std::regex("\\d{4}-\\d\\d-\\d\\dT.*Z")));

  Reply click = Click(s, sent.link);
  CheckRefused(click);
  CHECK(QueryParam(click.header("Location"), "error_description").find("already been used") !=
        std::string::npos);

  json life = Lifecycle(s, env.api_key, sent.session_id);
  CHECK(life["state"] == "scanned");
  REQUIRE(life["visits"].size() == 2);
  CHECK(life["visits"][0]["user_agent"] == kScannerUa);
  CHECK(life["visits"][0]["outcome"] == "redirected");
  CHECK(life["visits"][1]["outcome"] == "used");
  CHECK(life["visits"][1]["error"] == "access_denied");

  auto visits = LinkVisits(s, env.api_key);
  REQUIRE(visits.size() == 2);
  CHECK(visits[0]["method"] == "GET");
  CHECK(visits[0]["user_agent"] == kScannerUa);
  CHECK(visits[0]["status"] == 302);
  CHECK(visits[1]["status"] == 302);
  CHECK(visits[1]["user_agent"] != kScannerUa);
}

TEST_CASE("scanner allow-list: allow-listed recipients are skipped and their click works",
          "[http][scanner]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  SetScanner(s, env.api_key,
             {{"mode", "prefetch"}, {"allowlist", {"Trusted.com", "ceo@x.example"}}});
  for (const char* to : {"bob@trusted.com", "Bob@MAIL.Trusted.com", "CEO@x.example"}) {
    INFO(to);
    Sent sent = CreateAndSend(s, env.api_key, to);
    CHECK(sent.email["scanner"]["outcome"] == "skipped_allowlisted");
    CHECK(sent.email["scanner"]["visited_at"].is_null());
    CHECK(Click(s, sent.link).status == 302);
    CHECK(Lifecycle(s, env.api_key, sent.session_id)["state"] == "confirmed");
  }
  Sent other = CreateAndSend(s, env.api_key, "cfo@x.example");
  CHECK(other.email["scanner"]["outcome"] == "consumed");
  CheckRefused(Click(s, other.link));
  int scanned = 0;  // the loop alone could check nothing: count the scanner's visits
  for (const auto& v : LinkVisits(s, env.api_key)) {
    if (v["user_agent"] != kScannerUa) continue;
    ++scanned;
    CHECK(v["status"] == 302);
  }
  CHECK(scanned == 1);  // only the recipient not on the allow-list
}

TEST_CASE(
    "scanner head: its HEAD consumes the link like live, unless the environment is "
    "HEAD-safe",
    "[http][scanner][settings]") {
  TestServer s;
  TestEnv env = NewEnvironment(s);
  SetScanner(s, env.api_key, {{"mode", "head"}});
  Sent eaten = CreateAndSend(s, env.api_key, "dee@corp.example");
  CHECK(eaten.email["scanner"]["mode"] == "head");
  json life = Lifecycle(s, env.api_key, eaten.session_id);
  CHECK(life["state"] == "scanned");
  REQUIRE(life["visits"].size() == 1);
  CHECK(life["visits"][0]["method"] == "HEAD");
  CHECK(life["visits"][0]["outcome"] == "redirected");
  CheckRefused(Click(s, eaten.link));

  REQUIRE(Put(s, "/_mock/settings", R"({"head_consumes_links":false})", env.api_key).status == 200);
  Sent sent = CreateAndSend(s, env.api_key, "dee@corp.example");
  CHECK(sent.email["scanner"]["outcome"] == "head_only");
  CHECK(Lifecycle(s, env.api_key, sent.session_id)["state"] == "sent");
  CHECK(Click(s, sent.link).status == 302);
  CHECK(Lifecycle(s, env.api_key, sent.session_id)["state"] == "confirmed");
  auto visits = LinkVisits(s, env.api_key);
  REQUIRE(visits.size() == 4);  // eaten: HEAD, GET; sent: HEAD, GET
  CHECK(visits[2]["method"] == "HEAD");
  CHECK(visits[2]["user_agent"] == kScannerUa);
  CHECK(visits[2]["status"] == 200);
  CHECK(visits[3]["method"] == "GET");
}

TEST_CASE("scanner prefetch_follow follows the redirect to the app's callback with the code",
          "[http][scanner][concurrency]") {
  // The app: a tiny callback server that records what reaches it.
  httplib::Server app;
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> hits;  // code, user agent
  app.Get("/callback", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu);
    hits.emplace_back(req.get_param_value("code"), req.get_header_value("User-Agent"));
    res.set_content("signed in", "text/plain");
  });
  const int port = app.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread app_thread([&] { app.listen_after_bind(); });
  struct Join {
    httplib::Server& app;
    std::thread& t;
    ~Join() {
      app.stop();
      t.join();
    }
  } join{app, app_thread};

  TestServer s;
  const std::string callback = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  TestEnv env = NewEnvironment(s, {{"redirect_uris", {callback}}});
  SetScanner(s, env.api_key, {{"mode", "prefetch_follow"}});
  Sent sent = CreateAndSend(s, env.api_key, "eve@corp.example");
  CHECK(sent.email["scanner"]["outcome"] == "followed");
  CHECK(sent.email["scanner"]["detail"] == "the app's callback answered 200");
  {
    std::lock_guard<std::mutex> lock(mu);
    REQUIRE(hits.size() == 1);
    CHECK(std::regex_match(hits[0].first, std::regex("[0-9A-Z]{26}")));
    CHECK(hits[0].second == kScannerUa);
  }
  json life = Lifecycle(s, env.api_key, sent.session_id);
  CHECK(life["state"] == "scanned");
  CHECK(life["code"] == hits[0].first);
  CheckRefused(Click(s, sent.link));
}

TEST_CASE("scanner delay_ms scans later on a worker; shutdown with a scan pending is clean",
          "[http][scanner][concurrency]") {
  {
    TestServer s;
    TestEnv env = NewEnvironment(s);
    SetScanner(s, env.api_key, {{"mode", "prefetch"}, {"delay_ms", 300}});
    Sent sent = CreateAndSend(s, env.api_key, "fay@corp.example");
    CHECK(sent.email["scanner"].is_null());  // not yet
    json scanner;
    for (int i = 0; i < 100 && scanner.is_null(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      scanner = Get(s, "/_mock/outbox/latest", env.api_key).json["scanner"];
    }
    REQUIRE(scanner.is_object());
    CHECK(scanner["outcome"] == "consumed");
    CheckRefused(Click(s, sent.link));
  }
  auto start = std::chrono::steady_clock::now();
  {
    TestServer s;
    SetScanner(s, "sk_test_workos_mock", {{"mode", "prefetch"}, {"delay_ms", 60000}});
    CreateAndSend(s, "sk_test_workos_mock", "gus@corp.example");
  }  // destroyed with the scan still pending: dropped, joined, no crash
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("PUT/GET /_mock/scanner validate and report the settings; config key seeds them",
          "[http][scanner]") {
  TestServer s;
  const std::string key = "sk_test_workos_mock";
  Reply got = Get(s, "/_mock/scanner", key);
  REQUIRE(got.status == 200);
  CHECK(got.json["mode"] == "off");
  CHECK(got.json["user_agent"] == kScannerUa);
  Reply bad = Put(s, "/_mock/scanner", R"({"mode":"sniff"})", key);
  CHECK(bad.status == 422);
  CHECK(bad.json["errors"][0]["field"] == "mode");
  CHECK(Put(s, "/_mock/scanner", R"({"mode":"head","delay":1})", key).status == 422);
  CHECK(Put(s, "/_mock/scanner", R"({"mode":"head"})", "sk_test_nope").status == 401);
  SetScanner(s, key, {{"mode", "head"}, {"allowlist", {"A.com"}}, {"delay_ms", 0}});
  CHECK(Get(s, "/_mock/scanner", key).json["allowlist"] == json{"a.com"});
  CHECK(Post(s, "/_mock/reset", "{}", key).status == 200);
  CHECK(Get(s, "/_mock/scanner", key).json["mode"] == "off");

  TestEnv env = NewEnvironment(s, {{"scanner", {{"mode", "prefetch"}}}});
  CHECK(Get(s, "/_mock/scanner", env.api_key).json["mode"] == "prefetch");
  Sent sent = CreateAndSend(s, env.api_key, "hal@corp.example");
  CHECK(sent.email["scanner"]["outcome"] == "consumed");
  // Scanner off: the entry says null, and the default environment was never touched.
  Sent plain = CreateAndSend(s, key, "ivy@corp.example");
  CHECK(plain.email["scanner"].is_null());
  CHECK(plain.email["delivery"].is_null());
}

TEST_CASE("SMTP delivery failure is recorded on the outbox entry; the send is still 201",
          "[http][smtp]") {
  TestServer s;
  const std::string url = "smtp://127.0.0.1:" + std::to_string(ClosedPort());
  TestEnv env = NewEnvironment(s, {{"smtp_url", url}});
  Sent sent = CreateAndSend(s, env.api_key, "jo@corp.example");  // asserts 201
  REQUIRE(sent.email["delivery"].is_object());
  CHECK(sent.email["delivery"]["status"] == "failed");
  CHECK(sent.email["delivery"]["error"].get<std::string>().find("connect") != std::string::npos);
  CHECK(sent.email["delivery"].contains("at"));
  CHECK(Click(s, sent.link).status == 302);  // the link itself is unaffected
  Reply bad = Post(s, "/_mock/environments", R"({"smtp_url":"http://x"})");
  CHECK(bad.status == 422);
  CHECK(bad.json["errors"][0]["field"] == "smtp_url");
}

TEST_CASE("the MIME message is multipart/alternative with text and HTML parts", "[smtp]") {
  workos_mock::Email e;
  e.id = "email_01";
  e.to = "ann@corp.example";
  e.from = "WorkOS <no-reply@workos-mock.dev>";
  e.subject = "Sign in to Café\r\nBcc: evil@x";
  e.text = "line one\nline two " + std::string(200, 'x') + "\n";
  e.html = "<p>" + std::string(3000, 'y') + "</p>";
  e.session_id = "passwordless_session_01";
  CHECK(workos_mock::BareAddress(e.from) == "no-reply@workos-mock.dev");
  CHECK(workos_mock::BareAddress("a@b.c") == "a@b.c");
  const std::string m = workos_mock::MimeMessage(e, 1597297800000, "BOUNDARY");
  CHECK(m.find("Date: Thu, 13 Aug 2020 05:50:00 +0000\r\n") != std::string::npos);
  CHECK(m.find("From: WorkOS <no-reply@workos-mock.dev>\r\n") != std::string::npos);
  CHECK(m.find("To: ann@corp.example\r\n") != std::string::npos);
  CHECK(m.find("Subject: =?UTF-8?B?") != std::string::npos);  // non-ASCII: an encoded word
  CHECK(m.find("\r\nBcc:") == std::string::npos);             // no header injection
  CHECK(m.find("Content-Type: multipart/alternative; boundary=\"BOUNDARY\"") != std::string::npos);
  CHECK(m.find("--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8") != std::string::npos);
  CHECK(m.find("--BOUNDARY\r\nContent-Type: text/html; charset=utf-8") != std::string::npos);
  CHECK(m.find("--BOUNDARY--\r\n") != std::string::npos);
  size_t start = 0;
  while (start < m.size()) {  // every line CRLF-terminated and at most 998 octets (RFC 5322)
    size_t end = m.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 998);
    start = end + 2;
  }
}

TEST_CASE("the web inbox: per environment, escaped, CSP with a nonce, live JSON feed",
          "[http][inbox]") {
  TestServer s;
  TestEnv env = NewEnvironment(s, {{"app_name", "<script>alert(1)</script>"}});
  SetScanner(s, env.api_key, {{"mode", "prefetch"}, {"allowlist", {"ok.example"}}});
  Sent scanned = CreateAndSend(s, env.api_key, "kim@corp.example");
  Sent unused = CreateAndSend(s, env.api_key, "lee@ok.example");
  CreateAndSend(s, "sk_test_workos_mock", "other@default.example");

  Reply page = Get(s, "/_mock/inbox?key=" + env.api_key);
  REQUIRE(page.status == 200);
  CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(page.header("X-Content-Type-Options") == "nosniff");
  CHECK(page.header("Referrer-Policy") == "no-referrer");
  std::smatch m;
  const std::string csp = page.header("Content-Security-Policy");
  REQUIRE(std::regex_search(csp, m, std::regex("script-src 'nonce-([A-Za-z0-9]+)'")));
  CHECK(page.body.find("<script nonce=\"" + m[1].str() + "\">") != std::string::npos);
  CHECK(csp.find("default-src 'none'") != std::string::npos);
  // The app name only ever appears escaped (once in the subject, once double-escaped in srcdoc).
  CHECK(page.body.find("<script>alert(1)") == std::string::npos);
  CHECK(page.body.find("Sign in to &lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page.body.find("sandbox=\"\"") != std::string::npos);
  CHECK(page.body.find("kim@corp.example") != std::string::npos);
  CHECK(page.body.find("other@default.example") == std::string::npos);  // other environment
  CHECK(page.body.find("kim@corp.example") > page.body.find("lee@ok.example"));  // newest first
  CHECK(page.body.find("data-status=\"scanned\"") != std::string::npos);
  CHECK(page.body.find("data-status=\"unused\"") != std::string::npos);
  CHECK(page.body.find("target=\"_blank\" rel=\"noopener noreferrer\"") != std::string::npos);

  Reply by_name = Get(s, "/_mock/inbox?env=" + env.name);
  CHECK(by_name.status == 200);
  CHECK(by_name.body.find("lee@ok.example") != std::string::npos);

  Reply feed = Get(s, "/_mock/inbox.json?key=" + env.api_key);
  REQUIRE(feed.status == 200);
  REQUIRE(feed.json["data"].size() == 2);
  CHECK(feed.json["data"][0]["to"] == "lee@ok.example");
  CHECK(feed.json["data"][0]["link_status"] == "unused");
  CHECK(feed.json["data"][1]["link_status"] == "scanned");
  CHECK(Click(s, unused.link).status == 302);
  CHECK(Get(s, "/_mock/inbox.json?env=" + env.name).json["data"][0]["link_status"] == "used");

  CHECK(Get(s, "/_mock/inbox.json?key=sk_test_nope").status == 404);
  CHECK(Get(s, "/_mock/inbox?key=sk_test_nope").status == 404);
  Reply chooser = Get(s, "/_mock/inbox");
  CHECK(chooser.status == 200);
  CHECK(chooser.body.find("?env=" + env.name) != std::string::npos);
}
