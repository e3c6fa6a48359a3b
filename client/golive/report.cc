// Check results and the report: see golive.h.
#include "golive/golive.h"

#include <algorithm>
#include <utility>

namespace workos {
namespace golive {

const char* StatusName(Status s) {
  switch (s) {
    case Status::kPass:
      return "PASS";
    case Status::kFail:
      return "FAIL";
    case Status::kSkip:
      return "SKIP";
    case Status::kWarn:
      return "WARN";
  }
  return "?";
}

namespace {
CheckResult Make(Status status, std::string id, std::string subject, std::string reason) {
  CheckResult r;
  r.id = std::move(id);
  r.subject = std::move(subject);
  r.status = status;
  r.reason = std::move(reason);
  return r;
}
}  // namespace

CheckResult Pass(std::string id, std::string subject, std::string reason) {
  return Make(Status::kPass, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Fail(std::string id, std::string subject, std::string reason) {
  return Make(Status::kFail, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Skip(std::string id, std::string subject, std::string reason) {
  return Make(Status::kSkip, std::move(id), std::move(subject), std::move(reason));
}
CheckResult Warn(std::string id, std::string subject, std::string reason) {
  return Make(Status::kWarn, std::move(id), std::move(subject), std::move(reason));
}

int Report::count(Status s) const {
  return static_cast<int>(std::count_if(checks.begin(), checks.end(),
                                        [s](const CheckResult& c) { return c.status == s; }));
}

bool ParseKind(const std::string& text, Kind* kind) {
  if (text == "production") {
    *kind = Kind::kProduction;
    return true;
  }
  if (text == "staging") {
    *kind = Kind::kStaging;
    return true;
  }
  return false;
}

const char* KindName(Kind kind) { return kind == Kind::kProduction ? "production" : "staging"; }

}  // namespace golive
}  // namespace workos
