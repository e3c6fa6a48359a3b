#include "workos/errors.h"

#include <sstream>
#include <utility>

namespace workos {

TransportError::TransportError(Kind kind, int curl_code, std::string message, std::string method,
                               std::string path, int attempts)
    : Error(method + " " + path + ": " + KindName(kind) + ": " + message +
            (attempts > 1 ? " (after " + std::to_string(attempts) + " attempts)" : "")),
      kind_(kind),
      curl_code_(curl_code),
      method_(std::move(method)),
      path_(std::move(path)),
      attempts_(attempts) {}

const char* TransportError::KindName(Kind kind) {
  switch (kind) {
    case Kind::kConnect:
      return "connection failed";
    case Kind::kTimeout:
      return "timed out";
    case Kind::kTls:
      return "TLS error";
    case Kind::kConnectionClosed:
      return "connection closed";
    case Kind::kOther:
      break;
  }
  return "transport error";
}

ApiError::ApiError(Details details) : Error(Describe(details)), d_(std::move(details)) {}

std::string ApiError::Describe(const Details& d) {
  std::ostringstream out;
  out << d.method << " " << d.path << ": " << d.status;
  if (!d.error.empty()) out << " " << d.error;
  if (!d.code.empty()) out << " " << d.code;
  if (!d.message.empty()) {
    out << ": " << d.message;
  } else if (!d.error_description.empty()) {
    out << ": " << d.error_description;
  }
  for (size_t i = 0; i < d.errors.size(); ++i) {
    const FieldError& e = d.errors[i];
    out << (i == 0 ? " [" : "; ") << (e.field.empty() ? "?" : e.field) << ": "
        << (e.message.empty() ? e.code : e.message);
    if (i + 1 == d.errors.size()) out << "]";
  }
  if (!d.request_id.empty()) out << " (request id " << d.request_id << ")";
  if (d.attempts > 1) out << " (after " << d.attempts << " attempts)";
  return out.str();
}

nlohmann::json ApiError::ToJson() const {
  nlohmann::json j = {{"status", d_.status}, {"method", d_.method}, {"path", d_.path}};
  if (!d_.request_id.empty()) j["request_id"] = d_.request_id;
  if (!d_.code.empty()) j["code"] = d_.code;
  if (!d_.message.empty()) j["message"] = d_.message;
  if (!d_.error.empty()) j["error"] = d_.error;
  if (!d_.error_description.empty()) j["error_description"] = d_.error_description;
  if (!d_.errors.empty()) {
    nlohmann::json errs = nlohmann::json::array();
    for (const FieldError& e : d_.errors) {
      nlohmann::json fe = nlohmann::json::object();
      if (!e.field.empty()) fe["field"] = e.field;
      if (!e.code.empty()) fe["code"] = e.code;
      if (!e.message.empty()) fe["message"] = e.message;
      errs.push_back(fe);
    }
    j["errors"] = errs;
  }
  if (d_.retry_after) j["retry_after"] = *d_.retry_after;
  return j;
}

void ThrowApiError(ApiError::Details d) {
  if (!d.error.empty() && d.status != 401) throw OAuthError(std::move(d));
  switch (d.status) {
    case 400:
      throw BadRequestError(std::move(d));
    case 401:
      throw UnauthorizedError(std::move(d));
    case 404:
      throw NotFoundError(std::move(d));
    case 422:
      throw UnprocessableEntityError(std::move(d));
    case 429:
      throw RateLimitError(std::move(d));
    default:
      break;
  }
  if (d.status >= 500) throw ServerError(std::move(d));
  throw ApiError(std::move(d));
}

}  // namespace workos
