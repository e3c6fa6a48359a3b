// Recording observations: the Recorder's scenarios and scopes, and what one exchange becomes
// (status, the headers that matter, the body's kind and JSON shape). What is normalised and what
// is a secret: drift_normalise.cc. See drift.h.
#include <algorithm>
#include <cctype>

#include "drift.h"
#include "drift_shape_paths.h"
#include "drift_text.h"

namespace conformance::drift {

using nlohmann::json;
using namespace detail;

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

}  // namespace conformance::drift
