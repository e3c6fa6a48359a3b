// See drift_mode.h.
#include "drift_mode.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace conformance {

bool ReadRecording(const std::string& compare_path, drift::Recording* recorded) {
  std::ifstream in(compare_path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    std::cerr << "workos-conformance: cannot read the recording " << compare_path << "\n";
    return false;
  }
  try {
    *recorded = drift::Parse(text.str());
  } catch (const std::exception& e) {
    std::cerr << "workos-conformance: " << compare_path
              << " is not a usable recording: " << e.what() << "\n";
    return false;
  }
  return true;
}

DriftStep WriteRecording(const std::string& record_path, const std::string& target,
                         const std::string& base_url) {
  auto& recorder = drift::Recorder::Get();
  drift::Recording r;
  r.target = target;
  r.base_url = base_url;
  r.scenarios = recorder.Scenarios();
  r.observations = recorder.Observations();
  const std::string text = drift::Serialise(r);
  // The normalisation replaced every secret the run saw; check it did before writing.
  const std::set<std::string> leaked = recorder.SecretsIn(text);
  if (!leaked.empty()) {
    std::string kinds;
    for (const auto& k : leaked) kinds += (kinds.empty() ? "" : ", ") + k;
    std::cout << "workos-conformance: NOT written: the recording would hold secrets (" << kinds
              << "); this is a bug in the suite's normalisation" << std::endl;
    return {2, false, ""};
  }
  std::ofstream out(record_path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cout << "workos-conformance: cannot write the recording " << record_path << std::endl;
    return {2, false, ""};
  }
  return {0, false,
          "; recorded " + std::to_string(r.observations.size()) + " requests of " +
              std::to_string(r.scenarios.size()) + " scenarios to " + record_path};
}

DriftStep CompareWithRecording(const drift::Recording& recorded, const std::string& compare_path,
                               const std::set<std::string>& ran, const std::set<std::string>& suite,
                               const std::string& junit_path) {
  auto& recorder = drift::Recorder::Get();
  const auto run = recorder.Observations();
  const drift::Comparison c = drift::Compare(recorded, run, ran, suite);
  size_t differing = 0;
  for (const auto& [request, diffs] : c.requests) differing += diffs.empty() ? 0 : 1;
  std::cout << "\nworkos-conformance: drift against " << compare_path << " (recorded from "
            << (recorded.target.empty() ? "?" : recorded.target)
            << (recorded.base_url.empty() ? "" : " " + recorded.base_url) << "): ";
  if (c.differences.empty()) {
    std::cout << "none (" << c.requests.size() << " requests of " << c.scenarios_compared
              << " scenarios match)\n";
  } else {
    std::cout << c.differences.size() << " difference(s) in " << differing << " of "
              << c.requests.size() << " requests\n"
              << drift::Table(c);
  }
  if (!junit_path.empty()) {
    std::ofstream out(junit_path, std::ios::binary | std::ios::trunc);
    out << drift::JUnit(c, compare_path);
    out.close();
    if (!out) {
      std::cout << "workos-conformance: cannot write " << junit_path << std::endl;
      return {2, false, ""};
    }
  }
  return {0, !c.differences.empty(),
          c.differences.empty()
              ? "; no drift against " + compare_path
              : "; DRIFT against " + compare_path + ": " + std::to_string(c.differences.size()) +
                    " difference(s) in " + std::to_string(differing) + " request(s)"};
}

}  // namespace conformance
