// Redirect-URI rules (CONTRACT.md, "Redirect URIs"; live-api-evidence.md section 5).
//
// Validation order (RedirectUriViolations lists every violated rule in this order;
// ValidateRegisteredRedirectUri reports the first):
//   1. shape: absolute http(s) URI, no whitespace/control characters, no query, no fragment,
//      no userinfo, a valid host (ASCII/punycode only) and port;
//   2. environment: production refuses localhost and any http:// except http://127.0.0.1;
//   3. wildcards: refused unless the policy allows them, then WorkOS's documented rules.
//
// Upper-case schemes and hosts are accepted at registration, but matching stays byte-exact
// (WorkOS: redirect URIs must match exactly, including protocol and trailing slash), so a
// registered `HTTPS://Example.com/cb` does NOT match a requested `https://example.com/cb`.
#include "rules/redirect_uri.h"

#include <cstddef>
#include <vector>

namespace workos_mock {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLabelChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string ToLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsValidIpv6Literal(const std::string& host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  bool has_colon = false;
  for (std::size_t i = 1; i + 1 < host.size(); ++i) {
    const char c = host[i];
    if (c == ':') has_colon = true;
    if (!IsHexDigit(c) && c != ':' && c != '.') return false;
  }
  return has_colon;
}

// Host names: dot-separated non-empty labels of [A-Za-z0-9_-] (and '*', judged later by the
// wildcard rules), each at most 63 characters, at most 253 characters overall.
bool IsValidHostName(const std::string& host) {
  if (host.size() > 253) return false;
  std::size_t label_len = 0;
  for (const char c : host) {
    if (c == '.') {
      if (label_len == 0) return false;
      label_len = 0;
    } else if (IsLabelChar(c) || c == '*') {
      if (++label_len > 63) return false;
    } else {
      return false;
    }
  }
  return label_len > 0;
}

bool IsValidPort(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  long value = 0;
  for (const char c : port) {
    if (!IsDigit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

bool IsAllDigitsAndDots(const std::string& s) {
  for (const char c : s) {
    if (!IsDigit(c) && c != '.') return false;
  }
  return true;
}

// A small built-in list of public suffixes and shared-hosting domains (a subset of the Public
// Suffix List): a production wildcard directly under one of these would cover other tenants.
bool IsPublicSuffix(const std::string& domain_lower) {
  static const char* const kSuffixes[] = {"com",
                                          "net",
                                          "org",
                                          "io",
                                          "dev",
                                          "app",
                                          "co",
                                          "ai",
                                          "me",
                                          "us",
                                          "uk",
                                          "co.uk",
                                          "org.uk",
                                          "ac.uk",
                                          "gov.uk",
                                          "de",
                                          "fr",
                                          "eu",
                                          "nl",
                                          "ca",
                                          "au",
                                          "com.au",
                                          "jp",
                                          "co.jp",
                                          "in",
                                          "co.in",
                                          "br",
                                          "com.br",
                                          "cn",
                                          "com.cn",
                                          "xyz",
                                          "site",
                                          "online",
                                          "tech",
                                          "cloud",
                                          "sh",
                                          "ngrok-free.app",
                                          "ngrok-free.dev",
                                          "ngrok.io",
                                          "ngrok.app",
                                          "ngrok.dev",
                                          "vercel.app",
                                          "netlify.app",
                                          "herokuapp.com",
                                          "github.io",
                                          "gitlab.io",
                                          "pages.dev",
                                          "workers.dev",
                                          "web.app",
                                          "firebaseapp.com",
                                          "azurewebsites.net",
                                          "azurestaticapps.net",
                                          "cloudfront.net",
                                          "amazonaws.com",
                                          "appspot.com",
                                          "run.app",
                                          "onrender.com",
                                          "fly.dev",
                                          "railway.app",
                                          "up.railway.app",
                                          "glitch.me",
                                          "repl.co",
                                          "replit.dev",
                                          "trycloudflare.com",
                                          "loca.lt",
                                          "surge.sh",
                                          "deno.dev"};
  for (const char* suffix : kSuffixes) {
    if (domain_lower == suffix) return true;
  }
  return false;
}

RedirectUriCheck Fail(const std::string& rule, const std::string& message) {
  RedirectUriCheck check;
  check.ok = false;
  check.rule = rule;
  check.message = message;
  return check;
}

RedirectUriCheck ValidateWildcard(const std::string& host, const RedirectUriPolicy& policy,
                                  bool is_default) {
  if (!policy.allow_wildcards) {
    return Fail("wildcard_not_allowed",
                "Wildcard hosts are not allowed because the Magic Link rules forbid wildcard "
                "subdomains; register each host explicitly, or turn on the environment setting "
                "allow_wildcard_redirect_uris to use WorkOS's documented wildcard rules.");
  }
  const std::size_t star = host.find('*');
  if (host.find('*', star + 1) != std::string::npos) {
    return Fail("wildcard_multiple",
                "A redirect URI may contain at most one '*' wildcard; keep a single '*' in the "
                "left-most host label, e.g. https://*.example.com/callback.");
  }
  const std::size_t first_dot = host.find('.');
  if (first_dot != std::string::npos && star > first_dot) {
    return Fail("wildcard_not_leftmost_label",
                "The '*' wildcard is only allowed in the left-most host label; move it there, "
                "e.g. https://*.example.com/callback or https://pr-*.example.com/callback.");
  }
  const std::string parent =
      first_dot == std::string::npos ? std::string() : ToLower(host.substr(first_dot + 1));
  const bool parent_is_tld = parent.find('.') == std::string::npos && parent != "localhost";
  if (parent_is_tld || IsAllDigitsAndDots(parent)) {
    return Fail("wildcard_requires_subdomain",
                "The '*' wildcard may only stand for a subdomain of a domain name, e.g. "
                "https://*.example.com/callback, not a top-level domain or an IP address.");
  }
  if (is_default) {
    return Fail("wildcard_cannot_be_default",
                "A wildcard redirect URI cannot be the default redirect URI; mark a URI without "
                "'*' as the default instead.");
  }
  if (policy.kind == EnvironmentKind::kProduction && IsPublicSuffix(parent)) {
    return Fail("wildcard_on_public_suffix",
                "In production a wildcard cannot sit directly on the public or shared-hosting "
                "suffix '" +
                    parent +
                    "'; use a domain you control, e.g. https://*.app.example.com/callback.");
  }
  return RedirectUriCheck{};
}

}  // namespace

std::vector<RedirectUriCheck> RedirectUriViolations(const std::string& uri,
                                                    const RedirectUriPolicy& policy,
                                                    bool is_default) {
  std::vector<RedirectUriCheck> out;
  RedirectUriParts parsed;
  const bool parsed_ok = ParseRedirectUri(uri, &parsed);
  const std::string scheme = ToLower(parsed.scheme);
  if (!parsed_ok) {
    out.push_back(Fail("absolute_http_uri_required",
                       "The redirect URI must be an absolute http:// or https:// URI such as "
                       "https://app.example.com/callback; add the scheme and host."));
  } else if (scheme != "http" && scheme != "https") {
    out.push_back(Fail("absolute_http_uri_required",
                       "The redirect URI must use the http or https scheme, not '" + parsed.scheme +
                           "'; use a URI such as https://app.example.com/callback."));
  }
  for (const char c : uri) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      out.push_back(Fail("invalid_character",
                         "The redirect URI contains a space or control character; remove it or "
                         "percent-encode it."));
      break;
    }
  }
  // '?' and '#' are checked on the whole string, so even an empty query or fragment is refused
  // (and they are judged even when the URI could not be parsed).
  const std::size_t query = uri.find('?');
  const std::size_t fragment = uri.find('#');
  if (query != std::string::npos && (fragment == std::string::npos || query < fragment)) {
    out.push_back(Fail("query_not_allowed",
                       "Redirect URIs cannot contain a query string; remove everything from '?' "
                       "and carry request data in the `state` parameter instead."));
  }
  if (fragment != std::string::npos) {
    out.push_back(Fail("fragment_not_allowed",
                       "Redirect URIs cannot contain a fragment; remove everything from '#'."));
  }
  if (!parsed_ok) return out;  // no host, port or scheme to judge

  if (parsed.has_userinfo) {
    out.push_back(Fail("userinfo_not_allowed",
                       "Redirect URIs cannot contain credentials (user:password@host); remove the "
                       "part before '@' from the host."));
  }
  if (parsed.host.empty()) {
    out.push_back(
        Fail("host_required",
             "The redirect URI has no host; use a URI such as https://app.example.com/callback."));
  } else {
    bool ascii = true;
    for (const char c : parsed.host) {
      if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    }
    const bool is_ipv6 = parsed.host[0] == '[';
    if (!ascii) {
      out.push_back(Fail("punycode_required",
                         "Internationalized host names must be registered in punycode; register "
                         "the xn-- (punycode) form of the host instead, e.g. "
                         "xn--bcher-kva.example."));
    } else if (is_ipv6 ? !IsValidIpv6Literal(parsed.host) : !IsValidHostName(parsed.host)) {
      out.push_back(Fail("invalid_host", "The redirect URI host '" + parsed.host +
                                             "' is not a valid host name; use letters, digits, "
                                             "hyphens and dots (or an IP address)."));
    }
  }
  if (parsed.has_port && !IsValidPort(parsed.port)) {
    out.push_back(Fail("invalid_port",
                       "The redirect URI port must be a number from 1 to 65535; fix the port or "
                       "remove the ':port' part."));
  }

  if (policy.kind == EnvironmentKind::kProduction) {
    const std::string host = ToLower(parsed.host);
    if (host == "localhost" || EndsWith(host, ".localhost") || host == "[::1]") {
      out.push_back(Fail("localhost_not_allowed_in_production",
                         "Production environments cannot use localhost redirect URIs; register "
                         "your public https:// URL (or http://127.0.0.1 for native clients), or "
                         "use a staging environment for local development."));
    }
    // Sole documented exception to HTTPS: http://127.0.0.1 (any port, any path).
    if (scheme == "http" && parsed.host != "127.0.0.1") {
      out.push_back(Fail("https_required",
                         "Production redirect URIs must use https:// (the only http exception is "
                         "http://127.0.0.1 for native clients); change the scheme to https."));
    }
  }

  // A '*' in the path is a literal path character; only a '*' in the host is a wildcard.
  if (parsed.host.find('*') != std::string::npos) {
    RedirectUriCheck wildcard = ValidateWildcard(parsed.host, policy, is_default);
    if (!wildcard.ok) out.push_back(wildcard);
  }
  return out;
}

RedirectUriCheck ValidateRegisteredRedirectUri(const std::string& uri,
                                               const RedirectUriPolicy& policy, bool is_default) {
  std::vector<RedirectUriCheck> violations = RedirectUriViolations(uri, policy, is_default);
  return violations.empty() ? RedirectUriCheck{} : violations.front();
}

bool ParseRedirectUri(const std::string& uri, RedirectUriParts* out) {
  const std::size_t colon = uri.find(':');
  if (colon == std::string::npos || colon == 0 || !IsAlpha(uri[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = uri[i];
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  if (uri.compare(colon + 1, 2, "//") != 0) return false;
  out->scheme = uri.substr(0, colon);
  const std::size_t auth_begin = colon + 3;
  std::size_t auth_end = uri.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = uri.size();
  out->authority = uri.substr(auth_begin, auth_end - auth_begin);
  out->rest = uri.substr(auth_end);

  std::string host_port = out->authority;
  const std::size_t at = host_port.rfind('@');
  out->has_userinfo = at != std::string::npos;
  if (out->has_userinfo) host_port = host_port.substr(at + 1);

  std::size_t host_end = std::string::npos;
  if (!host_port.empty() && host_port[0] == '[') {
    const std::size_t close = host_port.find(']');
    host_end = close == std::string::npos ? host_port.size() : close + 1;
  } else {
    host_end = host_port.find(':');
    if (host_end == std::string::npos) host_end = host_port.size();
  }
  out->host = host_port.substr(0, host_end);
  const std::string after_host = host_port.substr(host_end);
  out->has_port = !after_host.empty();
  out->port = out->has_port ? after_host.substr(1) : std::string();
  // Anything after an IPv6 literal other than ":port" is kept in `port` so it fails validation.
  if (out->has_port && after_host[0] != ':') out->port = after_host;
  return true;
}

bool RedirectUriMatches(const std::string& registered, const std::string& requested) {
  if (requested.empty() || requested.find_first_of("?#") != std::string::npos) return false;
  if (registered == requested) return true;  // byte-exact, see the note at the top of the file

  RedirectUriParts reg;
  RedirectUriParts req;
  if (!ParseRedirectUri(registered, &reg) || !ParseRedirectUri(requested, &req)) return false;
  if (req.has_userinfo || reg.has_userinfo) return false;
  const std::size_t star = reg.host.find('*');
  const std::size_t reg_dot = reg.host.find('.');
  if (star == std::string::npos || reg_dot == std::string::npos || star > reg_dot ||
      reg.host.find('*', star + 1) != std::string::npos) {
    return false;  // not a (valid) wildcard entry, and not byte-equal
  }
  // Everything outside the host must be identical: scheme, port and path.
  if (reg.scheme != req.scheme || reg.has_port != req.has_port || reg.port != req.port ||
      reg.rest != req.rest) {
    return false;
  }
  const std::size_t req_dot = req.host.find('.');
  if (req_dot == std::string::npos) return false;
  // Remaining labels equal; this also makes the wildcard cover exactly one label.
  if (reg.host.compare(reg_dot, std::string::npos, req.host, req_dot, std::string::npos) != 0) {
    return false;
  }
  const std::string prefix = reg.host.substr(0, star);
  const std::string suffix = reg.host.substr(star + 1, reg_dot - star - 1);
  const std::string label = req.host.substr(0, req_dot);
  if (label.size() < prefix.size() + suffix.size() + 1) return false;
  if (label.compare(0, prefix.size(), prefix) != 0) return false;
  if (label.compare(label.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  for (std::size_t i = prefix.size(); i < label.size() - suffix.size(); ++i) {
    if (!IsLabelChar(label[i])) return false;
  }
  return true;
}

}  // namespace workos_mock
