// One attempt over libcurl: Transport::Perform sends one request and returns its response, or
// throws AttemptFailure (classified from curl's error) when there is none. TLS verification is
// always on. Retries and the deadline are Transport::Send's (http.cc).
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "transport_internal.h"
#include "workos/http.h"

namespace workos {

using namespace transport;

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  static_cast<std::string*>(userdata)->append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(userdata);
  std::string line(buffer, size * nitems);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (e.g. after 100 Continue)
  } else {
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      (*headers)[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    }
  }
  return size * nitems;
}

TransportError::Kind Classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::Kind::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::Kind::kConnect;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return TransportError::Kind::kConnectionClosed;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return TransportError::Kind::kTls;
    default:
      return TransportError::Kind::kOther;
  }
}

struct CurlHandle {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~CurlHandle() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
};

}  // namespace

HttpResponse Transport::Perform(const HttpRequest& req, const std::string& url,
                                milliseconds timeout, const std::string& idempotency_key,
                                int attempt) {
  CurlHandle c;
  if (!c.h) throw AttemptFailure{TransportError::Kind::kOther, CURLE_FAILED_INIT, "curl init"};
  CURL* h = c.h;
  char errbuf[CURL_ERROR_SIZE] = {0};
  HttpResponse resp;
  const std::string method = Upper(req.method);

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // TLS verification is always on; there is deliberately no way to turn it off.
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<long long>(
                       1, std::min(config_.connect_timeout.count(), timeout.count()))));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<long long>(1, timeout.count())));
  const std::string ua = UserAgent(config_);
  curl_easy_setopt(h, CURLOPT_USERAGENT, ua.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp.body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);

  if (method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST" || !req.body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.c_str());
    }
  }

  auto add = [&c](const std::string& line) {
    c.headers = curl_slist_append(c.headers, line.c_str());
  };
  add("Expect:");
  if (!req.content_type.empty()) {
    add("Content-Type: " + req.content_type);
  } else if (method == "POST") {
    add("Content-Type:");
  }
  std::string token;
  if (req.auth == Auth::kApiKey) {
    token = config_.api_key;
  } else if (req.auth == Auth::kBearer) {
    token = req.bearer_token;
  }
  if (!token.empty()) add("Authorization: Bearer " + token);
  if (!idempotency_key.empty()) add("Idempotency-Key: " + idempotency_key);
  if (req.control_plane && !config_.mock_admin_token.empty()) {
    add("X-Mock-Admin-Token: " + config_.mock_admin_token);
  }
  for (const auto& [name, value] : req.headers) add(name + ": " + value);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, c.headers);

  const auto t0 = Clock::now();
  CURLcode rc = curl_easy_perform(h);
  const auto ms = duration_cast<milliseconds>(Clock::now() - t0).count();
  const std::string path = ResourcePath(req.path);
  if (rc != CURLE_OK) {
    std::string msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    msg = Scrub(msg, req.bearer_token);
    if (config_.logger) {
      config_.logger("workos: " + method + " " + path + " -> " + msg + " (attempt " +
                     std::to_string(attempt) + ", " + std::to_string(ms) + " ms)");
    }
    throw AttemptFailure{Classify(rc), rc, msg};
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  if (config_.logger) {
    std::string rid = resp.request_id();
    config_.logger("workos: " + method + " " + path + " -> " + std::to_string(resp.status) +
                   (rid.empty() ? "" : " (request id " + Scrub(rid) + ")") + " (attempt " +
                   std::to_string(attempt) + ", " + std::to_string(ms) + " ms)");
  }
  return resp;
}

}  // namespace workos
