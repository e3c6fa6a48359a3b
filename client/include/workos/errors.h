// Errors as types.
//
//   workos::Error                 base of everything the library throws
//   ├── ConfigError               missing API key / client id / base URL, bad options
//   ├── TransportError            no HTTP response: DNS, connect, TLS, timeout, closed connection
//   └── ApiError                  the API answered with a non-2xx status
//       ├── BadRequestError           400 with `code`/`errors`
//       ├── OAuthError                a body with `error`/`error_description` (e.g. invalid_grant)
//       ├── UnauthorizedError         401
//       ├── NotFoundError             404
//       ├── UnprocessableEntityError  422 (validation; see errors())
//       ├── RateLimitError            429 (see retry_after())
//       └── ServerError               5xx
//
// No message, field or what() string ever contains an API key: the transport scrubs the
// configured key out of every text it puts into an error.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace workos {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& what) : Error(what) {}
};

// One entry of a 422's `errors` array.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

class TransportError : public Error {
 public:
  enum class Kind { kConnect, kTimeout, kTls, kConnectionClosed, kOther };

  TransportError(Kind kind, int curl_code, std::string message, std::string method,
                 std::string path, int attempts);

  Kind kind() const { return kind_; }
  bool is_timeout() const { return kind_ == Kind::kTimeout; }
  // The libcurl CURLcode, as an int.
  int curl_code() const { return curl_code_; }
  const std::string& method() const { return method_; }
  const std::string& path() const { return path_; }
  int attempts() const { return attempts_; }

  static const char* KindName(Kind kind);

 private:
  Kind kind_;
  int curl_code_;
  std::string method_;
  std::string path_;
  int attempts_;
};

class ApiError : public Error {
 public:
  struct Details {
    long status = 0;
    std::string method;
    std::string path;
    std::string request_id;  // X-Request-ID of the response
    std::string code;        // WorkOS `code`
    std::string message;     // WorkOS `message`
    std::vector<FieldError> errors;
    std::string error;                  // OAuth `error`
    std::string error_description;      // OAuth `error_description`
    std::optional<double> retry_after;  // seconds, from Retry-After
    nlohmann::json body;                // the parsed body (null when not JSON)
    std::string raw_body;               // the body as received (scrubbed of secrets)
    int attempts = 1;
  };

  explicit ApiError(Details details);

  long status() const { return d_.status; }
  const std::string& method() const { return d_.method; }
  const std::string& path() const { return d_.path; }
  const std::string& request_id() const { return d_.request_id; }
  const std::string& code() const { return d_.code; }
  const std::string& message() const { return d_.message; }
  const std::vector<FieldError>& errors() const { return d_.errors; }
  const std::string& error() const { return d_.error; }
  const std::string& error_description() const { return d_.error_description; }
  const std::optional<double>& retry_after() const { return d_.retry_after; }
  const nlohmann::json& body() const { return d_.body; }
  const std::string& raw_body() const { return d_.raw_body; }
  int attempts() const { return d_.attempts; }
  const Details& details() const { return d_; }

  // A JSON object describing the error (status, code, message, errors, request_id, ...).
  nlohmann::json ToJson() const;

 private:
  static std::string Describe(const Details& d);
  Details d_;
};

#define WORKOS_API_ERROR_SUBCLASS(Name)                              \
  class Name : public ApiError {                                     \
   public:                                                           \
    explicit Name(Details details) : ApiError(std::move(details)) {} \
  };
WORKOS_API_ERROR_SUBCLASS(BadRequestError)
WORKOS_API_ERROR_SUBCLASS(OAuthError)
WORKOS_API_ERROR_SUBCLASS(UnauthorizedError)
WORKOS_API_ERROR_SUBCLASS(NotFoundError)
WORKOS_API_ERROR_SUBCLASS(UnprocessableEntityError)
WORKOS_API_ERROR_SUBCLASS(RateLimitError)
WORKOS_API_ERROR_SUBCLASS(ServerError)
#undef WORKOS_API_ERROR_SUBCLASS

// Throws the ApiError subclass that fits `details` (OAuth body, then by status).
[[noreturn]] void ThrowApiError(ApiError::Details details);

}  // namespace workos
