// app.handles_error_redirects: after a sign-in, the callback gets the error redirects production
// sends (a used link, an expired link, an SSO error); the app must survive each. See golive.h.
#include "golive/app_flow.h"

#include <chrono>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "golive/text.h"
#include "workos/client.h"
#include "workos/mock_control.h"

namespace workos {
namespace golive {
namespace {

// One error case of app.handles_error_redirects: what was sent and what the app did.
struct ErrorCase {
  std::string name;
  std::string url;           // the callback URL with the error, as the browser opened it
  std::string not_run;       // why the case did not run ("" when it ran)
  std::string mock_problem;  // the mock did not produce the error redirect
  long status = 0;           // the app's answer (0: none)
  std::string no_answer;     // the transport error instead of an answer
  std::string body;          // the start of the answer's body
  int token_calls = 0;       // POST /sso/token from the app meanwhile
  int token_status = 0;      // the last one's status
  std::string down;          // the liveness probe's transport error afterwards

  bool ok() const {
    return not_run.empty() && mock_problem.empty() && no_answer.empty() && status < 500 &&
           token_calls == 0 && down.empty();
  }
  std::string Summary() const {
    if (!not_run.empty()) return "not run (" + not_run + ")";
    if (!mock_problem.empty()) return mock_problem;
    std::string s =
        no_answer.empty() ? "answered " + std::to_string(status) : "no answer (" + no_answer + ")";
    if (token_calls > 0) {
      s += ", exchanged a code it never got (POST /sso/token → " + std::to_string(token_status) +
           ")";
    }
    if (!down.empty()) s += ", then stopped answering (GET /: " + down + ")";
    return s;
  }
};

// The redirect the mock answered a link with: must be to the callback with error=.
std::string ExpectErrorRedirect(const LinkVisit& v, const AppFlowOptions& o,
                                const std::string& what) {
  if (v.status >= 300 && v.status < 400 && !v.error.empty() &&
      WithoutQuery(v.location) == o.callback_url) {
    return "";
  }
  return "the mock answered the " + what + " with " + std::to_string(v.status) +
         (v.location.empty() ? "" : " to " + WithoutQuery(v.location)) +
         ", not a redirect to the callback with error=access_denied (update workos-mock)";
}

}  // namespace

CheckResult HandlesErrorRedirects(const AppFlowOptions& o, const FlowContext& ctx) {
  const std::string id = "app.handles_error_redirects";
  const std::string subject = o.callback_url;
  auto scrub = [&](std::string text) { return ScrubKey(o, std::move(text)); };
  std::vector<ErrorCase> cases;
  for (const char* name : kErrorCases)
    cases.push_back(ErrorCase{name, "", "", "", 0, "", "", 0, 0, ""});
  std::vector<std::string> notes;
  try {
    Client client(MockConfig(o));
    MockControl& mock = client.mock();
    std::set<std::string> seen;
    for (const JournalEntry& e : mock.ListRequests()) seen.insert(e.id);
    const std::string origin = Origin(o.callback_url);
    bool app_up = true;

    // Follows `url` to the app like a browser; then lets the app settle and reads the journal
    // and the liveness probe.
    auto follow = [&](ErrorCase& c, const std::string& url) {
      c.url = url;
      for (const JournalEntry& e : mock.ListRequests()) seen.insert(e.id);
      try {
        LinkVisit v = mock.OpenLink(url, "GET", kBrowserAgent);
        c.status = v.status;
        c.body = OneLine(scrub(v.body), 200);
      } catch (const TransportError& e) {
        c.no_answer = scrub(TransportText(e));
      }
      std::this_thread::sleep_for(o.settle);
      for (const JournalEntry& e : mock.ListRequests()) {
        if (!seen.insert(e.id).second) continue;
        if (e.method == "POST" && e.path == "/sso/token") {
          ++c.token_calls;
          c.token_status = e.status;
        }
      }
      try {
        mock.OpenLink(origin + "/", "GET", kBrowserAgent);
      } catch (const TransportError& e) {
        c.down = TransportError::KindName(e.kind());
        app_up = false;
      }
    };

    for (ErrorCase& c : cases) {
      if (!app_up) {
        c.not_run = "the app stopped answering";
        continue;
      }
      if (c.name == kErrorCases[0]) {
        // The same link again: it was used by the happy flow's click.
        LinkVisit again = mock.OpenLink(ctx.link, "GET", kBrowserAgent);
        c.mock_problem = ExpectErrorRedirect(again, o, "used link");
        if (c.mock_problem.empty()) follow(c, again.location);
      } else if (c.name == kErrorCases[1]) {
        // A new link, clicked after it expired: the environment's clock moves past its expiry.
        CreatePasswordlessSessionOptions so;
        so.email = o.email;
        so.redirect_uri = o.callback_url;
        so.state = "golive-expired-" + NewUuid().substr(0, 8);
        PasswordlessSession session = client.passwordless().CreateSession(so);
        client.passwordless().SendSession(session.id);
        std::string link;
        for (const Email& m : mock.ListOutbox(o.email)) {
          if (m.session_id == session.id) link = m.link;
        }
        const auto expires = ParseIsoMs(session.expires_at);
        const auto now = ParseIsoMs(mock.GetClock().now);
        if (link.empty() || !expires || !now) {
          c.mock_problem = "the mock sent no link or no expiry for session " + session.id;
          continue;
        }
        const std::int64_t advance = std::max<std::int64_t>(1, (*expires - *now + 999) / 1000 + 1);
        mock.AdvanceClock(advance);
        notes.push_back("moved the clock of the app's mock environment forward by " +
                        std::to_string(advance) + " s to expire session " + session.id);
        LinkVisit click = mock.OpenLink(link, "GET", kBrowserAgent);
        c.mock_problem = ExpectErrorRedirect(click, o, "expired link");
        if (c.mock_problem.empty()) follow(c, click.location);
      } else {
        // What /sso/authorize sends when the IdP refuses the user.
        const std::string url =
            o.callback_url + (o.callback_url.find('?') == std::string::npos ? "?" : "&") +
            "error=access_denied&error_description=" +
            UrlEncode("The user denied the authorization request.") + "&error_uri=" +
            UrlEncode("https://workos.com/docs/reference/sso/get-authorization-url/error-codes") +
            "&state=" + UrlEncode("golive-sso-" + NewUuid().substr(0, 8));
        follow(c, url);
      }
    }
  } catch (const TransportError& e) {
    return Fail(id, subject,
                "cannot reach workos-mock at " + o.mock_url + " (" + scrub(e.what()) + ")");
  } catch (const Error& e) {
    return Fail(id, subject, "the error-redirect cases failed on the mock: " + scrub(e.what()));
  } catch (const std::exception& e) {
    return Fail(id, subject, "unexpected answer from the mock: " + scrub(e.what()));
  }

  CheckResult r;
  std::string failed;
  size_t n_failed = 0;
  for (const ErrorCase& c : cases) {
    if (c.ok()) continue;
    ++n_failed;
    failed += (failed.empty() ? "" : "; ") + c.name + ": " + c.Summary();
  }
  if (n_failed == 0) {
    r = Pass(id, subject,
             "the app answered a used link (" + std::to_string(cases[0].status) +
                 "), an expired link (" + std::to_string(cases[1].status) + ") and an SSO error (" +
                 std::to_string(cases[2].status) +
                 ") without exchanging a code, and kept answering");
  } else {
    r = Fail(id, subject,
             failed +
                 " — read ?error= before ?code= in the callback, show the person a page, and "
                 "never exchange a code you did not get");
  }
  for (const ErrorCase& c : cases) {
    std::string where = c.url.empty() ? "" : ": GET " + c.url.substr(Origin(c.url).size());
    r.details.push_back(c.name + where + " → " + c.Summary());
    if (!c.body.empty() && (c.status >= 500 || !c.ok())) r.details.push_back("  body: " + c.body);
  }
  for (const std::string& n : notes) r.details.push_back(n);
  return r;
}

}  // namespace golive
}  // namespace workos
