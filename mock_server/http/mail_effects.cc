// What happens after POST /passwordless/sessions/{id}/send succeeds: the simulated email security
// scanner visits the link (real HTTP requests to this server, so they are in the journal like any
// other visit), then the email is delivered over SMTP when an SMTP URL is set. All of it is I/O
// and runs outside the environment's lock; results are recorded on the outbox entry.
#include "domain/ids.h"
#include "http/server.h"
#include "http/smtp.h"

namespace workos_mock {
namespace {

// "https://app.test:8443/cb?code=1" -> {"https://app.test:8443", "/cb?code=1"}
std::pair<std::string, std::string> SplitUrl(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return {"", url};
  auto slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

// httplib's client hands out Location percent-decoded; encode what cannot go on a request line.
std::string ReencodeUrl(const std::string& url) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' ||
        c == '}' || c == '|' || c == '\\' || c == '^') {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::unique_ptr<httplib::Client> ClientFor(const std::string& origin) {
  auto client = std::make_unique<httplib::Client>(origin);
  client->set_connection_timeout(5, 0);
  client->set_read_timeout(10, 0);
  client->set_follow_location(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  // A scanner does not care whose certificate it sees (and the mock's own may be self-signed).
  client->enable_server_certificate_verification(false);
#endif
  return client;
}

const httplib::Headers& ScannerHeaders() {
  static const httplib::Headers headers = {
      {"User-Agent", kScannerUserAgent},
      {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}};
  return headers;
}

}  // namespace

void MockServer::AfterSend(const std::shared_ptr<Environment>& env, const Email& email) {
  const ScannerSettings scanner = env->scanner();
  if (scanner.mode != "off") {
    if (Environment::ScannerAllowlisted(scanner, email.to)) {
      env->RecordScan(email.id, {0, scanner.mode, "skipped_allowlisted",
                                 "the recipient is on the scanner's allow-list"});
    } else if (scanner.delay_ms == 0) {
      RunScan(env, email, scanner);  // synchronous: when the send returns, the scan happened
    } else {
      // The environment may be dropped meanwhile; the shared_ptr keeps it alive for the job.
      worker_.Schedule(std::chrono::milliseconds(scanner.delay_ms),
                       [this, env, email, scanner] { RunScan(env, email, scanner); });
    }
  }

  const std::string smtp_url = env->smtp_url().empty() ? options_.smtp_url : env->smtp_url();
  if (!smtp_url.empty()) {
    const std::string error = SendSmtp(smtp_url, email, env->NowMs());
    env->RecordDelivery(email.id, {error.empty() ? "sent" : "failed", error, env->NowMs()});
  }
}

void MockServer::RunScan(const std::shared_ptr<Environment>& env, const Email& email,
                         const ScannerSettings& settings) {
  ScanResult result;
  result.mode = settings.mode;
  result.visited_ms = env->NowMs();
  // The mock's own listener, whatever public URL the link shows.
  auto [link_origin, link_path] = SplitUrl(email.link);
  (void)link_origin;
  auto client = ClientFor(base_url_);
  if (settings.mode == "head") {
    auto res = client->Head(link_path.c_str(), ScannerHeaders());
    if (!res) {
      result.outcome = "failed";
      result.detail = "HEAD on the link failed: " + httplib::to_string(res.error());
    } else {
      result.outcome = "head_only";
      result.detail = "HEAD on the link answered " + std::to_string(res->status);
    }
    env->RecordScan(email.id, result);
    return;
  }
  auto res = client->Get(link_path.c_str(), ScannerHeaders());
  if (!res) {
    result.outcome = "failed";
    result.detail = "GET on the link failed: " + httplib::to_string(res.error());
  } else if (res->status != 302) {
    result.outcome = "not_consumed";
    result.detail = "the link answered " + std::to_string(res->status) +
                    " (already used or expired before the scan)";
  } else {
    result.outcome = "consumed";
    result.detail = "the link answered 302";
    const std::string location = ReencodeUrl(res->get_header_value("Location"));
    if (settings.mode == "prefetch_follow" && !location.empty()) {
      auto [origin, path] = SplitUrl(location);
      auto app = ClientFor(origin);
      auto followed = app->is_valid() ? app->Get(path.c_str(), ScannerHeaders())
                                      : httplib::Result(nullptr, httplib::Error::Unknown);
      if (followed) {
        result.outcome = "followed";
        result.detail = "the app's callback answered " + std::to_string(followed->status);
      } else {
        result.detail = "following the redirect to the app's callback failed: " +
                        httplib::to_string(followed.error());
      }
    }
  }
  env->RecordScan(email.id, result);
}

}  // namespace workos_mock
