#include "drift.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "workos/http.h"
#include "workos/internal/url.h"
#include "workos/internal/xml.h"

namespace conformance::drift {

using nlohmann::json;

const std::vector<std::string> kHeaders = {"content-type", "location", "retry-after",
                                           "cache-control"};

namespace {

constexpr char kSep = '\x1f';

// Members whose string values are fixed texts of the API (codes, messages, kinds), recorded
// (normalised). Other strings are recorded by type only, unless they hold an id, a timestamp, an
// email, a URL or a token (then as their kind, e.g. "{timestamp}").
const std::set<std::string> kTextMembers = {
    "object", "code",  "message",         "error", "error_description", "error_uri",
    "field",  "state", "connection_type", "type",  "token_type"};

// Request and response fields that carry secrets, and their kind.
const std::map<std::string, std::string> kSecretFields = {{"code", "code"},
                                                          {"access_token", "access_token"},
                                                          {"refresh_token", "refresh_token"},
                                                          {"id_token", "id_token"},
                                                          {"client_secret", "api_key"},
                                                          {"api_key", "api_key"},
                                                          {"code_verifier", "code_verifier"},
                                                          {"token", "token"}};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// "a=1&b=2" -> pairs, decoded.
std::vector<std::pair<std::string, std::string>> ParsePairs(const std::string& s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, '&')) {
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    out.emplace_back(
        workos::internal::PercentDecode(item.substr(0, eq)),
        eq == std::string::npos ? "" : workos::internal::PercentDecode(item.substr(eq + 1)));
  }
  return out;
}

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    const size_t at = kAlphabet.find(c);
    if (at == std::string::npos) break;  // '=' or the end
    value = (value << 6) | static_cast<int>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

struct Url {
  std::string origin;  // "https://host:port" or ""
  std::string path;
  std::string query;
  std::string fragment;
};

Url SplitUrl(const std::string& url) {
  Url u;
  std::string rest = url;
  const size_t scheme = rest.find("://");
  if (scheme != std::string::npos && rest.find_first_of("/?#") > scheme) {
    const size_t end = rest.find_first_of("/?#", scheme + 3);
    u.origin = rest.substr(0, end);
    rest = end == std::string::npos ? "" : rest.substr(end);
  }
  const size_t hash = rest.find('#');
  if (hash != std::string::npos) {
    u.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  const size_t q = rest.find('?');
  if (q != std::string::npos) {
    u.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  u.path = rest;
  return u;
}

// The link token of a magic-link URL's path, or "".
std::string LinkToken(const std::string& path) {
  static const std::regex re(R"(/passwordless/([^/]+)/confirm/?$)");
  std::smatch m;
  if (std::regex_search(path, m, re) && m[1].str() != "sessions") return m[1].str();
  return "";
}

std::string TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "integer";
    case json::value_t::number_float:
      return "number";
    case json::value_t::string:
      return "string";
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "other";
  }
}

// Shape paths: "$", "$.member", "$.list[]". Characters that would be read as structure are
// escaped with a backslash.
std::string Member(const std::string& parent, const std::string& name) {
  std::string out = parent + ".";
  for (char c : name) {
    if (c == '\\' || c == '.' || c == '[') out += '\\';
    out += c;
  }
  return out;
}

