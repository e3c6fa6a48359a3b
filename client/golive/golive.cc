// The go-live checklist: see golive.h.
#include "golive/golive.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "workos/client.h"
#include "workos/errors.h"
#include "workos/mock_control.h"

#include "rules/redirect_uri.h"

namespace workos {
namespace golive {

// ================================================================== results

const char* StatusName(Status s) {
  switch (s) {
    case Status::kPass:
      return "PASS";
    case Status::kFail:
      return "FAIL";
    case Status::kSkip:
      return "SKIP";
    case Status::kWarn:
      return "WARN";
  }
  return "?";
}

namespace {
CheckResult Make(Status status, std::string id, std::string subject, std::string reason) {
  CheckResult r;
  r.id = std::move(id);
  r.subject = std::move(subject);
  r.status = status;
  r.reason = std::move(reason);
  return r;
}
}  // namespace

CheckResult Pass(std::string id, std::string subject, std::string reason) {
  return Make(Status::kPass, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Fail(std::string id, std::string subject, std::string reason) {
  return Make(Status::kFail, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Skip(std::string id, std::string subject, std::string reason) {
  return Make(Status::kSkip, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Warn(std::string id, std::string subject, std::string reason) {
  return Make(Status::kWarn, std::move(id), std::move(subject), std::move(reason));
}

int Report::count(Status s) const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(),
                                        [s](const CheckResult& c) { return c.status == s; }));
}

bool ParseKind(const std::string& text, Kind* kind) {
  if (text == "production") {
    *kind = Kind::kProduction;
    return true;
  }
  if (text == "staging") {
    *kind = Kind::kStaging;
    return true;
  }
  return false;
}

const char* KindName(Kind kind) { return kind == Kind::kProduction ? "production" : "staging"; }

namespace {

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}
bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
std::string ToLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string Plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

// ================================================================== redirect URIs

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

// ================================================================== API key and client id

std::string RedactKey(const std::string& key) {
  std::string prefix;
  for (const char* p : {"sk_live_", "sk_test_"}) {
    if (StartsWith(key, p)) prefix = p;
  }
  if (prefix.empty()) return "[" + std::to_string(key.size()) + " chars]";
  size_t show = std::min<size_t>(2, key.size() - prefix.size());
  return key.substr(0, prefix.size() + show) + "…(" + std::to_string(key.size()) + " chars)";
}

std::vector<CheckResult> CheckApiKey(const std::string& variable,
                                     const std::optional<std::string>& value, Kind kind) {
  std::vector<CheckResult> out;
  const bool prod = kind == Kind::kProduction;
  const std::string key = value ? Trim(*value) : "";
  if (!value || key.empty()) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " is " + (value ? "empty" : "not set") +
                           ": set it from your CI's secret store (never commit the key)"));
    out.push_back(Skip("api_key.production", variable, "no API key to judge"));
    return out;
  }
  const bool live = StartsWith(key, "sk_live_");
  const bool test = StartsWith(key, "sk_test_");
  if (!live && !test) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " is set but is not a WorkOS secret key (sk_live_… or "
                                  "sk_test_…): copy the key from the dashboard's API Keys page"));
  } else if (key.size() != value->size()) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " has leading or trailing whitespace: remove it, the API "
                                  "compares keys exactly"));
  } else {
    out.push_back(Pass("api_key.present", variable, variable + " is set (" + RedactKey(key) + ")"));
  }
  if (!prod) {
    out.push_back(Skip("api_key.production", variable,
                       "staging: a sk_test_ key is expected; run with --kind production before "
                       "launch"));
  } else if (live) {
    out.push_back(Pass("api_key.production", variable, "a production (sk_live_) key"));
  } else if (test) {
    out.push_back(Fail("api_key.production", variable,
                       variable + " holds a sk_test_ (staging) key: set it to the Production "
                                  "environment's sk_live_ key"));
  } else {
    out.push_back(Fail("api_key.production", variable,
                       variable + " is not a sk_live_ key: set it to the Production "
                                  "environment's sk_live_ key"));
  }
  return out;
}

CheckResult CheckClientId(const std::string& variable, const std::optional<std::string>& value) {
  const std::string id = value ? Trim(*value) : "";
  if (id.empty()) {
    return Fail("client_id.present", variable,
                variable + " is " + (value ? "empty" : "not set") +
                    ": set it to the environment's client id (client_…) from the dashboard");
  }
  if (!StartsWith(id, "client_") || id.size() == 7 || id.size() != value->size()) {
    return Fail("client_id.present", variable,
                variable +
                    " does not look like a WorkOS client id (client_…, no spaces): copy "
                    "it from the dashboard's API Keys page");
  }
  return Pass("client_id.present", variable, variable + " is set (" + id + ")");
}

// ================================================================== committed secrets

namespace {
bool IsKeyChar(char c) { return IsAlnum(c) || c == '_' || c == '-'; }
}  // namespace

