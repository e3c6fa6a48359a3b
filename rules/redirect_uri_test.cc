// Unit tests for the redirect-URI rules (rules/redirect_uri.h).
#include "rules/redirect_uri.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using workos_mock::EnvironmentKind;
using workos_mock::ParseRedirectUri;
using workos_mock::RedirectUriCheck;
using workos_mock::RedirectUriMatches;
using workos_mock::RedirectUriParts;
using workos_mock::RedirectUriPolicy;
using workos_mock::RedirectUriViolations;
using workos_mock::ValidateRegisteredRedirectUri;

constexpr EnvironmentKind kStaging = EnvironmentKind::kStaging;
constexpr EnvironmentKind kProduction = EnvironmentKind::kProduction;

struct ValidationCase {
  std::string uri;
  EnvironmentKind kind;
  bool allow_wildcards;
  bool is_default;
  std::string expected_rule;  // empty = accepted
};

std::string KindName(EnvironmentKind kind) {
  return kind == kProduction ? "production" : "staging";
}

void CheckAll(const std::vector<ValidationCase>& cases) {
  for (const ValidationCase& c : cases) {
    RedirectUriPolicy policy;
    policy.kind = c.kind;
    policy.allow_wildcards = c.allow_wildcards;
    const RedirectUriCheck check = ValidateRegisteredRedirectUri(c.uri, policy, c.is_default);
    INFO("uri=\"" << c.uri << "\" env=" << KindName(c.kind) << " wildcards=" << c.allow_wildcards
                  << " default=" << c.is_default << " -> rule=\"" << check.rule << "\" message=\""
                  << check.message << "\"");
    CHECK(check.rule == c.expected_rule);
    CHECK(check.ok == c.expected_rule.empty());
    if (check.ok) {
      CHECK(check.message.empty());
    } else {
      CHECK_FALSE(check.message.empty());
    }
    // The list of every violated rule starts with the one reported.
    const std::vector<RedirectUriCheck> all = RedirectUriViolations(c.uri, policy, c.is_default);
    CHECK(all.empty() == check.ok);
    if (!all.empty()) {
      CHECK(all.front().rule == check.rule);
      CHECK(all.front().message == check.message);
    }
  }
}

std::vector<std::string> Rules(const std::string& uri, EnvironmentKind kind) {
  RedirectUriPolicy policy;
  policy.kind = kind;
  std::vector<std::string> rules;
  for (const RedirectUriCheck& c : RedirectUriViolations(uri, policy, false)) {
    CHECK_FALSE(c.ok);
    CHECK_FALSE(c.message.empty());
    rules.push_back(c.rule);
  }
  return rules;
}

// Shorthands for the common case (wildcards off, not the default).
ValidationCase Staging(const std::string& uri, const std::string& rule) {
  return {uri, kStaging, false, false, rule};
}
ValidationCase Production(const std::string& uri, const std::string& rule) {
  return {uri, kProduction, false, false, rule};
}

}  // namespace

TEST_CASE("Valid http and https redirect URIs are accepted in staging", "[redirect_uri]") {
  CheckAll({
      Staging("https://app.example.com/callback", ""),
      Staging("https://app.example.com/callback/", ""),
      Staging("https://app.example.com", ""),
      Staging("http://app.example.com/cb", ""),
      Staging("http://localhost:3000/cb", ""),
      Staging("http://localhost/cb", ""),
      Staging("https://localhost/cb", ""),
      Staging("http://dev.localhost:8080/cb", ""),
      Staging("http://127.0.0.1:8080/cb", ""),
      Staging("http://[::1]:8080/cb", ""),
      Staging("HTTPS://App.Example.COM/Callback", ""),
      Staging("https://xn--bcher-kva.example/cb", ""),
      Staging("https://my_host.example.com/cb", ""),
      Staging("https://app.example.com:65535/cb", ""),
  });
}

