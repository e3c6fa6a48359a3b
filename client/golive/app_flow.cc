// app.receives_redirects: a real magic-link flow through workos-mock to the app's callback, and
// the entry points that run it before app.handles_error_redirects. See golive.h.
#include "golive/app_flow.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "golive/text.h"
#include "workos/client.h"
#include "workos/mock_control.h"

namespace workos {
namespace golive {

std::string WithoutQuery(const std::string& url) {
  size_t q = url.find_first_of("?#");
  return q == std::string::npos ? url : url.substr(0, q);
}

// scheme://authority of a URL ("" when it has none).
std::string Origin(const std::string& url) {
  const size_t colon = url.find("://");
  if (colon == std::string::npos) return "";
  const size_t end = url.find_first_of("/?#", colon + 3);
  return end == std::string::npos ? url : url.substr(0, end);
}

// A transport error without its "GET http://…: " prefix: "connection closed: Empty reply…".
std::string TransportText(const TransportError& e) {
  std::string w = e.what();
  const std::string prefix = e.method() + " " + e.path() + ": ";
  if (StartsWith(w, prefix)) w = w.substr(prefix.size());
  return w;
}

std::string OneLine(std::string text, size_t max) {
  if (text.size() > max) text = text.substr(0, max) + "…";
  for (char& ch : text) {
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  }
  return text;
}

// "2026-11-29T22:07:18.123Z" → milliseconds since the epoch.
std::optional<std::int64_t> ParseIsoMs(const std::string& s) {
  struct tm tm {};
  int ms = 0;
  char frac[16] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return std::nullopt;
  }
  if (s.size() > 20 && s[19] == '.' && std::sscanf(s.c_str() + 20, "%3[0-9]", frac) == 1) {
    std::string f = frac;
    while (f.size() < 3) f += '0';
    ms = std::atoi(f.c_str());
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t t = timegm(&tm);
  return static_cast<std::int64_t>(t) * 1000 + ms;
}

Config MockConfig(const AppFlowOptions& o) {
  Config c = o.base;
  c.base_url = o.mock_url;
  c.api_key = o.mock_api_key;
  c.retry.max_retries = 1;
  c.retry.base_delay = std::chrono::milliseconds(100);
  return c;
}

std::string ScrubKey(const AppFlowOptions& o, std::string text) {
  if (o.mock_api_key.empty()) return text;
  for (size_t p = text.find(o.mock_api_key); p != std::string::npos;
       p = text.find(o.mock_api_key, p)) {
    text.replace(p, o.mock_api_key.size(), "[REDACTED]");
  }
  return text;
}

namespace {

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s",
                std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0);
  return buf;
}

// "call getProfileAndToken ... with the SDK pointed at the mock" for the app's SDK(s).
std::string ExchangeHint(const AppFlowOptions& o) {
  if (o.sdks.size() == 1) {
    return "exchange the code in the callback (getProfileAndToken / get_profile_and_token) with "
           "the " +
           SdkBaseUrlHint(o.sdks[0], o.mock_url);
  }
  return "exchange the code in the callback (getProfileAndToken / get_profile_and_token) with the "
         "SDK pointed at the mock (the details say how for each official SDK)";
}

void AddSdkHints(const AppFlowOptions& o, CheckResult* r) {
  std::vector<Sdk> sdks = o.sdks;
  if (sdks.empty()) sdks = {Sdk::kNode, Sdk::kPython, Sdk::kRuby, Sdk::kGo, Sdk::kPhp};
  for (Sdk s : sdks)
    r->details.push_back("point the SDK at the mock: " + SdkBaseUrlHint(s, o.mock_url));
}

}  // namespace