namespace {

// Calls fn(key, text after it) for each key-shaped string of the line.
template <typename Fn>
void ForEachKeyShape(const std::string& line, Fn fn) {
  size_t pos = 0;
  while ((pos = line.find("sk_", pos)) != std::string::npos) {
    const size_t start = pos;
    pos += 3;
    if (start > 0 && IsKeyChar(line[start - 1])) continue;  // part of a longer word
    if (line.compare(start, 8, "sk_live_") != 0 && line.compare(start, 8, "sk_test_") != 0) {
      continue;
    }
    size_t end = start + 8;
    while (end < line.size() && IsKeyChar(line[end])) ++end;
    pos = end;
    if (end - start - 8 < kMinKeyBody) continue;
    fn(line.substr(start, end - start), line.substr(end, 96));
  }
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// The words of a key's tail: split at '_' and '-', where letters and digits meet, and (in tails
// without digits, such as YourApiKey) where a lower-case letter meets an upper-case one. Each word
// remembers whether a separator or an end of the tail bounds it on both sides.
struct TailWord {
  std::string text;
  bool separated = false;
};
std::vector<TailWord> TailWords(const std::string& tail) {
  const bool has_digit = std::any_of(tail.begin(), tail.end(), IsDigit);
  std::vector<TailWord> words;
  std::string cur;
  bool open_sep = true;  // what bounds the current word on the left
  auto flush = [&](bool close_sep) {
    if (!cur.empty()) words.push_back({cur, open_sep && close_sep});
    cur.clear();
    open_sep = close_sep;
  };
  for (char c : tail) {
    if (c == '_' || c == '-') {
      flush(true);
      continue;
    }
    if (!cur.empty()) {
      const char p = cur.back();
      if (IsDigit(p) != IsDigit(c) || (!has_digit && IsLower(p) && IsUpper(c))) flush(false);
    }
    cur += c;
  }
  flush(true);
  return words;
}

// "your", "YOUR" or "Your" — how people write words; random tails mix cases ("yOuR").
bool UniformCase(const std::string& w) {
  const bool lower = std::none_of(w.begin(), w.end(), IsUpper);
  const bool upper = std::none_of(w.begin(), w.end(), IsLower);
  const bool capital =
      !w.empty() && !IsLower(w[0]) && std::none_of(w.begin() + 1, w.end(), IsUpper);
  return lower || upper || capital;
}

// A template glued to the key, e.g. "<rest of key>" or "<REDACTED>"; not an HTML tag ("</code>",
// "<br>", "<span class=x>").
bool StartsWithTemplate(const std::string& next) {
  if (next.size() < 3 || next[0] != '<' || next[1] == '/') return false;
  const size_t close = next.find('>');
  if (close == std::string::npos || close > 80) return false;
  const std::string inner = next.substr(1, close - 1);
  if (inner.find_first_of("<=\"'") != std::string::npos) return false;
  return std::any_of(inner.begin(), inner.end(), [](char c) {
    return c == ' ' || c == '_' || c == '-' || c == '.' || IsUpper(c) ||
           static_cast<unsigned char>(c) >= 0x80;  // "…"
  });
}

}  // namespace

std::string PlaceholderReason(const std::string& key, const std::string& next) {
  const std::string tail = key.size() > 8 ? key.substr(8) : "";
  if (StartsWithTemplate(next)) return "a template in angle brackets follows it";

  // Placeholder words, written as words (one case, or capitalised).
  static const std::set<std::string> kWords = {
      "your",  "yours", "here",    "example",   "examples", "sample", "samples",  "placeholder",
      "dummy", "fake",  "replace", "replaceme", "changeme", "insert", "redacted", "todo"};
  for (const TailWord& tw : TailWords(tail)) {
    const std::string& w = tw.text;
    const bool xs = std::all_of(w.begin(), w.end(), [&](char c) { return c == w[0]; }) &&
                    (w[0] == 'x' || w[0] == 'X');
    if (xs && (w.size() >= 4 || (w.size() == 3 && tw.separated))) {
      return "a placeholder word ('" + w + "')";
    }
    if (!UniformCase(w)) continue;
    const std::string lw = ToLower(w);
    if (kWords.count(lw)) return "a placeholder word ('" + w + "')";
    for (const char* long_word : {"placeholder", "example", "changeme", "redacted", "replace"}) {
      if (lw.find(long_word) != std::string::npos) {
        return "a placeholder word ('" + std::string(long_word) + "')";
      }
    }
  }
  std::string joined;  // the tail without separators
  for (char c : tail) {
    if (c != '_' && c != '-') joined += c;
  }
  for (const char* w : {"your", "YOUR", "Your"}) {
    if (StartsWith(joined, w)) return "a placeholder word ('" + std::string(w) + "')";
  }
  for (const char* w : {"here", "HERE", "Here"}) {
    if (EndsWith(joined, w)) return "a placeholder word ('" + std::string(w) + "')";
  }
  const std::string flat = ToLower(joined);
  if (flat.empty()) return "no characters but separators";

  // Low entropy: few distinct characters, or a short unit repeated.
  std::set<char> distinct(flat.begin(), flat.end());
  if (distinct.size() <= 3) {
    return "low-entropy (" + std::to_string(distinct.size()) + " distinct characters)";
  }
  for (size_t period = 1; period * 2 <= flat.size(); ++period) {
    bool repeats = true;
    for (size_t i = period; i < flat.size() && repeats; ++i) repeats = flat[i] == flat[i - period];
    if (repeats) return "low-entropy ('" + flat.substr(0, period) + "' repeated)";
  }

  // Sequential: nearly every step is +1 or -1 (9 -> 0 and z -> a wrap).
  size_t steps = 0;
  for (size_t i = 1; i < flat.size(); ++i) {
    const char a = flat[i - 1], b = flat[i];
    const bool same_class = IsDigit(a) == IsDigit(b);
    const int d = b - a;
    if (same_class && (d == 1 || d == -1 || (a == '9' && b == '0') || (a == 'z' && b == 'a'))) {
      ++steps;
    }
  }
  if (flat.size() >= 2 && steps * 4 >= (flat.size() - 1) * 3) return "sequential characters";
  return "";
}

std::vector<std::string> FindKeyShapes(const std::string& line) {
  std::vector<std::string> out;
  ForEachKeyShape(line, [&](const std::string& key, const std::string&) { out.push_back(key); });
  return out;
}

std::vector<std::string> FindKeys(const std::string& line) {
  std::vector<std::string> out;
  ForEachKeyShape(line, [&](const std::string& key, const std::string& next) {
    if (PlaceholderReason(key, next).empty()) out.push_back(key);
  });
  return out;
}

bool IsEnvFile(const std::string& path) {
  size_t slash = path.rfind('/');
  const std::string base = ToLower(slash == std::string::npos ? path : path.substr(slash + 1));
  static const char* const kTemplates[] = {"example", "sample", "template", "dist", "defaults"};
  if (base == ".env") return true;
  if (StartsWith(base, ".env.")) {
    const std::string rest = base.substr(5);
    for (const char* t : kTemplates) {
      if (rest == t || StartsWith(rest, std::string(t) + ".") ||
          EndsWith(rest, std::string(".") + t)) {
        return false;
      }
    }
    return true;
  }
  if (EndsWith(base, ".env") && base.size() > 4) {
    const std::string stem = base.substr(0, base.size() - 4);
    for (const char* t : kTemplates) {
      if (stem == t || EndsWith(stem, std::string(".") + t)) return false;
    }
    return true;
  }
  return false;
}

bool GlobMatch(const std::string& glob, const std::string& path) {
  return fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

AllowList AllowList::Parse(const std::string& text, std::vector<std::string>* errors) {
  AllowList a;
  std::istringstream in(text);
  std::string raw;
  int n = 0;
  while (std::getline(in, raw)) {
    ++n;
    std::string line = raw;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    auto error = [&](const std::string& msg) {
      if (errors) errors->push_back("line " + std::to_string(n) + ": " + msg);
    };
    if (w[0] == "env-file") {
      if (w.size() < 2) {
        error("env-file needs a path (glob)");
        continue;
      }
      a.env_files.insert(a.env_files.end(), w.begin() + 1, w.end());
      continue;
    }
    std::vector<std::string> keys = FindKeyShapes(w[0]);
    if (keys.size() != 1 || keys[0] != w[0]) {
      error("'" + (StartsWith(w[0], "sk_") ? RedactKey(w[0]) : w[0]) +
            "' is not a whole key (sk_live_…/sk_test_… of at least " + std::to_string(kMinKeyBody) +
            " characters); prefixes and patterns are not allowed, list each key");
      continue;
    }
    a.keys.push_back(KeyEntry{w[0], std::vector<std::string>(w.begin() + 1, w.end())});
  }
  return a;
}

bool AllowList::AllowsKey(const std::string& key, const std::string& path) const {
  for (const KeyEntry& e : keys) {
    if (e.key != key) continue;
    if (e.globs.empty()) return true;
    for (const std::string& g : e.globs) {
      if (GlobMatch(g, path)) return true;
    }
  }
  return false;
}

bool AllowList::AllowsEnvFile(const std::string& path) const {
  for (const std::string& g : env_files) {
    if (GlobMatch(g, path)) return true;
  }
  return false;
}

std::string Finding::Describe() const {
  std::string where_text = path;
  if (line > 0) where_text += ":" + std::to_string(line);
  if (where == Where::kHistory) where_text = "commit " + commit + " " + where_text;
  if (what == What::kEnvFile) {
    return where_text + ": dotenv file " +
           (where == Where::kHistory ? "added in history" : "is tracked");
  }
  return where_text + ": " + RedactKey(key) +
         (where == Where::kHistory ? " (added in history)" : "");
}

void ScanText(const std::string& path, const std::string& text, const AllowList& allow,
              ScanTally* tally) {
  size_t begin = 0;
  int line_no = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string line = text.substr(begin, end - begin);
    if (line.find("sk_") != std::string::npos) {
      const bool marked = line.find(kAllowMarker) != std::string::npos;
      for (const std::string& key : FindKeys(line)) {
        if (marked || allow.AllowsKey(key, path)) {
          ++tally->allowed;
          tally->allowed_items.insert(key);
          continue;
        }
        Finding f;
        f.where = Finding::Where::kTrackedFile;
        f.path = path;
        f.line = line_no;
        f.key = key;
        tally->findings.push_back(f);
      }
    }
    if (end == text.size()) break;
    begin = end + 1;
  }
}

namespace {
// "a/P b/P" (no renames) → P; handles git's quoted form only approximately.
std::string DiffGitPath(const std::string& rest) {
  if (rest.size() >= 5 && StartsWith(rest, "a/") && (rest.size() - 5) % 2 == 0) {
    const size_t n = (rest.size() - 5) / 2;
    if (rest.compare(2 + n, 3, " b/") == 0 && rest.compare(2, n, rest, 5 + n, n) == 0) {
      return rest.substr(2, n);
    }
  }
  size_t b = rest.rfind(" b/");
  if (b != std::string::npos) return rest.substr(b + 3);
  size_t qb = rest.rfind(" \"b/");
  if (qb != std::string::npos) {
    std::string p = rest.substr(qb + 4);
    if (!p.empty() && p.back() == '"') p.pop_back();
    return p;
  }
  return rest;
}
}  // namespace

void ScanHistory(const std::string& log_patch, const AllowList& allow, ScanTally* tally) {
  const std::string kCommit = "\x01golive-commit ";
  std::set<std::pair<std::string, std::string>> seen_keys;  // (key, path)
  std::set<std::string> seen_env;
  std::string commit, path;
  bool in_header = false;  // between "diff --git" and the first "@@"
  int new_line = 0;
  size_t begin = 0;
  while (begin < log_patch.size()) {
    size_t end = log_patch.find('\n', begin);
    if (end == std::string::npos) end = log_patch.size();
    const std::string line = log_patch.substr(begin, end - begin);
    begin = end + 1;

    if (StartsWith(line, kCommit)) {
      commit = line.substr(kCommit.size());
      in_header = false;
      path.clear();
      continue;
    }
    if (StartsWith(line, "diff --git ")) {
      path = DiffGitPath(line.substr(11));
      in_header = true;
      continue;
    }
    if (in_header) {
      if (StartsWith(line, "new file mode") && IsEnvFile(path) && seen_env.insert(path).second) {
        if (allow.AllowsEnvFile(path)) {
          ++tally->allowed;
          tally->allowed_items.insert(path);
        } else {
          Finding f;
          f.where = Finding::Where::kHistory;
          f.what = Finding::What::kEnvFile;
          f.path = path;
          f.commit = commit;
          tally->findings.push_back(f);
        }
      } else if (StartsWith(line, "+++ ")) {
        std::string p = line.substr(4);
        if (StartsWith(p, "b/")) path = p.substr(2);
      } else if (StartsWith(line, "@@")) {
        in_header = false;
      }
      if (in_header) continue;
    }
    if (StartsWith(line, "@@")) {
      // @@ -a[,b] +c[,d] @@
      size_t plus = line.find(" +");
      new_line = plus == std::string::npos ? 0 : std::atoi(line.c_str() + plus + 2);
      continue;
    }
    if (line.empty() || path.empty()) continue;
    if (line[0] == '+') {
      const std::string added = line.substr(1);
      const int at = new_line++;
      if (added.find("sk_") == std::string::npos) continue;
      const bool marked = added.find(kAllowMarker) != std::string::npos;
      for (const std::string& key : FindKeys(added)) {
        if (!seen_keys.insert({key, path}).second) continue;
        if (marked || allow.AllowsKey(key, path)) {
          ++tally->allowed;
          tally->allowed_items.insert(key);
          continue;
        }
        Finding f;
        f.where = Finding::Where::kHistory;
        f.path = path;
        f.line = at;
        f.commit = commit;
        f.key = key;
        tally->findings.push_back(f);
      }
    } else if (line[0] == ' ') {
      ++new_line;
    }
  }
}

namespace {

struct ProcessResult {
  int exit_code = -1;  // -1: could not run
  std::string out;
  std::string err;
  bool truncated = false;  // stdout exceeded the cap; the process was stopped
};

// Runs argv (no shell) and collects stdout (up to max_out bytes) and stderr.
ProcessResult RunProcess(const std::vector<std::string>& argv, size_t max_out) {
  ProcessResult r;
  int out[2], err[2];
  if (pipe(out) != 0) return r;
  if (pipe(err) != 0) {
    close(out[0]);
    close(out[1]);
    return r;
  }
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    return r;
  }
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0].c_str(), std::strerror(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& dst = i == 0 ? r.out : r.err;
      if (i == 1 && dst.size() > 65536) continue;
      dst.append(buf, static_cast<size_t>(n));
      if (i == 0 && r.out.size() > max_out && !r.truncated) {
        r.truncated = true;
        kill(pid, SIGTERM);
      }
    }
  }
  for (auto& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (r.truncated) r.out.resize(std::min(r.out.size(), max_out));
  return r;
}