TEST_CASE("Non-absolute or non-http(s) URIs are refused as absolute_http_uri_required",
          "[redirect_uri]") {
  const std::string rule = "absolute_http_uri_required";
  CheckAll({
      Staging("", rule),
      Production("", rule),
      Staging("ftp://x/y", rule),
      Staging("//example.com/cb", rule),
      Staging("/callback", rule),
      Staging("example.com/cb", rule),
      Staging("localhost:3000/cb", rule),
      Staging("https:example.com/cb", rule),
      Staging("https:/example.com/cb", rule),
      Staging("com.example.app://callback", rule),
      Production("javascript://alert(1)", rule),
      {"com.example.app://*.example.com", kStaging, true, false, rule},
  });
}

TEST_CASE("Host and port must be present and well-formed", "[redirect_uri]") {
  CheckAll({
      Staging("https:///cb", "host_required"),
      Staging("https://", "host_required"),
      Staging("https://:443/cb", "host_required"),
      Staging("https://app..example.com/cb", "invalid_host"),
      Staging("https://.example.com/cb", "invalid_host"),
      Staging("https://app.example.com./cb", "invalid_host"),
      Staging("https://app%2Eexample.com/cb", "invalid_host"),
      Staging("https://[::1/cb", "invalid_host"),
      Staging("https://app.example.com:0/cb", "invalid_port"),
      Staging("https://app.example.com:65536/cb", "invalid_port"),
      Staging("https://app.example.com:/cb", "invalid_port"),
      Staging("https://app.example.com:80a/cb", "invalid_port"),
      Staging("https://app.example.com:*/cb", "invalid_port"),
      Staging("https://app.example.com/call back", "invalid_character"),
      Staging("https://app.example.com/cb\n", "invalid_character"),
  });
}

TEST_CASE("Userinfo (user:pass@host) is refused, but '@' in the path is a path character",
          "[redirect_uri]") {
  CheckAll({
      Staging("https://user:pass@app.example.com/cb", "userinfo_not_allowed"),
      Staging("https://user@app.example.com/cb", "userinfo_not_allowed"),
      Staging("https://@app.example.com/cb", "userinfo_not_allowed"),
      Production("https://app.example.com@evil.example/cb", "userinfo_not_allowed"),
      Staging("https://app.example.com/@handle/cb", ""),
  });
}

TEST_CASE("Query strings and fragments are always refused, even when empty", "[redirect_uri]") {
  CheckAll({
      Staging("https://app.example.com/cb?x=1", "query_not_allowed"),
      Production("https://app.example.com/cb?x=1", "query_not_allowed"),
      Staging("https://app.example.com/cb?", "query_not_allowed"),
      Staging("https://app.example.com?x=1", "query_not_allowed"),
      Staging("https://app.example.com/cb?x=1#frag", "query_not_allowed"),
      Staging("https://app.example.com/cb#x", "fragment_not_allowed"),
      Production("https://app.example.com/cb#x", "fragment_not_allowed"),
      Staging("https://app.example.com/cb#", "fragment_not_allowed"),
      Staging("https://app.example.com/cb#a?b", "fragment_not_allowed"),
  });
}

TEST_CASE("Non-ASCII (IDN) hosts must be registered in punycode", "[redirect_uri]") {
  CheckAll({
      Staging("https://b\xC3\xBC"
              "cher.example/cb",
              "punycode_required"),
      Production("https://b\xC3\xBC"
                 "cher.example/cb",
                 "punycode_required"),
      Staging("https://xn--bcher-kva.example/cb", ""),
      Production("https://xn--bcher-kva.example/cb", ""),
  });
}

