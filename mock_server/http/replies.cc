#include "http/replies.h"
#include "domain/text.h"

namespace workos_mock {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void ReplyJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json; charset=utf-8");
}

namespace {

// The words of a control-plane hint (domain/errors.h), put after the message it belongs to.
std::string HintText(ControlHint hint) {
  switch (hint) {
    case ControlHint::kNone:
      return "";
    case ControlHint::kWaitOrReset:
      return "; wait for them to expire or POST /_mock/reset.";
    case ControlHint::kWaitAdvanceClockOrReset:
      return "; wait for them to expire, advance the clock, or POST /_mock/reset.";
    case ControlHint::kClearQueuedOutcomes:
      return "; DELETE /_mock/sso/outcomes to clear them.";
    case ControlHint::kResetStartsAgain:
      return " (POST /_mock/reset starts again)";
    case ControlHint::kConfigureRedirectUri:
      return " (configure one with PUT /_mock/redirect_uris or the config file)";
  }
  return "";
}

}  // namespace

void ReplyError(httplib::Response& res, const Error& error) {
  // The control plane's hints are worded here, after the domain's sentences.
  Error e = error;
  e.message += HintText(e.hint);
  for (auto& fe : e.errors) fe.code += HintText(fe.hint);
  switch (e.kind) {
    case ErrorKind::kValidation: {
      json errors = json::array();
      for (const auto& fe : e.errors) errors.push_back({{"field", fe.field}, {"code", fe.code}});
      ReplyJson(res, 422, {{"message", e.message}, {"errors", errors}});
      return;
    }
    case ErrorKind::kUnprocessable:
      ReplyJson(res, 422, {{"message", e.message}});
      return;
    case ErrorKind::kUnauthorized:
      ReplyUnauthorized(res);
      return;
    case ErrorKind::kNotFound:
      ReplyJson(res, 404, {{"message", e.message.empty() ? "Not Found" : e.message}});
      return;
    case ErrorKind::kConflict:
      ReplyJson(res, 409, {{"message", e.message}});
      return;
    case ErrorKind::kInvalidGrant:
      ReplyJson(res, 400, {{"error", "invalid_grant"}, {"error_description", e.message}});
      return;
    case ErrorKind::kInvalidClient:
      ReplyJson(res, 400, {{"error", "invalid_client"}, {"error_description", e.message}});
      return;
    case ErrorKind::kUnsupportedGrant:
      ReplyJson(res, 400, {{"error", "unsupported_grant_type"}, {"error_description", e.message}});
      return;
    case ErrorKind::kInvalidRequest:
      ReplyBadRequest(res, e.message);
      return;
    case ErrorKind::kOAuthInvalidRequest:
      ReplyJson(res, 400, {{"error", "invalid_request"}, {"error_description", e.message}});
      return;
    case ErrorKind::kLimitExceeded:
      res.set_header("Retry-After", "1");
      ReplyJson(res, 429, {{"code", "rate_limit_exceeded"}, {"message", e.message}});
      return;
  }
}

void ReplyUnauthorized(httplib::Response& res) {
  ReplyJson(res, 401, {{"message", "Unauthorized"}});
}

void ReplyNotFound(httplib::Response& res) { ReplyJson(res, 404, {{"message", "Not Found"}}); }

void ReplyBadRequest(httplib::Response& res, const std::string& message) {
  ReplyJson(res, 400, {{"code", "invalid_request_parameters"}, {"message", message}});
}

void ReplyHtml(httplib::Response& res, int status, const std::string& title,
               const std::string& text) {
  res.status = status;
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_content(
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + HtmlEscape(title) +
          "</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:4em "
          "auto\"><h1>" +
          HtmlEscape(title) + "</h1><p>" + HtmlEscape(text) +
          "</p><p><small>workos-mock</small></p></body></html>",
      "text/html; charset=utf-8");
}

std::string BearerToken(const httplib::Request& req) {
  return BearerOf(req.get_header_value("Authorization"));
}

std::string BearerOf(const std::string& h) {
  if (h.size() > 7 && (h.compare(0, 7, "Bearer ") == 0 || h.compare(0, 7, "bearer ") == 0)) {
    size_t start = h.find_first_not_of(' ', 7);
    return start == std::string::npos ? "" : h.substr(start);
  }
  return "";
}

bool JsonTooDeep(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

void ReplyTooLarge(httplib::Response& res) {
  ReplyJson(res, 413,
            {{"code", "payload_too_large"},
             {"message", "Payload Too Large: request bodies are limited to 1 MiB."}});
}

Result<json> DecodeJsonObject(const httplib::Request& req) {
  auto refused = [](std::string message) {
    return Error{ErrorKind::kInvalidRequest, std::move(message), {}};
  };
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  if (JsonTooDeep(req.body, kMaxJsonDepth))
    return refused("The request body nests arrays or objects more than " +
                   std::to_string(kMaxJsonDepth) + " levels deep.");
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::exception& e) {
    const std::string type = req.get_header_value("Content-Type");
    return refused(std::string("The request body is not valid JSON (") + e.what() +
                   "). Send a JSON object with Content-Type: application/json" +
                   (type.empty() || type.find("json") != std::string::npos
                        ? std::string(".")
                        : " (this request said Content-Type: " + type + ")."));
  }
  if (!body.is_object()) return refused("The request body must be a JSON object.");
  return body;
}

std::optional<json> ReadJsonObject(const httplib::Request& req, httplib::Response& res) {
  Result<json> body = DecodeJsonObject(req);
  if (!body.ok()) {
    ReplyError(res, body.error());
    return std::nullopt;
  }
  return std::move(body.value());
}

bool ParsedAsForm(const std::string& type, const std::string& body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  const bool looks_json = body[first] == '{';
  return !(type.find("application/json") != std::string::npos || (type.empty() && looks_json));
}

Result<json> DecodeFormOrJson(const httplib::Request& req) {
  json out = json::object();
  const std::string type = req.get_header_value("Content-Type");
  if (!ParsedAsForm(type, req.body) && !req.body.empty()) {
    Result<json> body = DecodeJsonObject(req);
    if (!body.ok()) return body.error();
    for (auto it = body.value().begin(); it != body.value().end(); ++it) {
      if (it->is_string())
        out[it.key()] = *it;
      else if (!it->is_null())
        out[it.key()] = Dump(*it);
    }
  } else if (!req.body.empty()) {
    httplib::Params params;
    httplib::detail::parse_query_text(req.body, params);
    for (const auto& [k, v] : params)
      if (!out.contains(k)) out[k] = v;
  }
  for (const auto& [k, v] : req.params)
    if (!out.contains(k)) out[k] = v;
  return out;
}

std::optional<json> ReadFormOrJson(const httplib::Request& req, httplib::Response& res) {
  Result<json> body = DecodeFormOrJson(req);
  if (!body.ok()) {
    ReplyError(res, body.error());
    return std::nullopt;
  }
  return std::move(body.value());
}

std::vector<std::string> ListParam(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> out;
  for (const std::string& key : {name, name + "[]"}) {
    auto range = req.params.equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      size_t start = 0;
      const std::string& v = it->second;
      while (start <= v.size()) {
        size_t end = v.find(',', start);
        if (end == std::string::npos) end = v.size();
        if (end > start) out.push_back(v.substr(start, end - start));
        start = end + 1;
      }
    }
  }
  return out;
}

}  // namespace workos_mock
