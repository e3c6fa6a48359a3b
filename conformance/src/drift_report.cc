// The drift report: a Markdown table and a JUnit XML file, a test case per request compared.
// See drift.h.
#include <sstream>

#include "drift.h"
#include "drift_text.h"
#include "workos/internal/xml.h"

namespace conformance::drift {

using namespace detail;
using workos::internal::XmlEscape;

namespace {

std::string Cell(const std::string& s) { return s.empty() ? "-" : ReplaceAll(s, "|", "\\|"); }

}  // namespace

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