TEST_CASE("Production requires https, except http://127.0.0.1 for native clients",
          "[redirect_uri]") {
  CheckAll({
      Production("https://app.example.com/callback", ""),
      Production("HTTPS://APP.EXAMPLE.COM/callback", ""),
      Production("http://127.0.0.1:8080/cb", ""),
      Production("http://127.0.0.1/cb", ""),
      Production("http://127.0.0.1", ""),
      Production("https://127.0.0.1:8443/cb", ""),
      Production("http://app.example.com/cb", "https_required"),
      Production("HTTP://app.example.com/cb", "https_required"),
      Production("http://127.0.0.2/cb", "https_required"),
      Production("http://10.0.0.1:8080/cb", "https_required"),
      Staging("http://app.example.com/cb", ""),
  });
}

TEST_CASE("Production refuses localhost over any scheme; staging allows it", "[redirect_uri]") {
  const std::string rule = "localhost_not_allowed_in_production";
  CheckAll({
      Production("http://localhost/cb", rule),
      Production("https://localhost/cb", rule),
      Production("http://localhost:3000/cb", rule),
      Production("https://LOCALHOST:8443/cb", rule),
      Production("https://app.localhost/cb", rule),
      Production("https://[::1]/cb", rule),
      Staging("http://localhost/cb", ""),
      Staging("https://localhost/cb", ""),
      Staging("https://app.localhost/cb", ""),
  });
}

TEST_CASE("Wildcard hosts are refused when the environment does not allow them", "[redirect_uri]") {
  const std::string rule = "wildcard_not_allowed";
  CheckAll({
      Staging("https://*.example.com/cb", rule),
      Production("https://*.example.com/cb", rule),
      Staging("https://pr-*.example.com/cb", rule),
      Staging("http://*.localhost:3000/cb", rule),
      // A '*' in the path is a literal path character, not a wildcard.
      Staging("https://example.com/*/cb", ""),
      Staging("https://example.com/*.example.com/cb", ""),
      Production("https://example.com/*/cb", ""),
  });

  RedirectUriPolicy policy;
  const RedirectUriCheck check =
      ValidateRegisteredRedirectUri("https://*.example.com/cb", policy, false);
  CHECK(check.message.find("Magic Link") != std::string::npos);
  CHECK(check.message.find("allow_wildcard_redirect_uris") != std::string::npos);
}

TEST_CASE("Allowed wildcards follow WorkOS's documented placement rules", "[redirect_uri]") {
  CheckAll({
      {"https://*.example.com/cb", kStaging, true, false, ""},
      {"https://*.example.com/cb", kProduction, true, false, ""},
      {"https://prefix-*-suffix.example.com/cb", kStaging, true, false, ""},
      {"https://pr-*.example.com", kProduction, true, false, ""},
      {"http://*.localhost:3000/cb", kStaging, true, false, ""},
      {"http://*.example.com/cb", kStaging, true, false, ""},
      {"http://*.com", kStaging, true, false, "wildcard_requires_subdomain"},
      {"https://*/cb", kStaging, true, false, "wildcard_requires_subdomain"},
      {"https://*.0.0.1/cb", kStaging, true, false, "wildcard_requires_subdomain"},
      {"https://sub.*.example.com/cb", kStaging, true, false, "wildcard_not_leftmost_label"},
      {"https://example.*/cb", kStaging, true, false, "wildcard_not_leftmost_label"},
      {"https://*.*.example.com/cb", kStaging, true, false, "wildcard_multiple"},
      {"https://a-*-*.example.com/cb", kStaging, true, false, "wildcard_multiple"},
      {"https://*.example.com/cb", kStaging, true, true, "wildcard_cannot_be_default"},
      {"https://*.example.com/cb", kProduction, true, true, "wildcard_cannot_be_default"},
      {"https://example.com/cb", kProduction, true, true, ""},
      // Environment rules still apply to wildcard URIs.
      {"http://*.example.com/cb", kProduction, true, false, "https_required"},
      {"https://*.localhost/cb", kProduction, true, false, "localhost_not_allowed_in_production"},
      {"https://*.example.com/cb?x=1", kStaging, true, false, "query_not_allowed"},
  });
}