bool IsItems(const std::string& path) {
  // Ends with an unescaped "[]".
  if (path.size() < 2 || path.compare(path.size() - 2, 2, "[]") != 0) return false;
  size_t backslashes = 0;
  for (size_t i = path.size() - 2; i > 0 && path[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

// The parent path ("" for "$").
std::string Parent(const std::string& path) {
  if (IsItems(path)) return path.substr(0, path.size() - 2);
  size_t last_dot = std::string::npos;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\') {
      ++i;
    } else if (path[i] == '.') {
      last_dot = i;
    }
  }
  return last_dot == std::string::npos ? "" : path.substr(0, last_dot);
}

bool UnderArray(const std::string& path) {
  for (std::string p = path; !p.empty(); p = Parent(p))
    if (IsItems(p)) return true;
  return false;
}

void Walk(const json& v, const std::string& path, const std::string& member,
          std::map<std::string, Node>& shape, const Recorder& r) {
  Node& n = shape[path];
  ++n.count;
  n.types.insert(TypeName(v));
  if (v.is_object()) {
    ++n.object_count;
    for (auto it = v.begin(); it != v.end(); ++it)
      Walk(it.value(), Member(path, r.Normalise(it.key())), it.key(), shape, r);
  } else if (v.is_array()) {
    for (const auto& item : v) Walk(item, path + "[]", member, shape, r);
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    const std::string normalised = r.Normalise(s);
    if (kTextMembers.count(member) || normalised != s) n.values.insert(normalised);
  }
}

std::string HeaderValue(const std::string& name, const std::string& raw, const Recorder& r) {
  std::string v = Trim(raw);
  if (name == "retry-after") {
    if (v.empty()) return v;
    return std::all_of(v.begin(), v.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })
               ? "{seconds}"
               : "{http-date}";
  }
  if (name == "location") {
    Url u = SplitUrl(v);
    std::string out = r.Normalise(u.origin + u.path);
    if (!u.query.empty()) {
      std::vector<std::string> params;
      for (const auto& [k, val] : ParsePairs(u.query))
        params.push_back(r.Normalise(k) + "=" + r.Normalise(val));
      std::sort(params.begin(), params.end());
      std::string q;
      for (const auto& p : params) q += (q.empty() ? "" : "&") + p;
      out += "?" + q;
    }
    if (!u.fragment.empty()) out += "#" + r.Normalise(u.fragment);
    return out;
  }
  // content-type, cache-control: parameters trimmed and rejoined, lower case.
  const char sep = name == "cache-control" ? ',' : ';';
  std::string out;
  std::stringstream in(Lower(v));
  std::string part;
  while (std::getline(in, part, sep)) {
    part = Trim(part);
    if (part.empty()) continue;
    if (!out.empty()) out += std::string(1, sep) + " ";
    out += part;
  }
  return r.Normalise(out);
}

template <typename T>
bool Subset(const std::set<T>& a, const std::set<T>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

// Single observations must match exactly; merged samples (array items, Repeated groups) differ
// only when neither side's set could grow into the other's by sampling more.
template <typename T>
bool SetsDiffer(const std::set<T>& a, const std::set<T>& b, bool sampled) {
  if (!sampled) return a != b;
  return !Subset(a, b) && !Subset(b, a);
}

std::string Quote(const std::string& s) { return json(s).dump(); }

std::string Join(const std::set<std::string>& s, const std::string& sep, bool quote = false) {
  std::string out;
  for (const auto& v : s) out += (out.empty() ? "" : sep) + (quote ? Quote(v) : v);
  return out;
}

std::string Join(const std::set<long>& s) {
  std::string out;
  for (long v : s) out += (out.empty() ? "" : "|") + std::to_string(v);
  return out;
}

std::string Describe(const Node& n) {
  std::string out = Join(n.types, "|");
  if (!n.values.empty()) out += " " + Join(n.values, " | ", true);
  if (n.optional) out += " (optional)";
  return out;
}

std::string Summary(const Observation& o) {
  return "status " + Join(o.statuses) + ", " + Join(o.bodies, "|");
}

json NodeJson(const Node& n) {
  json j = {{"type", Join(n.types, "|")}};
  if (n.values.size() == 1) j["value"] = *n.values.begin();
  if (n.values.size() > 1) j["values"] = n.values;
  if (n.optional) j["optional"] = true;
  return j;
}

template <typename T>
json SetJson(const std::set<T>& s) {
  if (s.size() == 1) return *s.begin();
  return json(s);
}

template <typename T>
std::set<T> SetFrom(const json& j, const std::string& what) {
  std::set<T> out;
  try {
    if (j.is_array()) {
      for (const auto& v : j) out.insert(v.get<T>());
    } else {
      out.insert(j.get<T>());
    }
  } catch (const json::exception&) {
    throw std::runtime_error(what + ": unexpected " + j.dump());
  }
  return out;
}

using workos::internal::XmlEscape;

std::string Cell(const std::string& s) { return s.empty() ? "-" : ReplaceAll(s, "|", "\\|"); }

}  // namespace

std::string Observation::Key() const {
  return scenario + kSep + group + kSep + std::to_string(ordinal) + kSep + request;
}

std::string Observation::Label() const {
  return request + (group.empty() ? " #" + std::to_string(ordinal) : " [" + group + "]");
}

