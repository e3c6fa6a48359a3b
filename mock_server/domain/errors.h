// Domain outcomes. Each kind maps to exactly one live-API status and body shape in the HTTP layer
// (http/replies.cc); the domain only says what went wrong and why.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace workos_mock {

// A way round an error that the mock's own control plane offers. Its endpoints are HTTP, so
// the domain only names the hint and the HTTP layer words it after the message (or the field
// error's code): http/replies.cc. kNone for every error of the live API itself.
enum class ControlHint {
  kNone,
  kWaitOrReset,              // "; wait for them to expire or POST /_mock/reset."
  kWaitAdvanceClockOrReset,  // "; wait for them to expire, advance the clock, or POST ..."
  kClearQueuedOutcomes,      // "; DELETE /_mock/sso/outcomes to clear them."
  kResetStartsAgain,         // " (POST /_mock/reset starts again)"
  kConfigureRedirectUri,     // " (configure one with PUT /_mock/redirect_uris or the ...)"
};

struct FieldError {
  std::string field;
  std::string code;  // the live API puts a readable sentence here, e.g. "email must be a string"
  ControlHint hint = ControlHint::kNone;
};

enum class ErrorKind {
  kValidation,           // 422 {"message":"Validation failed","errors":[{field,code}]}
  kUnprocessable,        // 422 {"message": ...}
  kUnauthorized,         // 401 {"message":"Unauthorized"}
  kNotFound,             // 404 {"message":"Not Found"}
  kConflict,             // 409 {"message": ...}
  kInvalidGrant,         // 400 {"error":"invalid_grant", ...}
  kInvalidClient,        // 400 {"error":"invalid_client", ...}
  kUnsupportedGrant,     // 400 {"error":"unsupported_grant_type", ...}
  kInvalidRequest,       // 400 {"code":"invalid_request_parameters","message": ...}
  kOAuthInvalidRequest,  // 400 {"error":"invalid_request", ...} (/sso/token)
  kLimitExceeded,        // 429 {"code":"rate_limit_exceeded","message": ...}
};

struct Error {
  ErrorKind kind;
  std::string message;
  std::vector<FieldError> errors;
  ControlHint hint = ControlHint::kNone;
};

// A value or an Error; the small cousin of absl::StatusOr. Reading the side that is not there
// (value() of an error, error() of a success) aborts with a message in every build type: a
// caller -- or a test -- that forgot to check ok() fails loudly instead of reading an empty
// optional. [[nodiscard]]: a call that drops its Result (and so its error) does not compile.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const T& value() const {
    Expect(value_.has_value(), "value() of an error");
    return *value_;
  }
  T& value() {
    Expect(value_.has_value(), "value() of an error");
    return *value_;
  }
  const Error& error() const {
    Expect(error_.has_value(), "error() of a success");
    return *error_;
  }

 private:
  static void Expect(bool present, const char* what) {
    if (present) return;
    std::fprintf(stderr, "workos_mock::Result: %s (check ok() first)\n", what);
    std::abort();
  }

  std::optional<T> value_;
  std::optional<Error> error_;
};

// Result<void>: what a check or an action with no value returns (`return OkStatus();`).
using Status = Result<std::monostate>;
inline Status OkStatus() { return std::monostate{}; }

inline Error ValidationError(std::vector<FieldError> errors) {
  return Error{ErrorKind::kValidation, "Validation failed", std::move(errors)};
}

}  // namespace workos_mock