TEST_CASE("Production wildcards cannot sit directly on a public or shared-hosting suffix",
          "[redirect_uri]") {
  const std::string rule = "wildcard_on_public_suffix";
  CheckAll({
      {"https://*.ngrok-free.app/cb", kProduction, true, false, rule},
      {"https://*.vercel.app/cb", kProduction, true, false, rule},
      {"https://pr-*.netlify.app/cb", kProduction, true, false, rule},
      {"https://*.herokuapp.com/cb", kProduction, true, false, rule},
      {"https://*.github.io/cb", kProduction, true, false, rule},
      {"https://*.co.uk/cb", kProduction, true, false, rule},
      {"https://*.Vercel.App/cb", kProduction, true, false, rule},
      {"https://*.myapp.vercel.app/cb", kProduction, true, false, ""},
      {"https://*.example.co.uk/cb", kProduction, true, false, ""},
      {"https://*.ngrok-free.app/cb", kStaging, true, false, ""},
  });
}

TEST_CASE("Matching is byte-exact for non-wildcard entries", "[redirect_uri]") {
  CHECK(RedirectUriMatches("https://app.example.com/cb", "https://app.example.com/cb"));
  CHECK(RedirectUriMatches("http://127.0.0.1:8080/cb", "http://127.0.0.1:8080/cb"));
  // Trailing slash differences.
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb", "https://app.example.com/cb/"));
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb/", "https://app.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches("https://app.example.com", "https://app.example.com/"));
  // Scheme and port differences.
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb", "http://app.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches("http://localhost:3000/cb", "http://localhost:3001/cb"));
  CHECK_FALSE(RedirectUriMatches("http://localhost:3000/cb", "http://localhost/cb"));
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb", "https://app.example.com:443/cb"));
  // Case: accepted at registration, but matching stays exact (WorkOS: must match exactly).
  CHECK_FALSE(RedirectUriMatches("HTTPS://Example.com/cb", "https://example.com/cb"));
  CHECK_FALSE(RedirectUriMatches("https://example.com/CB", "https://example.com/cb"));
  CHECK(RedirectUriMatches("HTTPS://Example.com/cb", "HTTPS://Example.com/cb"));
  // Query strings and fragments never match; nor does an empty request.
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb", "https://app.example.com/cb?x=1"));
  CHECK_FALSE(RedirectUriMatches("https://app.example.com/cb", "https://app.example.com/cb#x"));
  CHECK_FALSE(
      RedirectUriMatches("https://app.example.com/cb?x=1", "https://app.example.com/cb?x=1"));
  CHECK_FALSE(RedirectUriMatches("", ""));
  // A '*' in the path is literal: it matches only itself.
  CHECK(RedirectUriMatches("https://example.com/*/cb", "https://example.com/*/cb"));
  CHECK_FALSE(RedirectUriMatches("https://example.com/*/cb", "https://example.com/x/cb"));
}

