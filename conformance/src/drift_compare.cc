// Comparing a run with a recording: which differences count as drift (exact for single
// observations, by set growth for merged samples; optional members and empty arrays say nothing).
// See drift.h.
#include <algorithm>
#include <functional>

#include "drift.h"
#include "drift_shape_paths.h"
#include "drift_text.h"

namespace conformance::drift {

using namespace detail;

namespace {

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

std::string Describe(const Node& n) {
  std::string out = Join(n.types, "|");
  if (!n.values.empty()) out += " " + Join(n.values, " | ", true);
  if (n.optional) out += " (optional)";
  return out;
}

std::string Summary(const Observation& o) {
  return "status " + Join(o.statuses) + ", " + Join(o.bodies, "|");
}

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

}  // namespace conformance::drift