std::string FirstLine(const std::string& text) {
  std::string t = Trim(text);
  size_t nl = t.find('\n');
  return nl == std::string::npos ? t : t.substr(0, nl);
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), {});
  return true;
}

}  // namespace

CheckResult CheckRepository(const RepoScanOptions& o) {
  const std::string id = "repo.no_committed_secrets";
  const std::string repo = o.repo.empty() ? "." : o.repo;
  auto git = [&](std::vector<std::string> args, size_t max_out) {
    args.insert(args.begin(), {"git", "-C", repo, "-c", "core.quotepath=off"});
    return RunProcess(args, max_out);
  };

  ProcessResult top = git({"rev-parse", "--show-toplevel"}, 1 << 16);
  if (top.exit_code != 0) {
    std::string why = FirstLine(top.err);
    return Fail(id, repo,
                repo + " is not a git checkout (" + (why.empty() ? "git failed" : why) +
                    "): pass --repo with the repository's path (in CI, check it out first)");
  }
  const std::string root = Trim(top.out);

  // The allow file.
  AllowList allow;
  std::string allow_path = o.allow_file.empty() ? root + "/.golive-allow" : o.allow_file;
  std::string allow_text;
  bool have_allow = ReadFile(allow_path, &allow_text);
  if (!have_allow && !o.allow_file.empty()) {
    return Fail(id, repo, "cannot read the allow file " + o.allow_file + ": fix --allow-file");
  }
  std::string allow_rel;  // the allow file's path in the repository (not scanned)
  if (have_allow) {
    std::vector<std::string> errors;
    allow = AllowList::Parse(allow_text, &errors);
    if (!errors.empty()) {
      CheckResult r = Fail(id, repo,
                           "the allow file " + allow_path + " has " +
                               Plural(errors.size(), "bad entry", "bad entries") +
                               ": fix it (whole keys only; see docs/ci.md)");
      for (const std::string& e : errors) r.details.push_back(allow_path + ": " + e);
      return r;
    }
    if (StartsWith(allow_path, root + "/")) allow_rel = allow_path.substr(root.size() + 1);
  }

  // Tracked files, as they are in the working tree.
  ProcessResult ls = git({"ls-files", "-z"}, 256u << 20);
  if (ls.exit_code != 0) {
    return Fail(id, repo, "git ls-files failed: " + FirstLine(ls.err));
  }
  ScanTally tally;
  std::vector<std::string> skipped;
  size_t files = 0;
  for (size_t b = 0; b < ls.out.size();) {
    size_t e = ls.out.find('\0', b);
    if (e == std::string::npos) e = ls.out.size();
    const std::string rel = ls.out.substr(b, e - b);
    b = e + 1;
    if (rel.empty() || rel == allow_rel || rel == ".golive-allow") continue;
    ++files;
    if (IsEnvFile(rel)) {
      if (allow.AllowsEnvFile(rel)) {
        ++tally.allowed;
        tally.allowed_items.insert(rel);
      } else {
        Finding f;
        f.what = Finding::What::kEnvFile;
        f.path = rel;
        tally.findings.push_back(f);
      }
    }
    const std::string full = root + "/" + rel;
    struct stat st;
    if (lstat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // deleted, link, module
    if (static_cast<size_t>(st.st_size) > o.max_file_bytes) {
      skipped.push_back(rel);
      continue;
    }
    std::string text;
    if (!ReadFile(full, &text)) continue;
    if (text.find('\0') < 8000) continue;  // binary
    ScanText(rel, text, allow, &tally);
  }

  // History: added lines of the newest commits on every ref.
  int commits = 0;
  bool history_truncated = false;
  bool shallow = false;
  if (o.history_commits > 0) {
    ProcessResult count = git({"rev-list", "--all", "--count"}, 1 << 16);
    if (count.exit_code == 0) commits = std::min(std::atoi(count.out.c_str()), o.history_commits);
    ProcessResult sh = git({"rev-parse", "--is-shallow-repository"}, 1 << 16);
    shallow = Trim(sh.out) == "true";
    if (commits > 0) {
      ProcessResult log =
          git({"log", "--all", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
               "--no-renames", "--max-count=" + std::to_string(o.history_commits),
               std::string("--format=") + kHistoryFormat},
              256u << 20);
      if (log.exit_code != 0 && !log.truncated) {
        return Fail(id, repo, "git log failed: " + FirstLine(log.err));
      }
      history_truncated = log.truncated;
      // History reports only what the tracked files do not already show: keys that were
      // "removed" but stay in history, and dotenv files that were deleted since.
      std::set<std::string> current;
      for (const Finding& f : tally.findings)
        current.insert(f.what == Finding::What::kKey ? f.key : f.path);
      ScanTally past;
      ScanHistory(log.out, allow, &past);
      tally.allowed += past.allowed;
      tally.allowed_items.insert(past.allowed_items.begin(), past.allowed_items.end());
      for (const Finding& f : past.findings) {
        // The allow file is not scanned, in its history either: it lists the allowed keys.
        if (f.path == ".golive-allow" || (!allow_rel.empty() && f.path == allow_rel)) continue;
        if (!current.count(f.what == Finding::What::kKey ? f.key : f.path))
          tally.findings.push_back(f);
      }
    }
  }

  std::string scope = Plural(files, "tracked file", "tracked files");
  if (o.history_commits > 0) {
    scope += " and " + Plural(static_cast<size_t>(commits), "commit", "commits") + " of history";
  }
  std::string notes;
  if (!tally.allowed_items.empty()) {
    notes += "; allowed: " +
             Plural(tally.allowed_items.size(), "test key or file", "test keys or files") + " (" +
             std::to_string(tally.allowed) + " places, by " +
             (have_allow ? ".golive-allow or " : "") + kAllowMarker + ")";
  }
  if (shallow) notes += "; shallow clone: fetch full history (fetch-depth: 0) to scan it all";
  if (history_truncated) notes += "; history output over 256 MiB was cut short";

  CheckResult r;
  if (tally.findings.empty()) {
    r = Pass(id, repo, "no WorkOS secret keys or .env files in " + scope + notes);
  } else {
    size_t in_files = 0, in_history = 0;
    for (const Finding& f : tally.findings) {
      (f.where == Finding::Where::kTrackedFile ? in_files : in_history)++;
    }
    r = Fail(id, repo,
             Plural(tally.findings.size(), "committed secret", "committed secrets") + " (" +
                 std::to_string(in_files) + " in tracked files, " + std::to_string(in_history) +
                 " in history): remove them and rotate any real key in the dashboard (history "
                 "keeps it); list test-only keys in .golive-allow");
    for (const Finding& f : tally.findings) r.details.push_back(f.Describe());
  }
  for (const std::string& s : skipped) {
    r.details.push_back(s + ": not scanned (larger than " + std::to_string(o.max_file_bytes >> 20) +
                        " MiB)");
  }
  return r;
}

// ================================================================== the app's SDK

const char* SdkName(Sdk sdk) {
  switch (sdk) {
    case Sdk::kNode:
      return "Node (@workos-inc/node)";
    case Sdk::kPython:
      return "Python (workos)";
    case Sdk::kRuby:
      return "Ruby (workos gem)";
    case Sdk::kGo:
      return "Go (workos-go)";
    case Sdk::kPhp:
      return "PHP (workos/workos-php)";
  }
  return "?";
}

namespace {

// `name` as a whole package name in `text`: not part of a longer name (workos-sso, myworkos).
bool NamesPackage(const std::string& text, const std::string& name) {
  auto part = [](char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.' || c == '/'; };
  const std::string lower = ToLower(text);
  for (size_t p = lower.find(name); p != std::string::npos; p = lower.find(name, p + 1)) {
    const bool start_ok = p == 0 || !part(lower[p - 1]);
    const size_t e = p + name.size();
    const bool end_ok = e >= lower.size() || !part(lower[e]) || lower[e] == '.';
    if (start_ok && end_ok &&
        !(e < lower.size() && lower[e] == '.' && e + 1 < lower.size() && IsAlnum(lower[e + 1]))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<Sdk> SdkFromManifest(const std::string& path, const std::string& text) {
  const size_t slash = path.rfind('/');
  const std::string base = ToLower(slash == std::string::npos ? path : path.substr(slash + 1));
  if (base == "package.json") {
    if (text.find("\"@workos-inc/node\"") != std::string::npos) return Sdk::kNode;
    return std::nullopt;
  }
  if (base == "go.mod") {
    if (text.find("github.com/workos/workos-go") != std::string::npos) return Sdk::kGo;
    return std::nullopt;
  }
  if (base == "composer.json") {
    if (text.find("\"workos/workos-php\"") != std::string::npos) return Sdk::kPhp;
    return std::nullopt;
  }
  if (base == "gemfile" || EndsWith(base, ".gemspec")) {
    if (text.find("'workos'") != std::string::npos || text.find("\"workos\"") != std::string::npos)
      return Sdk::kRuby;
    return std::nullopt;
  }
  const bool python = (StartsWith(base, "requirements") && EndsWith(base, ".txt")) ||
                      base == "pyproject.toml" || base == "pipfile" || base == "setup.py" ||
                      base == "setup.cfg";
  if (python && NamesPackage(text, "workos")) return Sdk::kPython;
  return std::nullopt;
}

std::vector<Sdk> DetectSdks(const std::string& repo) {
  ProcessResult ls = RunProcess(
      {"git", "-C", repo.empty() ? "." : repo, "-c", "core.quotepath=off", "ls-files", "-z"},
      64u << 20);
  std::set<Sdk> found;
  if (ls.exit_code != 0) return {};
  ProcessResult top =
      RunProcess({"git", "-C", repo.empty() ? "." : repo, "rev-parse", "--show-toplevel"}, 1 << 16);
  const std::string root = Trim(top.out);
  for (size_t b = 0; b < ls.out.size();) {
    size_t e = ls.out.find('\0', b);
    if (e == std::string::npos) e = ls.out.size();
    const std::string rel = ls.out.substr(b, e - b);
    b = e + 1;
    if (rel.find("node_modules/") != std::string::npos || StartsWith(rel, "vendor/") ||
        rel.find("/vendor/") != std::string::npos) {
      continue;
    }
    // Only manifests: SdkFromManifest of an empty text is cheap and says whether the name fits.
    const size_t slash = rel.rfind('/');
    const std::string base = ToLower(slash == std::string::npos ? rel : rel.substr(slash + 1));
    const bool manifest = base == "package.json" || base == "go.mod" || base == "composer.json" ||
                          base == "gemfile" || EndsWith(base, ".gemspec") ||
                          (StartsWith(base, "requirements") && EndsWith(base, ".txt")) ||
                          base == "pyproject.toml" || base == "pipfile" || base == "setup.py" ||
                          base == "setup.cfg";
    if (!manifest) continue;
    struct stat st;
    const std::string full = root + "/" + rel;
    if (stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) continue;
    std::string text;
    if (!ReadFile(full, &text)) continue;
    if (auto sdk = SdkFromManifest(rel, text)) found.insert(*sdk);
  }
  return std::vector<Sdk>(found.begin(), found.end());
}

std::string SdkBaseUrlHint(Sdk sdk, const std::string& mock_url) {
  // scheme://host[:port]
  std::string scheme = "http", host = "127.0.0.1", port;
  const size_t colon = mock_url.find("://");
  if (colon != std::string::npos) {
    scheme = ToLower(mock_url.substr(0, colon));
    std::string authority = mock_url.substr(colon + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    const size_t pc = authority.rfind(':');
    if (pc != std::string::npos && authority.find(']', pc) == std::string::npos) {
      port = authority.substr(pc + 1);
      host = authority.substr(0, pc);
    } else {
      host = authority;
    }
  }
  const std::string url = mock_url.empty() ? "http://127.0.0.1:4400" : mock_url;
  switch (sdk) {
    case Sdk::kNode:
      return std::string(SdkName(sdk)) +
             ": reads WORKOS_API_KEY and WORKOS_CLIENT_ID but no base-URL variable; construct it "
             "with new WorkOS(apiKey, { apiHostname: '" +
             host + "'" + (port.empty() ? "" : ", port: " + port) +
             ", https: " + (scheme == "https" ? "true" : "false") + " })";
    case Sdk::kPython:
      return std::string(SdkName(sdk)) + ": reads WORKOS_BASE_URL: set WORKOS_BASE_URL=" + url +
             " for the app (or WorkOSClient(base_url='" + url + "'))";
    case Sdk::kRuby:
      return std::string(SdkName(sdk)) +
             ": reads no base-URL variable; WorkOS.configure { |c| c.base_url = '" + url +
             "' } (or WorkOS::Client.new(base_url: '" + url + "'))";
    case Sdk::kGo:
      return std::string(SdkName(sdk)) +
             ": reads no variables; workos.NewClient(apiKey, workos.WithBaseURL(\"" + url + "\"))";
    case Sdk::kPhp:
      return std::string(SdkName(sdk)) +
             ": reads WORKOS_API_KEY and WORKOS_CLIENT_ID but no base-URL variable; new "
             "\\WorkOS\\WorkOS(baseUrl: '" +
             url + "')";
  }
  return "";
}

// ================================================================== the app receives redirects

namespace {

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

std::string Seconds(std::chrono::steady_clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s",
                std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0);
  return buf;
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

const char* kBrowserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "workos-client-golive/1.0";

// What the happy flow leaves for the error cases.
struct FlowContext {
  bool reached_app = false;  // the app answered its callback (any status)
  std::string link;          // the magic link that was clicked (now used)
};

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

}  // namespace

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

// ================================================================== the live API

CheckResult CheckLiveKey(bool enabled, const std::optional<std::string>& api_key,
                         const Config& base, const std::string& base_url) {
  const std::string id = "api_key.live";
  if (!enabled) {
    return Skip(id, base_url, "opt-in: run with --live to confirm the live API accepts the key");
  }
  if (!api_key || Trim(*api_key).empty()) return Skip(id, base_url, "no API key to try");
  Config c = base;
  c.base_url = base_url;
  c.api_key = Trim(*api_key);
  if (base_url == kLiveBaseUrl) c.ca_file.clear();  // --ca-file is for the mock's certificate
  c.retry.max_retries = 1;
  try {
    Client client(c);
    ListConnectionsOptions lo;
    lo.limit = 1;
    client.connections().List(lo);
    return Pass(id, base_url, "GET /connections?limit=1 accepted the key");
  } catch (const UnauthorizedError&) {
    return Fail(id, base_url,
                "the live API refused the key (401): copy the current key from the dashboard's "
                "API Keys page (it may have been rotated or revoked)");
  } catch (const ApiError& e) {
    return Fail(id, base_url,
                "GET /connections answered " + std::to_string(e.status()) + " (request id " +
                    e.request_id() + "): check the key's environment and permissions");
  } catch (const Error& e) {
    return Fail(id, base_url,
                std::string("could not reach the live API: ") + e.what() +
                    " (check the network and proxy settings)");
  }
}

// ================================================================== the whole checklist

Report RunChecklist(const ChecklistOptions& o) {
  Report report;
  auto timed = [&](auto fn) {
    const auto t0 = std::chrono::steady_clock::now();
    auto results = fn();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (auto& r : results) {
      r.seconds = s / static_cast<double>(results.size());
      report.checks.push_back(std::move(r));
    }
  };
  timed([&] { return CheckRedirectUris(o.redirect_uris, o.kind); });
  timed([&] { return CheckApiKey(o.api_key_variable, o.api_key, o.kind); });
  timed([&] { return std::vector<CheckResult>{CheckClientId(o.client_id_variable, o.client_id)}; });
  timed([&] { return std::vector<CheckResult>{CheckRepository(o.repo)}; });
  timed([&] {
    AppFlowOptions app = o.app;
    if (app.sdks.empty() && !app.callback_url.empty() && !app.mock_url.empty()) {
      app.sdks = DetectSdks(o.repo.repo);
    }
    return CheckAppRedirects(app);
  });
  timed([&] {
    return std::vector<CheckResult>{CheckLiveKey(o.live, o.api_key, o.app.base, o.live_base_url)};
  });
  // Last line of defence: no key in any text.
  std::vector<std::string> secrets;
  if (o.api_key && o.api_key->size() >= 8) secrets.push_back(*o.api_key);
  if (o.app.mock_api_key.size() >= 8) secrets.push_back(o.app.mock_api_key);
  auto scrub = [&](std::string& t) {
    for (const std::string& s : secrets) {
      for (size_t p = t.find(s); p != std::string::npos; p = t.find(s, p)) {
        t.replace(p, s.size(), "[REDACTED]");
      }
    }
  };
  for (CheckResult& r : report.checks) {
    scrub(r.reason);
    scrub(r.subject);
    for (std::string& d : r.details) scrub(d);
  }
  return report;
}

// ================================================================== output

namespace {
// Display width: counts UTF-8 code points, not bytes (the reasons contain '…').
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}
std::string Pad(const std::string& s, size_t w) {
  size_t n = Width(s);
  return n >= w ? s : s + std::string(w - n, ' ');
}
}  // namespace

std::string RenderTable(const Report& report) {
  size_t wid = 5, wsub = 7;
  for (const CheckResult& c : report.checks) {
    wid = std::max(wid, Width(c.id));
    wsub = std::max(wsub, Width(c.subject));
  }
  wsub = std::min<size_t>(wsub, 48);
  std::ostringstream out;
  out << Pad("RESULT", 7) << Pad("CHECK", wid + 2) << Pad("SUBJECT", wsub + 2) << "REASON\n";
  for (const CheckResult& c : report.checks) {
    out << Pad(StatusName(c.status), 7) << Pad(c.id, wid + 2) << Pad(c.subject, wsub + 2)
        << c.reason << "\n";
  }
  out << "\n"
      << report.count(Status::kPass) << " passed, " << report.count(Status::kFail) << " failed, "
      << report.count(Status::kSkip) << " skipped";
  // Advice beyond the live rules; it never fails the checklist.
  if (const int warned = report.count(Status::kWarn)) {
    out << ", " << warned << (warned == 1 ? " warning" : " warnings");
  }
  out << "\n";
  bool header = false;
  for (const CheckResult& c : report.checks) {
    if (c.status != Status::kFail || c.details.empty()) continue;
    if (!header) out << "\nDetails:\n";
    header = true;
    out << "  " << c.id << ":\n";
    const size_t kMax = 50;
    for (size_t i = 0; i < c.details.size() && i < kMax; ++i) {
      out << "    " << c.details[i] << "\n";
    }
    if (c.details.size() > kMax) {
      out << "    … and " << c.details.size() - kMax << " more (see the JUnit report)\n";
    }
  }
  return out.str();
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        if (c < 0x20 || c == 0x7f) break;  // not allowed in XML 1.0 (or unhelpful)
        out += static_cast<char>(c);
    }
  }
  // Invalid UTF-8 would make the file unreadable; replace stray bytes.
  std::string clean;
  for (size_t i = 0; i < out.size();) {
    const unsigned char c = static_cast<unsigned char>(out[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= out.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(out[i + k]) & 0xC0) == 0x80;
    }
    if (ok) {
      clean.append(out, i, len);
      i += len;
    } else {
      clean += "?";
      ++i;
    }
  }
  return clean;
}

std::string RenderJUnit(const Report& report, const std::string& suite_name) {
  double total = 0;
  for (const CheckResult& c : report.checks) total += c.seconds;
  auto secs = [](double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return std::string(buf);
  };
  std::ostringstream x;
  const std::string counts =
      " tests=\"" + std::to_string(report.checks.size()) + "\" failures=\"" +
      std::to_string(report.count(Status::kFail)) + "\" errors=\"0\" skipped=\"" +
      std::to_string(report.count(Status::kSkip)) + "\" time=\"" + secs(total) + "\"";
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"" << XmlEscape(suite_name) << "\"" << counts << ">\n";
  x << "  <testsuite name=\"" << XmlEscape(suite_name) << "\"" << counts << ">\n";
  for (const CheckResult& c : report.checks) {
    const size_t dot = c.id.find('.');
    const std::string group = dot == std::string::npos ? c.id : c.id.substr(0, dot);
    const std::string name = c.subject.empty() ? c.id : c.id + " [" + c.subject + "]";
    x << "    <testcase classname=\"golive." << XmlEscape(group) << "\" name=\"" << XmlEscape(name)
      << "\" time=\"" << secs(c.seconds) << "\"";
    if (c.status == Status::kPass) {
      x << "/>\n";
      continue;
    }
    x << ">\n";
    if (c.status == Status::kWarn) {
      // A passing test case that carries the advice.
      x << "      <system-out>WARN: " << XmlEscape(c.reason) << "</system-out>\n";
    } else if (c.status == Status::kSkip) {
      x << "      <skipped message=\"" << XmlEscape(c.reason) << "\"/>\n";
    } else {
      std::string body = c.reason;
      for (const std::string& d : c.details) body += "\n" + d;
      // Element text: one escaped line per detail, newlines kept literal.
      std::string esc;
      std::istringstream lines(body);
      for (std::string l; std::getline(lines, l);) esc += XmlEscape(l) + "\n";
      x << "      <failure type=\"" << XmlEscape(c.id) << "\" message=\"" << XmlEscape(c.reason)
        << "\">" << esc << "      </failure>\n";
    }
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace golive
}  // namespace workos
