// RunChecklist: every check in checklist order, timed, with every key scrubbed. See golive.h.
#include "golive/golive.h"

#include <chrono>
#include <utility>

namespace workos {
namespace golive {

Report RunChecklist(const ChecklistOptions& o) {
  Report report;
  auto timed = [&](auto fn) {
    const auto t0 = std::chrono::steady_clock::now();
    auto results = fn();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (auto& r : results) {
      r.seconds = s / static_cast<double>(results.size());
      report.checks.push_back(std::move(r));
    }
  };
  timed([&] { return CheckRedirectUris(o.redirect_uris, o.kind); });
  timed([&] { return CheckApiKey(o.api_key_variable, o.api_key, o.kind); });
  timed([&] { return std::vector<CheckResult>{CheckClientId(o.client_id_variable, o.client_id)}; });
  timed([&] { return std::vector<CheckResult>{CheckRepository(o.repo)}; });
  timed([&] {
    AppFlowOptions app = o.app;
    if (app.sdks.empty() && !app.callback_url.empty() && !app.mock_url.empty()) {
      app.sdks = DetectSdks(o.repo.repo);
    }
    return CheckAppRedirects(app);
  });
  timed([&] {
    return std::vector<CheckResult>{CheckLiveKey(o.live, o.api_key, o.app.base, o.live_base_url)};
  });
  // Last line of defence: no key in any text.
  std::vector<std::string> secrets;
  if (o.api_key && o.api_key->size() >= 8) secrets.push_back(*o.api_key);
  if (o.app.mock_api_key.size() >= 8) secrets.push_back(o.app.mock_api_key);
  auto scrub = [&](std::string& t) {
    for (const std::string& s : secrets) {
      for (size_t p = t.find(s); p != std::string::npos; p = t.find(s, p)) {
        t.replace(p, s.size(), "[REDACTED]");
      }
    }
  };
  for (CheckResult& r : report.checks) {
    scrub(r.reason);
    scrub(r.subject);
    for (std::string& d : r.details) scrub(d);
  }
  return report;
}

}  // namespace golive
}  // namespace workos
