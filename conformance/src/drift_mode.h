// What --record and --compare do around the scenario run (the drift library, drift.h, does the
// work): read the recording to compare with before it; after it, write this run's recording
// (never one that holds a secret) or print the drift table and write its JUnit file.
#pragma once

#include <set>
#include <string>

#include "drift.h"

namespace conformance {

// A drift step's result. exit_code 2: it could not do its job (the reason is printed); else
// `summary` ends the suite's last line, and `drifted` is true when a comparison found drift.
struct DriftStep {
  int exit_code = 0;
  bool drifted = false;
  std::string summary;
};

// --compare FILE: reads and parses the recording; false, with the reason on stderr, when it cannot.
bool ReadRecording(const std::string& path, drift::Recording* recorded);

// --record FILE: the Recorder's observations of this run (`base_url` only for live).
DriftStep WriteRecording(const std::string& record_path, const std::string& target,
                         const std::string& base_url);

// --compare FILE [--drift-junit JUNIT]: this run (the scenarios in `ran`) against `recorded`;
// `suite` lists every scenario, so that a recording's stale names are reported.
DriftStep CompareWithRecording(const drift::Recording& recorded, const std::string& compare_path,
                               const std::set<std::string>& ran, const std::set<std::string>& suite,
                               const std::string& junit_path);

}  // namespace conformance
