// What the Recorder replaces: secrets and known values collected from the traffic itself, then
// ids, timestamps, emails, origins, keys, JWTs and token-like strings by their kind; path
// templates; and the check that a text holds no secret. See drift.h.
#include <algorithm>
#include <cctype>
#include <functional>
#include <regex>
#include <sstream>

#include "drift.h"
#include "drift_text.h"
#include "workos/http.h"

namespace conformance::drift {

using nlohmann::json;
using namespace detail;

namespace {

// Request and response fields that carry secrets, and their kind.
const std::map<std::string, std::string> kSecretFields = {{"code", "code"},
                                                          {"access_token", "access_token"},
                                                          {"refresh_token", "refresh_token"},
                                                          {"id_token", "id_token"},
                                                          {"client_secret", "api_key"},
                                                          {"api_key", "api_key"},
                                                          {"code_verifier", "code_verifier"},
                                                          {"token", "token"}};

std::string Base64Decode(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    const size_t at = kAlphabet.find(c);
    if (at == std::string::npos) break;  // '=' or the end
    value = (value << 6) | static_cast<int>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

// The link token of a magic-link URL's path, or "".
std::string LinkToken(const std::string& path) {
  static const std::regex re(R"(/passwordless/([^/]+)/confirm/?$)");
  std::smatch m;
  if (std::regex_search(path, m, re) && m[1].str() != "sessions") return m[1].str();
  return "";
}

}  // namespace

std::string Recorder::Normalise(const std::string& text) const {
  // Known values first, longest first (a code inside a URL inside a message...).
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& [v, kind] : secrets_) values.emplace_back(v, kind);
  for (const auto& [v, kind] : known_) values.emplace_back(v, kind);
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  std::string s = text;
  for (const auto& [v, kind] : values) {
    s = ReplaceAll(s, v, "{" + kind + "}");
    const std::string encoded = workos::UrlEncode(v);
    if (encoded != v) s = ReplaceAll(s, encoded, "{" + kind + "}");
  }
  static const std::vector<std::pair<std::regex, std::string>> kPatterns = {
      {std::regex(R"(sk_(test|live)_[A-Za-z0-9_\-]+)"), "{api_key}"},
      {std::regex(R"(eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*)"), "{jwt}"},
      {std::regex(R"(https?://[^/?#\s"'<>]+)"), "{origin}"},
      {std::regex(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)"), "{email}"},
      {std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+\-]\d\d:?\d\d)?)"), "{timestamp}"},
      {std::regex(R"(\b([a-z][a-z_]*)_[0-9A-HJKMNP-TV-Z]{26}\b)"), "{id:$1}"},
      {std::regex(
           R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"),
       "{uuid}"}};
  for (const auto& [re, kind] : kPatterns) s = std::regex_replace(s, re, kind);
  // Anything else that looks random (20+ characters mixing upper, lower case and digits) is a
  // token of some kind.
  static const std::regex kTokenish(R"([A-Za-z0-9_\-]{20,})");
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kTokenish); it != std::sregex_iterator();
       ++it) {
    const std::string m = it->str();
    const bool upper = std::any_of(
        m.begin(), m.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); });
    const bool lower = std::any_of(
        m.begin(), m.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    const bool digit = std::any_of(
        m.begin(), m.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    out += s.substr(last, static_cast<size_t>(it->position()) - last);
    out += upper && lower && digit ? "{token}" : m;
    last = static_cast<size_t>(it->position() + it->length());
  }
  out += s.substr(last);
  return out;
}

std::string Recorder::PathTemplate(const std::string& path) const {
  static const std::vector<std::pair<std::regex, std::string>> kRoutes = {
      {std::regex(R"(^/passwordless/sessions/[^/]+/send$)"), "/passwordless/sessions/{id}/send"},
      {std::regex(R"(^/passwordless/(?!sessions$)[^/]+/confirm$)"),
       "/passwordless/{link_token}/confirm"},
      {std::regex(
           R"(^/(connections|organizations|directories|directory_users|directory_groups)/[^/]+$)"),
       "/$1/{id}"}};
  for (const auto& [re, replacement] : kRoutes) {
    if (std::regex_match(path, re)) return std::regex_replace(path, re, replacement);
  }
  // Other paths have no variable segment the suite uses; normalise each anyway.
  std::string out;
  std::stringstream in(path);
  std::string segment;
  bool first = true;
  while (std::getline(in, segment, '/')) {
    if (!first) out += '/';
    first = false;
    out += Normalise(segment);
  }
  if (!path.empty() && path.back() == '/') out += '/';
  return out;
}

std::set<std::string> Recorder::SecretsIn(const std::string& text) const {
  std::set<std::string> kinds;
  for (const auto& [v, kind] : secrets_)
    if (text.find(v) != std::string::npos || text.find(workos::UrlEncode(v)) != std::string::npos)
      kinds.insert(kind);
  return kinds;
}

void Recorder::CollectSecrets(const std::string& url, const Headers& request_headers,
                              const std::string& request_body,
                              const std::map<std::string, std::string>& response_headers,
                              const std::string& response_body) {
  auto from_pairs = [this](const std::vector<std::pair<std::string, std::string>>& pairs) {
    for (const auto& [k, v] : pairs) {
      auto it = kSecretFields.find(k);
      if (it != kSecretFields.end()) Secret(it->second, v);
    }
  };
  // In a response, "code" is an error code, not an authorization code (those come in Location).
  bool response = false;
  std::function<void(const json&)> from_json = [&](const json& j) {
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.value().is_string()) {
          auto f = kSecretFields.find(it.key());
          if (f != kSecretFields.end() && !(response && it.key() == "code"))
            Secret(f->second, it.value().get<std::string>());
          if (it.key() == "link") Secret("link_token", LinkToken(SplitUrl(it.value()).path));
        } else {
          from_json(it.value());
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) from_json(v);
    }
  };
  auto from_url = [&](const std::string& u) {
    Url parts = SplitUrl(u);
    Secret("link_token", LinkToken(parts.path));
    from_pairs(ParsePairs(parts.query));
    from_pairs(ParsePairs(parts.fragment));
  };

  from_url(url);
  for (const auto& [name, value] : request_headers) {
    if (Lower(name) != "authorization") continue;
    const std::string v = Trim(value);
    const size_t space = v.find(' ');
    const std::string scheme = Lower(v.substr(0, space));
    const std::string credential = space == std::string::npos ? "" : Trim(v.substr(space + 1));
    if (scheme == "bearer") {
      Secret(credential.rfind("sk_", 0) == 0 ? "api_key" : "access_token", credential);
    } else if (scheme == "basic") {
      Secret("basic_credentials", credential);
      const std::string decoded = Base64Decode(credential);
      const size_t colon = decoded.find(':');
      if (colon != std::string::npos) Secret("api_key", decoded.substr(colon + 1));
    }
  }
  const json request_json = json::parse(request_body, nullptr, false);
  if (!request_json.is_discarded() && request_json.is_structured()) {
    from_json(request_json);
  } else {
    from_pairs(ParsePairs(request_body));
  }
  auto location = response_headers.find("location");
  if (location != response_headers.end()) from_url(location->second);
  response = true;
  const json response_json = json::parse(response_body, nullptr, false);
  if (!response_json.is_discarded()) from_json(response_json);
}

}  // namespace conformance::drift
