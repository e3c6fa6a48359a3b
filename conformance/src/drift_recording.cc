// The recording file: Serialise() writes stable bytes (recording the same shapes twice gives the
// same file), Parse() reads them back or throws std::runtime_error naming what is wrong. See
// drift.h.
#include <sstream>
#include <stdexcept>

#include "drift.h"
#include "drift_text.h"

namespace conformance::drift {

using nlohmann::json;
using namespace detail;

namespace {

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

}  // namespace

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

}  // namespace conformance::drift
