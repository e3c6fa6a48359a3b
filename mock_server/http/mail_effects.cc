// What happens after POST /passwordless/sessions/{id}/send succeeds: the simulated email security
// scanner visits the link, then the email is delivered over SMTP when an SMTP URL is set. Neither
// can fail the send, and both are recorded on the outbox entry.
//
// The scanner's visit is answered inside the process, through the link's own route (faults, the
// journal and the session's visits record it exactly like a visit over a socket), not by an HTTP
// request to ourselves: a request to ourselves needs a second worker while the send holds one,
// and under load (a parallel suite sending at once) that deadlocked until the visit timed out and
// the link stayed usable. Only the follow-up to the app's callback (prefetch_follow) is real HTTP,
// to the app.
#include "domain/ids.h"
#include "http/journal.h"
#include "http/server.h"
#include "mail/smtp.h"

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

// The percent-decoded value of query parameter `name` in `url`; "" when absent.
std::string QueryValue(const std::string& url, const std::string& name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return "";
  httplib::Params params;
  httplib::detail::parse_query_text(url.substr(q + 1), params);
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
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
  const bool head = settings.mode == "head";
  // The visit a gateway makes: the link's path, the scanner's headers, from the local machine.
  httplib::Request req;
  req.method = head ? "HEAD" : "GET";
  const std::string target = SplitUrl(email.link).second;
  req.target = target;
  req.path = target.substr(0, target.find('?'));
  for (const auto& [name, value] : ScannerHeaders()) req.set_header(name, value);
  req.remote_addr = "127.0.0.1";
  req.set_header("REMOTE_ADDR", req.remote_addr);
  httplib::Response res;
  res.set_header("X-Request-ID", UuidV4());
  if (!DispatchInProcess(req, res)) {
    result.outcome = "failed";
    result.detail = "no route answers the link's path " + LoggablePath(req.path);
    env->RecordScan(email.id, result);
    return;
  }
  if (res.content_provider_ && res.body.empty()) {  // an injected "close" fault
    result.outcome = "failed";
    result.detail = req.method + " on the link failed: the connection was closed";
    env->RecordScan(email.id, result);
    return;
  }
  const std::string location = res.get_header_value("Location");
  // A visit consumed the link when it yielded a code; a used or expired link redirects with an
  // error instead (or, before that change, answered a page).
  const bool consumed = res.status == 302 && !QueryValue(location, "code").empty();
  const bool refused = res.status >= 400 || !QueryValue(location, "error").empty();
  if (head && !consumed && !refused) {  // a HEAD-safe server: the link stays usable
    result.outcome = "head_only";
    result.detail = "HEAD on the link answered " + std::to_string(res.status);
  } else if (!consumed) {
    result.outcome = "not_consumed";
    result.detail = "the link answered " + std::to_string(res.status) +
                    (QueryValue(location, "error").empty()
                         ? std::string(" (already used or expired before the scan)")
                         : " with error=" + QueryValue(location, "error") +
                               " (already used or expired before the scan)");
  } else {
    result.outcome = "consumed";
    result.detail = req.method + " on the link answered 302";
    if (settings.mode == "prefetch_follow") {
      auto [origin, path] = SplitUrl(ReencodeUrl(location));
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