Recorder& Recorder::Get() {
  static Recorder r;
  return r;
}

void Recorder::BeginScenario(const std::string& name) {
  scenario_ = name;
  group_.clear();
  not_recorded_ = 0;
}

void Recorder::EndScenario(const std::string& name, bool passed) {
  if (active_) scenarios_[name] = passed ? "passed" : "failed";
  scenario_.clear();
}

void Recorder::Known(const std::string& kind, const std::string& value) {
  if (value.size() >= 4) known_[value] = kind;
}

void Recorder::Secret(const std::string& kind, const std::string& value) {
  if (value.size() >= 6) secrets_[value] = kind;
}

std::string Recorder::Normalise(const std::string& text) const {
  // Known values first, longest first (a code inside a URL inside a message...).
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [v, kind] : secrets_) values.emplace_back(v, kind);
  for (const auto& [v, kind] : known_) values.emplace_back(v, kind);
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string s = text;
  for (const auto& [v, kind] : values) {
    s = ReplaceAll(s, v, "{" + kind + "}");
    const std::string encoded = workos::UrlEncode(v);
    if (encoded != v) s = ReplaceAll(s, encoded, "{" + kind + "}");
  }
  static const std::vector<std::pair<std::regex, std::string>> kPatterns = {
      {std::regex(R"(sk_(test|live)_[A-Za-z0-9_\-]+)"), "{api_key}"},
      {std::regex(R"(eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)"), "{jwt}"},
      {std::regex(R"(https?://[^/?#\s"'<>]+)"), "{origin}"},
      {std::regex(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)"), "{email}"},
      {std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+\-]\d\d:?\d\d)?)"), "{timestamp}"},
      {std::regex(R"(\b([a-z][a-z_]*)_[0-9A-HJKMNP-TV-Z]{26}\b)"), "{id:$1}"},
      {std::regex(
           R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"),
       "{uuid}"}};
  for (const auto& [re, kind] : kPatterns) s = std::regex_replace(s, re, kind);
  // Anything else that looks random (20+ characters mixing upper, lower case and digits) is a
  // token of some kind.
  static const std::regex kTokenish(R"([A-Za-z0-9_\-]{20,})");
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kTokenish); it != std::sregex_iterator();
       ++it) {
    const std::string m = it->str();
    const bool upper = std::any_of(
        m.begin(), m.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    const bool lower = std::any_of(
        m.begin(), m.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    const bool digit = std::any_of(
        m.begin(), m.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    out += s.substr(last, static_cast<size_t>(it->position()) - last);
    out += upper && lower && digit ? "{token}" : m;
    last = static_cast<size_t>(it->position() + it->length());
  }
  out += s.substr(last);
  return out;
}

std::string Recorder::PathTemplate(const std::string& path) const {
  static const std::vector<std::pair<std::regex, std::string>> kRoutes = {
      {std::regex(R"(^/passwordless/sessions/[^/]+/send$)"), "/passwordless/sessions/{id}/send"},
      {std::regex(R"(^/passwordless/(?!sessions$)[^/]+/confirm$)"),
       "/passwordless/{link_token}/confirm"},
      {std::regex(
           R"(^/(connections|organizations|directories|directory_users|directory_groups)/[^/]+$)"),
       "/$1/{id}"}};
  for (const auto& [re, replacement] : kRoutes) {
    if (std::regex_match(path, re)) return std::regex_replace(path, re, replacement);
  }
  // Other paths have no variable segment the suite uses; normalise each anyway.
  std::string out;
  std::stringstream in(path);
  std::string segment;
  bool first = true;
  while (std::getline(in, segment, '/')) {
    if (!first) out += '/';
    first = false;
    out += Normalise(segment);
  }
  if (!path.empty() && path.back() == '/') out += '/';
  return out;
}

std::set<std::string> Recorder::SecretsIn(const std::string& text) const {
  std::set<std::string> kinds;
  for (const auto& [v, kind] : secrets_)
    if (text.find(v) != std::string::npos || text.find(workos::UrlEncode(v)) != std::string::npos)
      kinds.insert(kind);
  return kinds;
}

void Recorder::CollectSecrets(const std::string& url, const Headers& request_headers,
                              const std::string& request_body,
                              const std::map<std::string, std::string>& response_headers,
                              const std::string& response_body) {
  auto from_pairs = [this](const std::vector<std::pair<std::string, std::string>>& pairs) {
    for (const auto& [k, v] : pairs) {
      auto it = kSecretFields.find(k);
      if (it != kSecretFields.end()) Secret(it->second, v);
    }
  };
  // In a response, "code" is an error code, not an authorization code (those come in Location).
  bool response = false;
  std::function<void(const json&)> from_json = [&](const json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.value().is_string()) {
          auto f = kSecretFields.find(it.key());
          if (f != kSecretFields.end() && !(response && it.key() == "code"))
            Secret(f->second, it.value().get<std::string>());
          if (it.key() == "link") Secret("link_token", LinkToken(SplitUrl(it.value()).path));
        } else {
          from_json(it.value());
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) from_json(v);
    }
  };
  auto from_url = [&](const std::string& u) {
    Url parts = SplitUrl(u);
    Secret("link_token", LinkToken(parts.path));
    from_pairs(ParsePairs(parts.query));
    from_pairs(ParsePairs(parts.fragment));
  };

  from_url(url);
  for (const auto& [name, value] : request_headers) {
    if (Lower(name) != "authorization") continue;
    const std::string v = Trim(value);
    const size_t space = v.find(' ');
    const std::string scheme = Lower(v.substr(0, space));
    const std::string credential = space == std::string::npos ? "" : Trim(v.substr(space + 1));
    if (scheme == "bearer") {
      Secret(credential.rfind("sk_", 0) == 0 ? "api_key" : "access_token", credential);
    } else if (scheme == "basic") {
      Secret("basic_credentials", credential);
      const std::string decoded = Base64Decode(credential);
      const size_t colon = decoded.find(':');
      if (colon != std::string::npos) Secret("api_key", decoded.substr(colon + 1));
    }
  }
  const json request_json = json::parse(request_body, nullptr, false);
  if (!request_json.is_discarded() && request_json.is_structured()) {
    from_json(request_json);
  } else {
    from_pairs(ParsePairs(request_body));
  }
  auto location = response_headers.find("location");
  if (location != response_headers.end()) from_url(location->second);
  response = true;
  const json response_json = json::parse(response_body, nullptr, false);
  if (!response_json.is_discarded()) from_json(response_json);
}

