// Writing replies in the live API's shapes, and reading request bodies the way it does.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/errors.h"
#include "domain/text.h"

namespace workos_mock {

// Request bodies: 1 MiB (413 beyond), PUT /_mock/state excepted (64 MiB: a whole environment).
inline constexpr size_t kMaxBodyBytes = 1 << 20;
inline constexpr size_t kMaxStateBodyBytes = 64 << 20;
// JSON bodies nested deeper than this are refused (400) before parsing: nlohmann's dump and the
// JSON views recurse, so unbounded nesting could overflow a worker's stack.
inline constexpr int kMaxJsonDepth = 64;
// True when `text` nests arrays/objects deeper than `max_depth` (strings are skipped, so
// brackets inside them do not count). Linear, no allocation; safe on any bytes.
bool JsonTooDeep(const std::string& text, int max_depth);
void ReplyTooLarge(httplib::Response& res);

// JSON with `Content-Type: application/json; charset=utf-8` (the Node SDK parses nothing else).
// Invalid UTF-8 in echoed input is replaced, never a crash.
void ReplyJson(httplib::Response& res, int status, const nlohmann::json& body);
// The live status and body for a domain error (see ErrorKind), with the words of its control
// hints (domain/errors.h) after its message and field codes.
void ReplyError(httplib::Response& res, const Error& error);
void ReplyUnauthorized(httplib::Response& res);
void ReplyNotFound(httplib::Response& res);
void ReplyBadRequest(httplib::Response& res, const std::string& message);
// A small self-contained HTML page; `title` and `text` are escaped here.
void ReplyHtml(httplib::Response& res, int status, const std::string& title,
               const std::string& text);
std::string Dump(const nlohmann::json& j);

// The Bearer token of the Authorization header, or "".
std::string BearerToken(const httplib::Request& req);
// The same, from an Authorization header's value.
std::string BearerOf(const std::string& authorization);

// Decodes a JSON object body. An empty body counts as {}. On failure writes 400
// invalid_request_parameters naming the problem and returns nullopt. The Content-Type is not
// enforced (curl -d sends application/x-www-form-urlencoded; docs/decisions.md): the body must be
// JSON whatever it says, nested at most kMaxJsonDepth deep.
std::optional<nlohmann::json> ReadJsonObject(const httplib::Request& req, httplib::Response& res);
// Decodes a body that may be JSON or application/x-www-form-urlencoded into a flat object of
// strings (what /sso/token accepts); query parameters fill fields the body lacks.
std::optional<nlohmann::json> ReadFormOrJson(const httplib::Request& req, httplib::Response& res);
// The two readers without the reply: the body, or the kInvalidRequest error whose 400 they would
// write (ReplyError writes it).
Result<nlohmann::json> DecodeJsonObject(const httplib::Request& req);
Result<nlohmann::json> DecodeFormOrJson(const httplib::Request& req);
// True when ReadFormOrJson reads `body` as a form: any non-empty body whose Content-Type is not
// JSON, and one without a Content-Type that does not start with '{' (fetch() sends a string
// body as text/plain, curl -d as form-urlencoded). The journal redacts by this same rule.
bool ParsedAsForm(const std::string& content_type, const std::string& body);

// Every value of a list parameter, sent repeated (`domains=a&domains=b`), with brackets
// (`domains[]=a`) or comma-joined (`domains=a,b`, as the spec's explode:false describes).
std::vector<std::string> ListParam(const httplib::Request& req, const std::string& name);

}  // namespace workos_mock
