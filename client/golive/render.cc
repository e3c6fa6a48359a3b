// The report as a table and as JUnit XML. See golive.h.
#include "golive/golive.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "workos/internal/xml.h"

namespace workos {
namespace golive {

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

std::string XmlEscape(const std::string& text) { return internal::XmlEscape(text); }

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
