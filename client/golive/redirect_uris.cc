// redirect_uri.*: the redirect URIs judged by workos-mock's own rules (rules/redirect_uri.h),
// plus advice (WARN) beyond them. See golive.h.
#include "golive/golive.h"

#include <map>

#include "golive/text.h"
#include "rules/redirect_uri.h"

namespace workos {
namespace golive {

std::vector<std::string> SplitUriList(const std::string& value) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : value) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

namespace {

// Dotted-quad IPv4 → four octets.
bool ParseIpv4(const std::string& host, int octets[4]) {
  int n = 0;
  size_t i = 0;
  while (n < 4) {
    if (i >= host.size() || !IsDigit(host[i])) return false;
    int v = 0;
    size_t start = i;
    while (i < host.size() && IsDigit(host[i])) {
      v = v * 10 + (host[i] - '0');
      if (++i - start > 3) return false;
    }
    if (v > 255) return false;
    octets[n++] = v;
    if (n < 4) {
      if (i >= host.size() || host[i] != '.') return false;
      ++i;
    }
  }
  return i == host.size();
}

// Why `host` is not a public host name ("" when it is).
std::string NonPublicHost(const std::string& host) {
  if (host == "localhost" || EndsWith(host, ".localhost")) return "localhost";
  if (EndsWith(host, ".local")) return "an mDNS (.local) name";
  if (EndsWith(host, ".internal") || EndsWith(host, ".lan") || EndsWith(host, ".home.arpa")) {
    return "a private network name";
  }
  int o[4];
  if (ParseIpv4(host, o)) {
    if (o[0] == 127) return "a loopback address";
    if (o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) || (o[0] == 192 && o[1] == 168)) {
      return "a private (RFC 1918) address";
    }
    if (o[0] == 169 && o[1] == 254) return "a link-local address";
    if (o[0] == 100 && o[1] >= 64 && o[1] <= 127) return "a carrier-grade NAT address";
    if (o[0] == 0) return "an unspecified address";
    return "";
  }
  if (!host.empty() && host.front() == '[') {
    std::string a = host.substr(1, host.size() - 2);
    if (a == "::1") return "a loopback address";
    if (a == "::") return "an unspecified address";
    if (StartsWith(a, "fc") || StartsWith(a, "fd")) return "a private (unique local) address";
    if (StartsWith(a, "fe8") || StartsWith(a, "fe9") || StartsWith(a, "fea") ||
        StartsWith(a, "feb")) {
      return "a link-local address";
    }
    if (StartsWith(a, "::ffff:")) return NonPublicHost(a.substr(7));
  }
  return "";
}

// Which golive check reports a rule of rules/redirect_uri (the rules workos-mock applies).
const char* CheckOfRule(const std::string& rule) {
  if (rule == "query_not_allowed") return "redirect_uri.no_query";
  if (rule == "fragment_not_allowed") return "redirect_uri.no_fragment";
  if (rule == "https_required") return "redirect_uri.https";
  if (rule == "localhost_not_allowed_in_production") return "redirect_uri.public";
  if (StartsWith(rule, "wildcard_")) return "redirect_uri.no_wildcard";
  return "redirect_uri.absolute";  // the shape: scheme, characters, credentials, host, port
}

}  // namespace