void Recorder::Observe(const std::string& method, const std::string& url,
                       const Headers& request_headers, const std::string& request_body, long status,
                       const std::map<std::string, std::string>& response_headers,
                       const std::string& response_body) {
  if (!active_ || not_recorded_ > 0 || scenario_.empty()) return;
  const Url u = SplitUrl(url);
  if (u.path.rfind("/_mock", 0) == 0) return;  // the control plane is not the API
  CollectSecrets(url, request_headers, request_body, response_headers, response_body);

  Observation o;
  o.scenario = scenario_;
  o.request = method + " " + PathTemplate(u.path);
  o.group = group_;
  if (o.group.empty()) o.ordinal = ++ordinals_[scenario_ + kSep + o.request];
  const std::string key = o.Key();
  auto [it, inserted] = observations_.emplace(key, std::move(o));
  if (inserted) order_.push_back(key);
  Observation& obs = it->second;

  ++obs.samples;
  obs.statuses.insert(status);
  for (const auto& name : kHeaders) {
    auto h = response_headers.find(name);
    obs.headers[name].insert(h == response_headers.end() ? kAbsent
                                                         : HeaderValue(name, h->second, *this));
  }
  const json body = json::parse(response_body, nullptr, false);
  if (Trim(response_body).empty()) {
    obs.bodies.insert("empty");
  } else if (!body.is_discarded()) {
    obs.bodies.insert("json");
    Walk(body, "$", "", obs.shape, *this);
  } else {
    auto ct = response_headers.find("content-type");
    const bool html =
        (ct != response_headers.end() && Lower(ct->second).find("html") != std::string::npos) ||
        Trim(response_body).rfind("<", 0) == 0;
    obs.bodies.insert(html ? "html" : "text");
  }
}