CheckResult ReceivesRedirects(const AppFlowOptions& o, FlowContext* ctx) {
  const std::string id = "app.receives_redirects";
  const std::string subject = o.callback_url;
  if (o.callback_url.empty()) {
    return Skip(id, subject,
                "pass --callback-url with the app's callback (the app running in CI) and "
                "--mock-url to drive a magic-link flow through workos-mock to it");
  }
  if (o.mock_url.empty()) {
    return Skip(id, subject,
                "pass --mock-url (or WORKOS_BASE_URL) of the workos-mock the app uses in CI");
  }
  if (o.mock_api_key.empty()) {
    return Fail(id, subject,
                "no key for the mock: set WORKOS_MOCK_API_KEY (or WORKOS_API_KEY) to the key of "
                "the workos-mock environment the app uses");
  }
  auto scrub = [&](std::string text) { return ScrubKey(o, std::move(text)); };

  try {
    Client client(MockConfig(o));
    MockControl& mock = client.mock();

    // 1. The mock, and the environment of the app's key.
    Environment env;
    try {
      env = mock.transport().SendJson("GET", "/_mock/environment").get<Environment>();
    } catch (const UnauthorizedError&) {
      return Fail(id, subject,
                  "workos-mock at " + o.mock_url +
                      " does not know the key: set WORKOS_MOCK_API_KEY to the key of the mock "
                      "environment the app uses (its WORKOS_API_KEY)");
    } catch (const ApiError& e) {
      return Fail(id, subject,
                  o.mock_url + " is not a workos-mock (GET /_mock/environment answered " +
                      std::to_string(e.status()) +
                      "): point --mock-url at the mock, never at the live API");
    }
    bool registered = false;
    std::string list;
    for (const RedirectUri& r : env.redirect_uris) {
      registered = registered || r.uri == o.callback_url;
      list += (list.empty() ? "" : ", ") + r.uri;
    }
    if (!registered) {
      return Fail(id, subject,
                  "the callback URL is not a redirect URI of mock environment '" + env.name +
                      "' (it has " + (list.empty() ? "none" : list) +
                      "): register it (PUT /_mock/redirect_uris or the config's redirect_uris)");
    }

    // 2. What the journal held before, so only the app's new requests count.
    std::set<std::string> before;
    for (const JournalEntry& e : mock.ListRequests()) before.insert(e.id);

    // 3. A session for the callback, emailed.
    const std::string state = "golive-" + NewUuid().substr(0, 8);
    std::string email = o.email;
    CreatePasswordlessSessionOptions so;
    so.email = email;
    so.redirect_uri = o.callback_url;
    so.state = state;
    PasswordlessSession session = client.passwordless().CreateSession(so);
    client.passwordless().SendSession(session.id);
    std::optional<Email> mail;
    for (const Email& m : mock.ListOutbox(email)) {
      if (m.session_id == session.id) mail = m;
    }
    if (!mail || mail->link.empty()) {
      return Fail(id, subject,
                  "the mock sent no email for session " + session.id +
                      " (see GET /_mock/outbox); is the environment's SMTP or scanner set up "
                      "oddly?");
    }

    // 4. The person clicks the link: a redirect to the callback with ?code=.
    LinkVisit click = mock.OpenLink(mail->link, "GET", kBrowserAgent);
    if (click.status < 300 || click.status >= 400 || click.code.empty()) {
      return Fail(id, subject,
                  "the magic link answered " + std::to_string(click.status) +
                      (click.error.empty() ? "" : " with error=" + click.error) +
                      " instead of a redirect with a code (a scanner may have used it; check PUT "
                      "/_mock/scanner)");
    }
    if (WithoutQuery(click.location) != o.callback_url) {
      return Fail(
          id, subject,
          "the link redirected to " + WithoutQuery(click.location) + ", not the callback URL");
    }
    ctx->link = mail->link;

    // 5. The browser follows the redirect to the app.
    const auto t0 = std::chrono::steady_clock::now();
    LinkVisit callback;
    try {
      callback = mock.OpenLink(click.location, "GET", kBrowserAgent);
    } catch (const TransportError& e) {
      return Fail(id, subject,
                  "the app did not answer its callback URL (" + scrub(e.what()) +
                      "): start the app before golive and check --callback-url");
    }
    ctx->reached_app = true;

    // 6. The journal must show the app's code exchange.
    const auto deadline = t0 + o.exchange_timeout;
    std::vector<JournalEntry> token_calls;
    bool exchanged = false;
    for (;;) {
      token_calls.clear();
      for (const JournalEntry& e : mock.ListRequests()) {
        if (!before.count(e.id) && e.method == "POST" && e.path == "/sso/token") {
          token_calls.push_back(e);
        }
      }
      nlohmann::json life = mock.GetPasswordlessSession(session.id);
      exchanged = life.value("code_exchanged", false);
      if (exchanged || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const auto waited = std::chrono::steady_clock::now() - t0;
    int token_status = 0;
    for (const JournalEntry& e : token_calls) {
      if (e.status >= 200 && e.status < 300) token_status = e.status;
    }
    if (token_status == 0 && !token_calls.empty()) token_status = token_calls.front().status;

    CheckResult r;
    const std::string answered = "answered the callback with " + std::to_string(callback.status);
    if (callback.status >= 500) {
      r = Fail(id, subject,
               "the app " + answered +
                   ": its callback failed (see the app's log; the body is in the details)");
      r.details.push_back("callback body: " + OneLine(scrub(callback.body), 300));
    } else if (exchanged && token_status >= 200 && token_status < 300) {
      r = Pass(id, subject,
               "the app exchanged the code at /sso/token (" + std::to_string(token_status) +
                   ") within " + Seconds(waited) + " and " + answered);
    } else if (exchanged) {
      r = Pass(id, subject,
               "the code was exchanged within " + Seconds(waited) + " and the app " + answered);
    } else if (!token_calls.empty()) {
      r = Fail(id, subject,
               "the app called /sso/token but got " + std::to_string(token_status) +
                   ": check its WORKOS_CLIENT_ID and WORKOS_API_KEY belong to mock environment '" +
                   env.name + "'");
    } else {
      r = Fail(id, subject,
               "the app " + answered + " but never exchanged the code at /sso/token within " +
                   Seconds(waited) + ": " + ExchangeHint(o));
      AddSdkHints(o, &r);
    }
    r.details.push_back("mock environment '" + env.name + "', session " + session.id + ", " +
                        std::to_string(token_calls.size()) + " POST /sso/token from the app");
    return r;
  } catch (const TransportError& e) {
    return Fail(id, subject,
                "cannot reach workos-mock at " + o.mock_url + " (" + scrub(e.what()) +
                    "): start it (workos-mock --port 4400 &) and pass --mock-url");
  } catch (const Error& e) {
    return Fail(id, subject, "the magic-link flow failed: " + scrub(e.what()));
  } catch (const std::exception& e) {
    return Fail(id, subject, "unexpected answer from the mock: " + scrub(e.what()));
  }
}

CheckResult CheckAppReceivesRedirects(const AppFlowOptions& options) {
  FlowContext ctx;
  return ReceivesRedirects(options, &ctx);
}

std::vector<CheckResult> CheckAppRedirects(const AppFlowOptions& o) {
  const std::string id = "app.handles_error_redirects";
  FlowContext ctx;
  CheckResult first = ReceivesRedirects(o, &ctx);
  if (first.status == Status::kSkip) {
    return {first,
            Skip(id, o.callback_url, "needs what app.receives_redirects needs: " + first.reason)};
  }
  if (!o.error_redirects) {
    return {first, Skip(id, o.callback_url, "turned off (--no-error-redirects)")};
  }
  if (!ctx.reached_app) {
    return {first, Skip(id, o.callback_url,
                        "app.receives_redirects did not get as far as the app's callback: fix "
                        "that first")};
  }
  return {first, HandlesErrorRedirects(o, ctx)};
}

}  // namespace golive
}  // namespace workos
