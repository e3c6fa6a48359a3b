#include "harness.h"

#include <curl/curl.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <regex>
#include <stdexcept>

namespace conformance {

using nlohmann::json;

Settings& settings() {
  static Settings s;
  return s;
}

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

json HttpResult::json() const { return nlohmann::json::parse(body, nullptr, false); }

namespace {

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* result = static_cast<HttpResult*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) result->headers.clear();  // a new response (e.g. after 100)
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    result->headers[name] = value;
  }
  return size * n;
}

}  // namespace

HttpResult Http(const std::string& method, const std::string& url, const Headers& headers,
                const std::string& body) {
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  HttpResult result;
  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers)
    list = curl_slist_append(list, (name + ": " + value).c_str());
  // A browser-like request: no "Expect: 100-continue", no redirects followed.
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings().ca_file.empty())
    curl_easy_setopt(curl, CURLOPT_CAINFO, settings().ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "workos-conformance (libcurl)");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  if (method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) {
    drift::Recorder::Get().Observe(method, url, headers, body, result.status, result.headers,
                                   result.body);
  }
  if (rc != CURLE_OK) {
    // The URL may carry a link token; say where, not what.
    throw std::runtime_error(method + " " + url.substr(0, url.find('?')) +
                             " failed: " + curl_easy_strerror(rc));
  }
  return result;
}

HttpResult Visit(const std::string& url) {
  return Http("GET", url, {{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
}

std::string Url(const std::string& path) { return settings().base_url + path; }

HttpResult PostJson(const std::string& path, const json& body, const std::string& bearer) {
  Headers h = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
  return Http("POST", Url(path), h, body.dump());
}

std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += workos::UrlEncode(k) + "=" + workos::UrlEncode(v);
  }
  return out;
}

workos::Config BaseConfig() {
  workos::Config c;
  c.base_url = settings().base_url;
  c.ca_file = settings().ca_file;
  c.connect_timeout = std::chrono::seconds(10);
  c.request_timeout = std::chrono::seconds(30);
  c.total_deadline = std::chrono::seconds(60);
  c.user_agent_suffix = "workos-conformance";
  // Every call the client library makes is observed too (a no-op unless recording/comparing).
  c.observer = [](const workos::HttpRequest& req, const std::string& url,
                  const workos::HttpResponse& resp) {
    drift::Recorder& r = drift::Recorder::Get();
    if (!r.active()) return;
    Headers sent = req.headers;
    if (!req.bearer_token.empty()) sent.emplace_back("Authorization", "Bearer " + req.bearer_token);
    if (!req.content_type.empty()) sent.emplace_back("Content-Type", req.content_type);
    r.Observe(req.method, url, sent, req.body, resp.status, resp.headers, resp.body);
  };
  return c;
}

Scenario::Scenario(const json& environment) {
  config_ = BaseConfig();
  if (!IsMock()) {
    config_.api_key = settings().api_key;
    config_.client_id = settings().client_id;
    redirect_uri_ = settings().redirect_uri;
  } else {
    // A fresh, isolated environment for this scenario (the control plane needs no key here).
    HttpResult r = PostJson("/_mock/environments", environment, "");
    if (r.status != 201) {
      throw std::runtime_error("POST /_mock/environments answered " + std::to_string(r.status) +
                               ": " + r.body);
    }
    environment_ = r.json();
    workos::Environment env = environment_.get<workos::Environment>();
    environment_name_ = env.name;
    config_ = env.ApplyTo(config_);
    for (const auto& uri : env.redirect_uris) {
      if (uri.is_default || redirect_uri_.empty()) redirect_uri_ = uri.uri;
    }
  }
  client_ = std::make_unique<workos::Client>(config_);
  // What varies between targets is recorded as its kind; the key never reaches a recording.
  drift::Recorder::Get().Secret("api_key", config_.api_key);
  drift::Recorder::Get().Known("client_id", config_.client_id);
  drift::Recorder::Get().Known("redirect_uri", redirect_uri_);
}

Scenario::~Scenario() {
  if (!IsMock() || environment_name_.empty()) return;
  try {
    client_->mock().DeleteEnvironment(environment_name_);
  } catch (const std::exception&) {
    // Best effort: the mock is stopped at the end of the run anyway.
  }
}

workos::MockControl& Scenario::mock() {
  if (!IsMock()) FAIL("a [mock-only] scenario ran against the live API (bug in the suite)");
  return client_->mock();
}

std::string Scenario::Email(const std::string& local) const {
  static std::atomic<int> counter{0};
  if (!local.empty()) return local + "@" + kDomainA;
  return "user" + std::to_string(std::time(nullptr)) + "-" + std::to_string(++counter) + "@" +
         kDomainA;
}

std::string Scenario::CodeFromMagicLink(const std::string& email, const std::string& state) {
  workos::CreatePasswordlessSessionOptions o;
  o.email = email;
  o.state = state;
  o.redirect_uri = redirect_uri_;
  workos::PasswordlessSession session = client_->passwordless().CreateSession(o);
  HttpResult click = Visit(session.link);
  INFO("first visit of the magic link answered " << click.status << ", Location "
                                                 << click.location());
  REQUIRE(click.status == 302);
  const std::string code = workos::QueryParam(click.location(), "code");
  REQUIRE(!code.empty());
  return code;
}

std::optional<double> ParseIso8601(const std::string& s) {
  static const std::regex re(R"((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z)");
  std::smatch m;
  if (!std::regex_match(s, m, re)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[1]) - 1900;
  tm.tm_mon = std::stoi(m[2]) - 1;
  tm.tm_mday = std::stoi(m[3]);
  tm.tm_hour = std::stoi(m[4]);
  tm.tm_min = std::stoi(m[5]);
  tm.tm_sec = std::stoi(m[6]);
  double seconds = static_cast<double>(timegm(&tm));
  if (m[7].matched) seconds += std::stod("0" + m[7].str());
  return seconds;
}

double NowSeconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() / 1000.0;
}

bool IsUlidId(const std::string& s, const std::string& prefix) {
  static const std::regex ulid("[0-9A-HJKMNP-TV-Z]{26}");
  return s.size() == prefix.size() + 26 && s.compare(0, prefix.size(), prefix) == 0 &&
         std::regex_match(s.substr(prefix.size()), ulid);
}

}  // namespace conformance