std::vector<Observation> Recorder::Observations() const {
  std::vector<Observation> out;
  for (const auto& key : order_) {
    Observation o = observations_.at(key);
    for (auto& [path, node] : o.shape) {
      const std::string parent = Parent(path);
      auto p = o.shape.find(parent);
      if (p != o.shape.end() && !IsItems(path)) node.optional = node.count < p->second.object_count;
    }
    out.push_back(std::move(o));
  }
  std::stable_sort(out.begin(), out.end(), [](const Observation& a, const Observation& b) {
    return a.scenario < b.scenario;
  });
  return out;
}

std::string Serialise(const Recording& r) {
  std::ostringstream out;
  const std::string comment =
      r.target == "mock"
          ? "Recorded from workos-mock, NOT from the live WorkOS API: the mock's own answers, a "
            "baseline that makes a change in the mock's shapes fail a test. Refresh it after an "
            "intended change with `workos-conformance --target mock --record FILE` "
            "(docs/conformance.md, \"Drift\")."
          : "Recorded from the API at " + r.base_url +
                " with `workos-conformance --target live --record FILE`; compare the mock with "
                "`workos-conformance --compare FILE` (docs/conformance.md, \"Drift\").";
  out << "{\n";
  out << "  \"object\": \"workos_conformance_recording\",\n";
  out << "  \"version\": 1,\n";
  out << "  \"_comment\": " << json(comment).dump() << ",\n";
  out << "  \"_format\": "
      << json(
             "One observation per request: scenario, request (method and path template), ordinal "
             "(the nth such request of the scenario) or repeated (a loop's requests, merged), "
             "status, headers that matter, body kind and JSON shape (path -> type, value only for "
             "fixed texts; ids, tokens, timestamps and emails appear as their {kind}).")
             .dump()
      << ",\n";
  out << "  \"target\": " << json(r.target).dump() << ",\n";
  if (!r.base_url.empty()) out << "  \"base_url\": " << json(r.base_url).dump() << ",\n";
  out << "  \"scenarios\": {";
  bool first = true;
  for (const auto& [name, outcome] : r.scenarios) {
    out << (first ? "\n" : ",\n") << "    " << json(name).dump() << ": " << json(outcome).dump();
    first = false;
  }
  out << (first ? "},\n" : "\n  },\n");
  out << "  \"observations\": [";
  first = true;
  for (const auto& o : r.observations) {
    out << (first ? "\n" : ",\n") << "    {\n";
    first = false;
    out << "      \"scenario\": " << json(o.scenario).dump() << ",\n";
    out << "      \"request\": " << json(o.request).dump() << ",\n";
    if (o.group.empty()) {
      out << "      \"ordinal\": " << o.ordinal << ",\n";
    } else {
      out << "      \"repeated\": " << json(o.group).dump() << ",\n";
    }
    out << "      \"status\": " << SetJson(o.statuses).dump() << ",\n";
    json headers = json::object();
    for (const auto& [name, values] : o.headers) {
      if (values == std::set<std::string>{kAbsent}) continue;
      headers[name] = SetJson(values);
    }
    out << "      \"headers\": " << headers.dump() << ",\n";
    out << "      \"body\": " << SetJson(o.bodies).dump();
    if (!o.shape.empty()) {
      out << ",\n      \"shape\": {";
      bool first_path = true;
      for (const auto& [path, node] : o.shape) {
        out << (first_path ? "\n" : ",\n") << "        " << json(path).dump() << ": "
            << NodeJson(node).dump();
        first_path = false;
      }
      out << "\n      }";
    }
    out << "\n    }";
  }
  out << (first ? "]\n" : "\n  ]\n");
  out << "}\n";
  return out.str();
}