std::vector<CheckResult> CheckRedirectUris(const std::vector<std::string>& uris, Kind kind) {
  std::vector<CheckResult> out;
  const bool prod = kind == Kind::kProduction;
  if (uris.empty()) {
    out.push_back(Fail("redirect_uri.present", "",
                       std::string("no redirect URI given: pass the ") + KindName(kind) +
                           " callback URL with --redirect-uri URI or WORKOS_REDIRECT_URI"));
    return out;
  }
  out.push_back(Pass("redirect_uri.present", "",
                     Plural(uris.size(), "redirect URI", "redirect URIs") + " to check"));
  // The rules are workos-mock's own (rules/redirect_uri.h), for the environment's default policy
  // (no wildcards), so every URI the mock would refuse fails a check here, and none it accepts
  // does; what goes beyond them (a private host in production) is advice: WARN.
  workos_mock::RedirectUriPolicy policy;
  policy.kind =
      prod ? workos_mock::EnvironmentKind::kProduction : workos_mock::EnvironmentKind::kStaging;
  for (const std::string& u : uris) {
    std::map<std::string, std::string> failed;  // check id → the first violated rule's message
    for (const workos_mock::RedirectUriCheck& v :
         workos_mock::RedirectUriViolations(u, policy, /*is_default=*/false)) {
      failed.emplace(CheckOfRule(v.rule), v.message);
    }
    auto failure = [&failed](const char* id) {
      auto it = failed.find(id);
      return it == failed.end() ? nullptr : &it->second;
    };
    workos_mock::RedirectUriParts p;
    const bool ok = !failure("redirect_uri.absolute") && workos_mock::ParseRedirectUri(u, &p);
    const std::string scheme = ToLower(p.scheme);
    const std::string host = ToLower(p.host);
    out.push_back(ok ? Pass("redirect_uri.absolute", u, "absolute " + scheme + " URI")
                     : Fail("redirect_uri.absolute", u, *failure("redirect_uri.absolute")));
    const std::string not_parsed = "not judged: the URI is not absolute (fix that first)";

    // https
    if (!ok) {
      out.push_back(Skip("redirect_uri.https", u, not_parsed));
    } else if (const std::string* why = failure("redirect_uri.https")) {
      out.push_back(Fail("redirect_uri.https", u, *why));
    } else if (scheme == "https") {
      out.push_back(Pass("redirect_uri.https", u, "uses HTTPS"));
    } else if (!prod) {
      out.push_back(Pass("redirect_uri.https", u,
                         "http is allowed in staging; production will need https://"));
    } else {
      out.push_back(Pass("redirect_uri.https", u,
                         "http://127.0.0.1 is WorkOS's only http exception (native apps)"));
    }

    // wildcard
    if (!ok && u.find('*') != std::string::npos) {
      out.push_back(Skip("redirect_uri.no_wildcard", u, not_parsed));
    } else if (const std::string* why = failure("redirect_uri.no_wildcard")) {
      out.push_back(Fail("redirect_uri.no_wildcard", u, *why));
    } else {
      out.push_back(Pass("redirect_uri.no_wildcard", u, "no wildcard in the host"));
    }

    // query and fragment: judged on the string, so they work even for a malformed URI
    if (const std::string* why = failure("redirect_uri.no_query")) {
      out.push_back(Fail("redirect_uri.no_query", u, *why));
    } else {
      out.push_back(Pass("redirect_uri.no_query", u, "no query string"));
    }
    if (const std::string* why = failure("redirect_uri.no_fragment")) {
      out.push_back(Fail("redirect_uri.no_fragment", u, *why));
    } else {
      out.push_back(Pass("redirect_uri.no_fragment", u, "no fragment"));
    }

    // public host: the mock (and WorkOS) refuse only localhost in production; other hosts
    // production users cannot reach are a warning (http://127.0.0.1 serves native apps).
    if (!prod) {
      out.push_back(Skip("redirect_uri.public", u, "staging may use local addresses"));
    } else if (!ok) {
      out.push_back(Skip("redirect_uri.public", u, not_parsed));
    } else if (const std::string* why = failure("redirect_uri.public")) {
      out.push_back(Fail("redirect_uri.public", u, *why));
    } else if (host.find('*') != std::string::npos) {
      out.push_back(Skip("redirect_uri.public", u, "not judged: the host is a wildcard"));
    } else if (const std::string what = NonPublicHost(host); !what.empty()) {
      out.push_back(Warn("redirect_uri.public", u,
                         "host " + host + " is " + what +
                             ": WorkOS accepts it, but only a native app on the user's own "
                             "machine or network receives it; a web app needs its public "
                             "https:// URL (keep local URIs in the staging environment)"));
    } else {
      out.push_back(Pass("redirect_uri.public", u, "public host " + host));
    }
  }
  return out;
}

}  // namespace golive
}  // namespace workos
