// Running a program (no shell) and reading files, for the repository scan and SDK detection
// (internal to golive, not installed).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace workos {
namespace golive {

struct ProcessResult {
  int exit_code = -1;  // -1: could not run
  std::string out;
  std::string err;
  bool truncated = false;  // stdout exceeded the cap; the process was stopped
};

// Runs argv (no shell) and collects stdout (up to max_out bytes) and stderr.
ProcessResult RunProcess(const std::vector<std::string>& argv, size_t max_out);

// The first line of `text`, trimmed.
std::string FirstLine(const std::string& text);

// The whole file; false when it cannot be read.
bool ReadFile(const std::string& path, std::string* out);

}  // namespace golive
}  // namespace workos