Recording Parse(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
  if (j.value("object", "") != "workos_conformance_recording")
    throw std::runtime_error(
        "not a recording (\"object\" is not \"workos_conformance_recording\")");
  if (j.value("version", 0) != 1)
    throw std::runtime_error("unsupported version " + j.value("version", json()).dump() +
                             " (this suite reads version 1)");
  Recording r;
  r.target = j.value("target", "");
  r.base_url = j.value("base_url", "");
  if (!j.contains("scenarios") || !j["scenarios"].is_object())
    throw std::runtime_error("\"scenarios\" must be an object");
  for (auto it = j["scenarios"].begin(); it != j["scenarios"].end(); ++it)
    r.scenarios[it.key()] = it.value().is_string() ? it.value().get<std::string>() : "";
  if (!j.contains("observations") || !j["observations"].is_array())
    throw std::runtime_error("\"observations\" must be an array");
  size_t i = 0;
  for (const auto& o : j["observations"]) {
    const std::string where = "observations[" + std::to_string(i++) + "]";
    if (!o.is_object() || !o.contains("scenario") || !o.contains("request") ||
        !o.contains("status") || !o.contains("body"))
      throw std::runtime_error(where + ": needs scenario, request, status and body");
    Observation obs;
    try {
      obs.scenario = o.at("scenario").get<std::string>();
      obs.request = o.at("request").get<std::string>();
      if (o.contains("repeated")) {
        obs.group = o.at("repeated").get<std::string>();
      } else {
        obs.ordinal = o.at("ordinal").get<int>();
      }
    } catch (const json::exception&) {
      throw std::runtime_error(where +
                               ": scenario and request must be strings, ordinal a number "
                               "(or repeated a string)");
    }
    obs.samples = 1;
    obs.statuses = SetFrom<long>(o["status"], where + ".status");
    obs.bodies = SetFrom<std::string>(o["body"], where + ".body");
    for (const auto& name : kHeaders) {
      if (o.contains("headers") && o["headers"].contains(name)) {
        obs.headers[name] = SetFrom<std::string>(o["headers"][name], where + ".headers." + name);
      } else {
        obs.headers[name] = {kAbsent};
      }
    }
    if (o.contains("shape")) {
      if (!o["shape"].is_object()) throw std::runtime_error(where + ".shape must be an object");
      for (auto it = o["shape"].begin(); it != o["shape"].end(); ++it) {
        const json& n = it.value();
        if (!n.is_object() || !n.contains("type") || !n["type"].is_string())
          throw std::runtime_error(where + ".shape[" + json(it.key()).dump() + "]: needs a type");
        Node node;
        std::stringstream types(n["type"].get<std::string>());
        for (std::string t; std::getline(types, t, '|');) node.types.insert(t);
        if (n.contains("value"))
          node.values = SetFrom<std::string>(n["value"], where + ".shape value");
        if (n.contains("values"))
          node.values = SetFrom<std::string>(n["values"], where + ".shape values");
        node.optional = n.value("optional", false);
        obs.shape[it.key()] = node;
      }
    }
    r.observations.push_back(std::move(obs));
  }
  return r;
}

namespace {

void CompareShapes(
    const Observation& rec, const Observation& run,
    const std::function<void(const std::string&, const std::string&, const std::string&)>& add) {
  std::set<std::string> paths;
  for (const auto& [p, n] : rec.shape) paths.insert(p);
  for (const auto& [p, n] : run.shape) paths.insert(p);
  // Whether `path`'s absence on `side` says something: its parent is there as what could hold it
  // (an object for a member; a non-empty array, i.e. one whose items were seen, for "[]").
  auto could_hold = [](const Observation& side, const std::string& path) {
    const std::string parent = Parent(path);
    auto p = side.shape.find(parent);
    if (p == side.shape.end()) return false;
    if (IsItems(path)) return false;  // the other side's arrays were all empty: nothing to say
    return p->second.types.count("object") > 0;
  };
  for (const auto& path : paths) {
    auto r = rec.shape.find(path);
    auto m = run.shape.find(path);
    const bool sampled = rec.Sampled() || UnderArray(path);
    if (r != rec.shape.end() && m != run.shape.end()) {
      if (SetsDiffer(r->second.types, m->second.types, sampled)) {
        add("type of " + path, Describe(r->second), Describe(m->second));
      } else if (SetsDiffer(r->second.values, m->second.values, sampled)) {
        add("value of " + path, Describe(r->second), Describe(m->second));
      }
    } else if (r != rec.shape.end()) {
      if (!r->second.optional && could_hold(run, path))
        add("missing member " + path, Describe(r->second), "");
    } else if (!m->second.optional && could_hold(rec, path)) {
      add("extra member " + path, "", Describe(m->second));
    }
  }
}

}  // namespace

