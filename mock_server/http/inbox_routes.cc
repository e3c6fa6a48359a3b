// GET /_mock/inbox: the web inbox, one environment's sent emails as a page a person can click
// through; GET /_mock/inbox.json feeds its live refresh. Browsers cannot send a Bearer header, so
// the environment is chosen with ?key=<api key> or ?env=<name>; the control plane's loopback /
// admin-token rule (server_hooks.cc) applies as to every /_mock path.
#include "domain/ids.h"
#include "http/json_views.h"
#include "http/replies.h"
#include "http/server.h"

namespace workos_mock {

using nlohmann::json;

namespace {

void SecurityHeaders(httplib::Response& res, const std::string& nonce) {
  // Inline styles are allowed because the emails (shown in sandboxed srcdoc frames, which inherit
  // this policy) carry them; scripts only with this response's nonce.
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'nonce-" + nonce +
                     "'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                     "frame-src 'self'; base-uri 'none'; form-action 'none'; "
                     "frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cache-Control", "no-store");
}

// The query string that selects the environment again (for the JSON feed and links).
std::string Selector(const httplib::Request& req) {
  std::string q;
  for (const char* k : {"key", "env", "admin_token"}) {
    if (!req.has_param(k)) continue;
    q += (q.empty() ? "?" : "&") + std::string(k) + "=" +
         httplib::detail::encode_query_param(req.get_param_value(k));
  }
  return q;
}

// What opening the link does now, by its status.
std::string LinkClickText(const std::string& status) {
  if (status == "unused") return "signs in: redirects to the app with a code";
  const std::string why = status == "scanned"   ? "the scanner used it"
                          : status == "expired" ? "it expired"
                                                : "it was used";
  return "redirects to the app with error=access_denied (" + why + ")";
}

json InboxEntry(const Environment& env, const Email& e) {
  json j = EmailJson(e);
  j["link_status"] = env.LinkStatus(e.session_id);
  j["link_click"] = LinkClickText(j["link_status"]);
  return j;
}

std::string ScanText(const json& scanner) {
  if (scanner.is_null()) return "off";
  std::string s = scanner["mode"].get<std::string>() + ": " + scanner["outcome"].get<std::string>();
  if (!scanner["visited_at"].is_null()) s += " at " + scanner["visited_at"].get<std::string>();
  return s;
}

std::string ScannerSummary(const ScannerSettings& s) {
  std::string out = s.mode;
  std::string allow;
  for (const auto& a : s.allowlist) allow += (allow.empty() ? "" : ", ") + a;
  if (!allow.empty()) out += ", allow-list: " + allow;
  if (s.delay_ms) out += ", delay " + std::to_string(s.delay_ms) + " ms";
  return out;
}

std::string DeliveryText(const json& d) {
  if (d.is_null()) return "not delivered (no SMTP URL)";
  std::string s = d["status"].get<std::string>() + " at " + d["at"].get<std::string>();
  if (d.contains("error")) s += ": " + d["error"].get<std::string>();
  return s;
}

std::string Card(const json& e) {
  const std::string id = HtmlEscape(e["id"].get<std::string>());
  const std::string status = HtmlEscape(e["link_status"].get<std::string>());
  return "<article class=\"mail\" data-id=\"" + id + "\"><header><span class=\"status " + status +
         "\" data-status=\"" + status + "\">" + status + "</span> <strong class=\"subject\">" +
         HtmlEscape(e["subject"].get<std::string>()) +
         "</strong></header><dl><dt>To</dt><dd class=\"to\">" +
         HtmlEscape(e["to"].get<std::string>()) + "</dd><dt>From</dt><dd>" +
         HtmlEscape(e["from"].get<std::string>()) + "</dd><dt>Sent</dt><dd class=\"sent\">" +
         HtmlEscape(e["sent_at"].get<std::string>()) + "</dd><dt>A click</dt><dd class=\"click\">" +
         HtmlEscape(e["link_click"].get<std::string>()) +
         "</dd><dt>Scanner</dt><dd class=\"scanner\">" + HtmlEscape(ScanText(e["scanner"])) +
         "</dd><dt>SMTP</dt><dd class=\"delivery\">" + HtmlEscape(DeliveryText(e["delivery"])) +
         "</dd></dl><p><a class=\"open\" href=\"" + HtmlEscape(e["link"].get<std::string>()) +
         "\" target=\"_blank\" rel=\"noopener noreferrer\">Open the sign-in link</a></p>"
         "<details><summary>Email</summary><iframe sandbox=\"\" title=\"email " +
         id + "\" srcdoc=\"" + HtmlEscape(e["html"].get<std::string>()) + "\"></iframe><pre>" +
         HtmlEscape(e["text"].get<std::string>()) + "</pre></details></article>";
}

constexpr const char* kStyle = R"CSS(
body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.4em} .meta{color:#555} .mail{border:1px solid #ccc;border-radius:8px;padding:.8em 1em;margin:1em 0}
.mail dl{display:grid;grid-template-columns:6em 1fr;gap:.2em .8em;margin:.5em 0}
.mail dt{color:#666} .mail dd{margin:0;word-break:break-all}
.status{display:inline-block;padding:.1em .6em;border-radius:1em;font-size:.85em;color:#fff;background:#888}
.status.unused{background:#2a7d2e} .status.used{background:#555} .status.scanned{background:#b3261e}
.status.expired{background:#8a6d00}
a.open{display:inline-block;padding:.4em .9em;background:#6363f1;color:#fff;border-radius:6px;text-decoration:none}
iframe{width:100%;height:16em;border:1px solid #ddd;background:#fff} pre{white-space:pre-wrap}
)CSS";

// Live refresh: poll the JSON feed, update statuses in place, add new emails at the top. Built with
// DOM APIs and textContent only: nothing from the feed is ever parsed as HTML.
constexpr const char* kScript = R"JS(
(function () {
  var list = document.getElementById('mails');
  var feed = list.getAttribute('data-feed');
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function scanText(s) {
    if (!s) return 'off';
    return s.mode + ': ' + s.outcome + (s.visited_at ? ' at ' + s.visited_at : '');
  }
  function deliveryText(d) {
    if (!d) return 'not delivered (no SMTP URL)';
    return d.status + ' at ' + d.at + (d.error ? ': ' + d.error : '');
  }
  function card(e) {
    var a = el('article', {'class': 'mail', 'data-id': e.id});
    var h = el('header');
    h.appendChild(el('span', {'class': 'status', 'data-status': ''}));
    h.appendChild(document.createTextNode(' '));
    h.appendChild(el('strong', {'class': 'subject'}, e.subject));
    a.appendChild(h);
    var dl = el('dl');
    [['To', 'to', e.to], ['From', '', e.from], ['Sent', 'sent', e.sent_at],
     ['A click', 'click', ''], ['Scanner', 'scanner', ''],
     ['SMTP', 'delivery', '']].forEach(function (r) {
      dl.appendChild(el('dt', {}, r[0]));
      dl.appendChild(el('dd', r[1] ? {'class': r[1]} : {}, r[2]));
    });
    a.appendChild(dl);
    var p = el('p');
    p.appendChild(el('a', {'class': 'open', href: e.link, target: '_blank',
                           rel: 'noopener noreferrer'}, 'Open the sign-in link'));
    a.appendChild(p);
    var d = el('details');
    d.appendChild(el('summary', {}, 'Email'));
    var f = el('iframe', {sandbox: '', title: 'email ' + e.id});
    f.srcdoc = e.html;
    d.appendChild(f);
    d.appendChild(el('pre', {}, e.text));
    a.appendChild(d);
    return a;
  }
  function update(a, e) {
    var s = a.querySelector('.status');
    s.textContent = e.link_status;
    s.setAttribute('data-status', e.link_status);
    s.className = 'status ' + e.link_status;
    a.querySelector('.click').textContent = e.link_click;
    a.querySelector('.scanner').textContent = scanText(e.scanner);
    a.querySelector('.delivery').textContent = deliveryText(e.delivery);
  }
  function refresh() {
    fetch(feed, {cache: 'no-store', credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (body) {
      var seen = {};
      var emails = body.data;
      for (var i = emails.length - 1; i >= 0; i--) {
        var e = emails[i];
        seen[e.id] = true;
        var a = list.querySelector('article[data-id="' + CSS.escape(e.id) + '"]');
        if (!a) { a = card(e); list.insertBefore(a, list.firstChild); }
        update(a, e);
      }
      Array.prototype.forEach.call(list.querySelectorAll('article'), function (a) {
        if (!seen[a.getAttribute('data-id')]) list.removeChild(a);
      });
      var empty = document.getElementById('empty');
      if (empty) empty.hidden = emails.length > 0;
      document.getElementById('scanner').textContent = body.scanner_summary;
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    }).catch(function (err) {
      document.getElementById('updated').textContent = 'refresh failed: ' + err.message;
    });
  }
  setInterval(refresh, 1500);
})();
)JS";

}  // namespace

void MockServer::AddInboxRoutes() {
  // The environment named by ?key= or ?env=; null when neither names one.
  auto selected = [this](const httplib::Request& req) -> std::shared_ptr<Environment> {
    if (req.has_param("key")) return registry_->ByApiKey(req.get_param_value("key"));
    if (req.has_param("env")) return registry_->ByName(req.get_param_value("env"));
    return nullptr;
  };

  http_->Get(
      "/_mock/inbox.json", [this, selected](const httplib::Request& req, httplib::Response& res) {
        auto env = selected(req);
        if (!env)
          return ReplyJson(
              res, 404,
              {{"message",
                std::string("Choose the environment with ?key=<API key> or ?env=<name>") +
                    (registry_->ByName("default") ? " (the default environment: ?env=default)."
                                                  : ".")}});
        json data = json::array();
        for (const auto& e : env->Outbox("")) data.push_back(InboxEntry(*env, e));
        res.set_header("Cache-Control", "no-store");
        ReplyJson(res, 200,
                  {{"object", "list"},
                   {"environment", env->name()},
                   {"scanner_summary", ScannerSummary(env->scanner())},
                   {"data", data}});
      });

  http_->Get("/_mock/inbox", [this, selected](const httplib::Request& req, httplib::Response& res) {
    const std::string nonce = RandomAlphanumeric(24);
    SecurityHeaders(res, nonce);
    std::string page =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width\"><link rel=\"icon\" href=\"data:,\">"
        "<title>workos-mock inbox</title><style>" +
        std::string(kStyle) + "</style></head><body>";
    auto env = selected(req);
    if (!env) {
      res.status = (req.has_param("key") || req.has_param("env")) ? 404 : 200;
      page +=
          "<h1>workos-mock inbox</h1><p>" +
          std::string(res.status == 404 ? "No environment has that key or name. " : "") +
          "Choose an environment (or open <code>/_mock/inbox?key=&lt;API key&gt;</code>):</p><ul>";
      for (const auto& e : registry_->All()) {
        const std::string q = "?env=" + httplib::detail::encode_query_param(e->name()) +
                              (req.has_param("admin_token")
                                   ? "&admin_token=" + httplib::detail::encode_query_param(
                                                           req.get_param_value("admin_token"))
                                   : "");
        page += "<li><a href=\"/_mock/inbox" + HtmlEscape(q) + "\">" + HtmlEscape(e->name()) +
                "</a> (" + KindName(e->kind()) + ")</li>";
      }
      page += "</ul></body></html>";
      res.set_content(page, "text/html; charset=utf-8");
      return;
    }
    page += "<h1>Inbox of <span id=\"env\">" + HtmlEscape(env->name()) + "</span> (" +
            KindName(env->kind()) +
            ")</h1><p class=\"meta\">Email scanner: <strong id=\"scanner\">" +
            HtmlEscape(ScannerSummary(env->scanner())) +
            "</strong>. Newest first; refreshes every 1.5 s. <span id=\"updated\"></span></p>";
    const auto emails = env->Outbox("");
    page += "<p id=\"empty\"" + std::string(emails.empty() ? "" : " hidden") +
            ">No email has been sent yet.</p><section id=\"mails\" data-feed=\"/_mock/inbox.json" +
            HtmlEscape(Selector(req)) + "\">";
    for (const auto& e : emails) page += Card(InboxEntry(*env, e));
    page += "</section><script nonce=\"" + nonce + "\">" + kScript + "</script></body></html>";
    res.status = 200;
    res.set_content(page, "text/html; charset=utf-8");
  });
}

}  // namespace workos_mock