TEST_CASE("A wildcard entry matches exactly one host label of [A-Za-z0-9_-]", "[redirect_uri]") {
  const std::string reg = "https://*.example.com/cb";
  CHECK(RedirectUriMatches(reg, "https://a.example.com/cb"));
  CHECK(RedirectUriMatches(reg, "https://pr-123_Preview.example.com/cb"));
  // A request spelling the entry itself matches byte for byte, as for any entry (a separate
  // literal: comparing `reg` with itself would pass for any argument handling).
  CHECK(RedirectUriMatches(reg, "https://*.example.com/cb"));
  // The arguments are not interchangeable: a '*' in the request is no wildcard.
  CHECK_FALSE(RedirectUriMatches("https://a.example.com/cb", reg));
  CHECK_FALSE(RedirectUriMatches(reg, "https://*.example.com/cb/"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.b.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.org/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com.evil.test/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.EXAMPLE.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a%2Eb.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://user:secret@foo.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://user@foo.example.com/cb"));
  // Everything outside the host must be identical.
  CHECK_FALSE(RedirectUriMatches(reg, "http://a.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com:8443/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com/cb/"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com/other"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com/cb?x=1"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://a.example.com/cb#x"));

  const std::string with_port = "http://*.localhost:3000/cb";
  CHECK(RedirectUriMatches(with_port, "http://app.localhost:3000/cb"));
  CHECK_FALSE(RedirectUriMatches(with_port, "http://app.localhost:3001/cb"));
  CHECK_FALSE(RedirectUriMatches(with_port, "http://app.localhost/cb"));
}

TEST_CASE("A wildcard label with a prefix and suffix needs one or more characters in between",
          "[redirect_uri]") {
  const std::string reg = "https://prefix-*-suffix.example.com/cb";
  CHECK(RedirectUriMatches(reg, "https://prefix-42-suffix.example.com/cb"));
  CHECK(RedirectUriMatches(reg, "https://prefix---suffix.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://prefix--suffix.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://prefix-suffix.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://other-42-suffix.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://prefix-42-other.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches(reg, "https://prefix-a.b-suffix.example.com/cb"));
}

TEST_CASE("Entries with a '*' outside the left-most host label never act as wildcards",
          "[redirect_uri]") {
  CHECK_FALSE(RedirectUriMatches("https://sub.*.example.com/cb", "https://sub.a.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches("https://*.*.example.com/cb", "https://a.b.example.com/cb"));
  CHECK_FALSE(RedirectUriMatches("https://example.com/*/cb", "https://example.com/a/cb"));
}

TEST_CASE("Every violated rule is listed, in validation order", "[redirect_uri]") {
  using V = std::vector<std::string>;
  CHECK(Rules("https://app.example.com/callback", kProduction) == V{});
  CHECK(Rules("http://127.0.0.1:8080/callback", kProduction) == V{});
  // Query and fragment are judged on the string, even when the URI is not absolute.
  CHECK(Rules("app.example.com/cb?next=1#top", kProduction) ==
        V{"absolute_http_uri_required", "query_not_allowed", "fragment_not_allowed"});
  CHECK(Rules("ftp://user@example.com/cb?x", kStaging) ==
        V{"absolute_http_uri_required", "query_not_allowed", "userinfo_not_allowed"});
  CHECK(Rules("http://localhost:3000/cb?x", kProduction) ==
        V{"query_not_allowed", "localhost_not_allowed_in_production", "https_required"});
  CHECK(Rules("http://localhost:3000/cb?x", kStaging) == V{"query_not_allowed"});
  CHECK(Rules("https://exa mple.com:0/cb", kStaging) ==
        V{"invalid_character", "invalid_host", "invalid_port"});
  CHECK(Rules("http://*.example.com/cb#f", kProduction) ==
        V{"fragment_not_allowed", "https_required", "wildcard_not_allowed"});
  CHECK(Rules("https:///cb", kProduction) == V{"host_required"});
}

TEST_CASE("ParseRedirectUri splits a URI as written and refuses what is not absolute",
          "[redirect_uri]") {
  RedirectUriParts p;
  REQUIRE(ParseRedirectUri("HTTP://u:pw@[::1]:8443/cb?x#y", &p));
  CHECK(p.scheme == "HTTP");
  CHECK(p.authority == "u:pw@[::1]:8443");
  CHECK(p.has_userinfo);
  CHECK(p.host == "[::1]");
  CHECK(p.has_port);
  CHECK(p.port == "8443");
  CHECK(p.rest == "/cb?x#y");

  RedirectUriParts q;
  REQUIRE(ParseRedirectUri("https://App.Example.com", &q));
  CHECK(q.host == "App.Example.com");
  CHECK_FALSE(q.has_port);
  CHECK_FALSE(q.has_userinfo);
  CHECK(q.rest.empty());

  for (const char* uri : {"app.example.com/cb", "/cb", "https:/cb", "1http://x/cb", ""}) {
    RedirectUriParts r;
    INFO(uri);
    CHECK_FALSE(ParseRedirectUri(uri, &r));
  }
}
