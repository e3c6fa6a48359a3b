// Drift detection: what every request of the [live-safe] scenarios looked like, normalised so
// that two runs against two targets (the live API and the mock) can be compared, and the
// comparison itself (docs/conformance.md, "Drift").
//
// An observation is one request of one scenario: method and path template, status, the JSON
// shape of the body (member names, types, nesting; values only where they are fixed texts such as
// error codes and messages, with ids, tokens, timestamps and emails replaced by their kind) and
// the headers that matter. No secret, code or token reaches it: known secrets are collected from
// the traffic itself and replaced, and Write() refuses to write a file that still holds one.
//
// One file a concern: drift_recorder.cc (observations), drift_normalise.cc (what is replaced,
// secrets), drift_recording.cc (the file), drift_compare.cc (what is drift), drift_report.cc
// (table, JUnit).
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace conformance::drift {

// One path of a JSON shape ("$", "$.errors[].field"), accumulated over its samples.
struct Node {
  std::set<std::string> types;   // "object", "array", "string", "integer", "number", ...
  std::set<std::string> values;  // normalised texts, where recorded
  bool optional = false;         // a member absent from some of the objects that could hold it
  // While recording: how often the path was seen, and seen as an object (to find optional members).
  int count = 0;
  int object_count = 0;
};

struct Observation {
  std::string scenario;
  std::string request;  // "POST /passwordless/sessions": method and path template
  std::string group;    // a Repeated() label: the requests of a loop, merged; "" otherwise
  int ordinal = 0;      // 1-based among the scenario's requests of this kind; 0 in a group
  int samples = 0;      // requests merged into this observation (not written)
  std::set<long> statuses;
  std::map<std::string, std::set<std::string>> headers;  // the headers that matter, see kHeaders
  std::set<std::string> bodies;                          // "json", "empty", "html", "text"
  std::map<std::string, Node> shape;                     // path -> node, JSON bodies only

  // Scenario, group or ordinal, request: how a recording and a run are matched.
  std::string Key() const;
  // "POST /passwordless/sessions #2" or "GET /connections [pages]".
  std::string Label() const;
  bool Sampled() const { return !group.empty(); }
};

// The headers an observation keeps (lower case); kAbsent stands for "not sent".
extern const std::vector<std::string> kHeaders;
inline constexpr const char* kAbsent = "(absent)";

using Headers = std::vector<std::pair<std::string, std::string>>;

// Collects observations while scenarios run. Inactive (the default) it does nothing.
class Recorder {
 public:
  static Recorder& Get();

  bool active() const { return active_; }
  void Activate() { active_ = true; }

  void BeginScenario(const std::string& name);
  void EndScenario(const std::string& name, bool passed);

  // Values of this run that are not secrets but vary between targets ({client_id},
  // {redirect_uri}): replaced by their kind wherever they appear.
  void Known(const std::string& kind, const std::string& value);
  // A secret (api_key, code, access_token, link_token): replaced wherever it appears, and never
  // written (Write() checks).
  void Secret(const std::string& kind, const std::string& value);

  // One exchange. `url` is absolute; request headers as sent (Authorization included).
  void Observe(const std::string& method, const std::string& url, const Headers& request_headers,
               const std::string& request_body, long status,
               const std::map<std::string, std::string>& response_headers,
               const std::string& response_body);

  // Scopes (nest): requests made inside a NotRecorded scope are not observed (what a scenario
  // does only on the mock); those inside a Repeated scope are merged into one observation.
  void PushNotRecorded() { ++not_recorded_; }
  void PopNotRecorded() { --not_recorded_; }
  void SetGroup(const std::string& label) { group_ = label; }
  const std::string& group() const { return group_; }

  // The finished observations, sorted by scenario, then by first occurrence.
  std::vector<Observation> Observations() const;
  // Scenarios that ran, with "passed" / "failed".
  const std::map<std::string, std::string>& Scenarios() const { return scenarios_; }

  // A string with every secret and known value replaced by its kind, then ids, timestamps,
  // emails, URL origins, keys, JWTs and token-like strings by theirs.
  std::string Normalise(const std::string& text) const;
  // "/passwordless/9h0z.../confirm" -> "/passwordless/{link_token}/confirm"
  std::string PathTemplate(const std::string& path) const;

  // The kinds of the secrets found in `text` (empty when it holds none).
  std::set<std::string> SecretsIn(const std::string& text) const;
  size_t SecretCount() const { return secrets_.size(); }

 private:
  void CollectSecrets(const std::string& url, const Headers& request_headers,
                      const std::string& request_body,
                      const std::map<std::string, std::string>& response_headers,
                      const std::string& response_body);

  bool active_ = false;
  int not_recorded_ = 0;
  std::string group_;
  std::string scenario_;
  std::map<std::string, int> ordinals_;  // per scenario: request -> requests so far
  std::vector<std::string> order_;       // keys in first-seen order
  std::map<std::string, Observation> observations_;
  std::map<std::string, std::string> scenarios_;
  std::map<std::string, std::string> secrets_;  // value -> kind
  std::map<std::string, std::string> known_;    // value -> kind
};

// RAII forms of the scopes above.
struct NotRecorded {
  NotRecorded() { Recorder::Get().PushNotRecorded(); }
  ~NotRecorded() { Recorder::Get().PopNotRecorded(); }
  NotRecorded(const NotRecorded&) = delete;
  NotRecorded& operator=(const NotRecorded&) = delete;
};

struct Repeated {
  explicit Repeated(const std::string& label) : previous_(Recorder::Get().group()) {
    Recorder::Get().SetGroup(label);
  }
  ~Repeated() { Recorder::Get().SetGroup(previous_); }
  Repeated(const Repeated&) = delete;
  Repeated& operator=(const Repeated&) = delete;

 private:
  std::string previous_;
};

// A recording file.
struct Recording {
  std::string target;                            // "live" or "mock"
  std::string base_url;                          // live only
  std::map<std::string, std::string> scenarios;  // name -> outcome when recorded
  std::vector<Observation> observations;
};

// The file's text (stable: recording the same shapes twice gives the same bytes).
std::string Serialise(const Recording& recording);
// Throws std::runtime_error naming what is wrong.
Recording Parse(const std::string& text);

struct Difference {
  std::string scenario;
  std::string request;  // Label(), or "" for the whole scenario
  std::string what;     // "status", "missing member $.code", ...
  std::string recorded;
  std::string this_run;
};

struct Comparison {
  std::vector<Difference> differences;
  // Every request compared (scenario, label) with its differences' indexes, for the JUnit file.
  std::vector<std::pair<std::pair<std::string, std::string>, std::vector<size_t>>> requests;
  size_t scenarios_compared = 0;
};

// `recorded` is the reference (e.g. the live API); `run` what this run saw. Only scenarios in
// `compared` (those that ran now) are compared; `known` lists every scenario of the suite (a
// recorded one missing from it is reported).
Comparison Compare(const Recording& recorded, const std::vector<Observation>& run,
                   const std::set<std::string>& compared, const std::set<std::string>& known);

// The drift report as a Markdown table (one row per difference).
std::string Table(const Comparison& comparison);
// The drift report as JUnit XML: a test case per request, failed when it differs.
std::string JUnit(const Comparison& comparison, const std::string& recording_path);

}  // namespace conformance::drift
