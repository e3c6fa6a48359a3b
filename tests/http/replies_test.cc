// A domain error's reply (http/replies.h): the control plane's hints are worded by the HTTP
// layer, after the domain's message or field code.
#include <catch2/catch.hpp>

#include "http/replies.h"

using namespace workos_mock;

namespace {

std::string Body(const Error& e) {
  httplib::Response res;
  ReplyError(res, e);
  return res.body;
}

}  // namespace

TEST_CASE("replies: a control hint's words follow the message it belongs to", "[replies]") {
  const std::string full = "This environment holds the maximum of 3 (config max_stored) things";
  CHECK(Body({ErrorKind::kLimitExceeded, full, {}, ControlHint::kWaitOrReset}) ==
        R"({"code":"rate_limit_exceeded","message":")" + full +
            R"(; wait for them to expire or POST /_mock/reset."})");
  CHECK(Body({ErrorKind::kLimitExceeded, full, {}, ControlHint::kWaitAdvanceClockOrReset}) ==
        R"({"code":"rate_limit_exceeded","message":")" + full +
            R"(; wait for them to expire, advance the clock, or POST /_mock/reset."})");
  CHECK(
      Body({ErrorKind::kLimitExceeded, "1000 queued", {}, ControlHint::kClearQueuedOutcomes}) ==
      R"({"code":"rate_limit_exceeded","message":"1000 queued; DELETE /_mock/sso/outcomes to clear them."})");
  CHECK(Body({ErrorKind::kLimitExceeded, full, {}}) ==
        R"({"code":"rate_limit_exceeded","message":")" + full + R"("})");

  Error fields =
      ValidationError({{"seconds", "at most 0 more", ControlHint::kResetStartsAgain},
                       {"redirect_uri", "no default", ControlHint::kConfigureRedirectUri},
                       {"email", "email must be a string"}});
  CHECK(
      Body(fields) ==
      R"j({"errors":[{"code":"at most 0 more (POST /_mock/reset starts again)","field":"seconds"},)j"
      R"j({"code":"no default (configure one with PUT /_mock/redirect_uris or the config file)",)j"
      R"j("field":"redirect_uri"},{"code":"email must be a string","field":"email"}],)j"
      R"j("message":"Validation failed"})j");
}