Comparison Compare(const Recording& recorded, const std::vector<Observation>& run,
                   const std::set<std::string>& compared, const std::set<std::string>& known) {
  Comparison c;
  std::map<std::string, const Observation*> run_by_key, rec_by_key;
  for (const auto& o : run) run_by_key[o.Key()] = &o;
  for (const auto& o : recorded.observations) rec_by_key[o.Key()] = &o;

  auto begin_request = [&c](const std::string& scenario, const std::string& label) {
    c.requests.push_back({{scenario, label}, {}});
  };
  auto add = [&c](const std::string& scenario, const std::string& label, const std::string& what,
                  const std::string& rec, const std::string& now) {
    c.requests.back().second.push_back(c.differences.size());
    c.differences.push_back({scenario, label, what, rec, now});
  };

  for (const auto& [name, outcome] : recorded.scenarios) {
    if (known.count(name)) {
      if (compared.count(name)) ++c.scenarios_compared;
      continue;
    }
    begin_request(name, "");
    add(name, "", "scenario not in this suite (renamed or removed: record again)", "recorded", "");
  }
  for (const auto& rec : recorded.observations) {
    if (!compared.count(rec.scenario) || !recorded.scenarios.count(rec.scenario)) continue;
    const std::string label = rec.Label();
    begin_request(rec.scenario, label);
    auto it = run_by_key.find(rec.Key());
    if (it == run_by_key.end()) {
      add(rec.scenario, label, "request not made in this run", Summary(rec), "");
      continue;
    }
    const Observation& now = *it->second;
    const bool sampled = rec.Sampled();
    if (SetsDiffer(rec.statuses, now.statuses, sampled))
      add(rec.scenario, label, "status", Join(rec.statuses), Join(now.statuses));
    if (SetsDiffer(rec.bodies, now.bodies, sampled))
      add(rec.scenario, label, "body", Join(rec.bodies, "|"), Join(now.bodies, "|"));
    for (const auto& name : kHeaders) {
      const std::set<std::string> absent = {kAbsent};
      auto a = rec.headers.find(name);
      auto b = now.headers.find(name);
      const auto& va = a == rec.headers.end() ? absent : a->second;
      const auto& vb = b == now.headers.end() ? absent : b->second;
      if (SetsDiffer(va, vb, sampled))
        add(rec.scenario, label, "header " + name, Join(va, " | "), Join(vb, " | "));
    }
    if (rec.bodies.count("json") && now.bodies.count("json")) {
      CompareShapes(rec, now,
                    [&](const std::string& what, const std::string& r, const std::string& m) {
                      add(rec.scenario, label, what, r, m);
                    });
    }
  }
  for (const auto& now : run) {
    if (!recorded.scenarios.count(now.scenario) || rec_by_key.count(now.Key())) continue;
    begin_request(now.scenario, now.Label());
    add(now.scenario, now.Label(), "request not in the recording", "", Summary(now));
  }
  return c;
}

std::string Table(const Comparison& c) {
  std::ostringstream out;
  out << "| scenario | request | difference | recorded | this run |\n";
  out << "| --- | --- | --- | --- | --- |\n";
  for (const auto& d : c.differences) {
    out << "| " << Cell(d.scenario) << " | " << Cell(d.request) << " | " << Cell(d.what) << " | "
        << Cell(d.recorded) << " | " << Cell(d.this_run) << " |\n";
  }
  return out.str();
}

std::string JUnit(const Comparison& c, const std::string& recording_path) {
  size_t failures = 0;
  for (const auto& [request, diffs] : c.requests) failures += diffs.empty() ? 0 : 1;
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites>\n";
  out << "  <testsuite name=\"workos-conformance drift against " << XmlEscape(recording_path)
      << "\" tests=\"" << c.requests.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& [request, diffs] : c.requests) {
    out << "    <testcase classname=\"" << XmlEscape(request.first) << "\" name=\""
        << XmlEscape(request.second.empty() ? "(scenario)" : request.second) << "\"";
    if (diffs.empty()) {
      out << "/>\n";
      continue;
    }
    out << ">\n      <failure message=\"" << diffs.size()
        << (diffs.size() == 1 ? " difference" : " differences") << "\" type=\"drift\">";
    for (size_t i : diffs) {
      const Difference& d = c.differences[i];
      out << XmlEscape(d.what + ": recorded " + (d.recorded.empty() ? "-" : d.recorded) +
                       ", this run " + (d.this_run.empty() ? "-" : d.this_run))
          << "\n";
    }
    out << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

}  // namespace conformance::drift
