// SSO scenarios: the code exchange (single use, expiry, client authentication, grant type) and
// the profile its access token fetches.
#include <regex>

#include "harness.h"

using namespace conformance;
using nlohmann::json;

namespace {

// Standard base64 with padding (an HTTP Basic credential).
std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

}  // namespace

TEST_CASE("token: a code is single use", "[live-safe][sso][token]") {
  Scenario s;
  const std::string email = s.Email();
  const std::string code = s.CodeFromMagicLink(email);
  workos::ProfileAndToken first = s.client().sso().GetProfileAndToken(code);
  CHECK(first.profile.email == email);
  auto e = ExpectError<workos::OAuthError>("second exchange",
                                           [&] { s.client().sso().GetProfileAndToken(code); });
  if (e) {
    CHECK(e->status() == 400);
    CHECK(e->error() == "invalid_grant");
    CHECK(e->error_description() == "The code '" + code + "' has expired or is invalid.");
  }
}

TEST_CASE("token: a code expires after 10 minutes", "[mock-only][sso][token]") {
  Scenario s;
  const std::string quick = s.CodeFromMagicLink(s.Email());
  s.mock().AdvanceClock(9 * 60 + 59);
  CHECK(s.client().sso().GetProfileAndToken(quick).token_type == "Bearer");
  const std::string slow = s.CodeFromMagicLink(s.Email());
  s.mock().AdvanceClock(601);
  auto e = ExpectError<workos::OAuthError>("exchange after 601 s",
                                           [&] { s.client().sso().GetProfileAndToken(slow); });
  if (e) {
    CHECK(e->error() == "invalid_grant");
    CHECK(e->error_description() == "The code '" + slow + "' has expired or is invalid.");
  }
}

TEST_CASE("token: a wrong client secret is invalid_client", "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  workos::Config wrong = s.config();
  wrong.api_key = "sk_test_conformance_not_the_secret_0000000000";
  workos::Client impostor(wrong);
  auto e = ExpectError<workos::OAuthError>("exchange with a wrong secret",
                                           [&] { impostor.sso().GetProfileAndToken(code); });
  if (e) {
    INFO(e->raw_body());
    CHECK(e->status() == 400);
    CHECK(e->error() == "invalid_client");
    CHECK(e->error_description() == "Invalid client ID or secret.");
  }
}

TEST_CASE("token: an unsupported grant type is refused", "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  HttpResult r =
      Http("POST", Url("/sso/token"), {{"Content-Type", "application/x-www-form-urlencoded"}},
           Form({{"client_id", s.client_id()},
                 {"client_secret", s.api_key()},
                 {"grant_type", "password"},
                 {"code", code}}));
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.json() == json({{"error", "unsupported_grant_type"},
                          {"error_description", "The grant type is not supported."}}));
}

TEST_CASE("profile: the access token fetches the profile", "[live-safe][sso][profile]") {
  Scenario s;
  const std::string email = s.Email();
  workos::ProfileAndToken token = s.client().sso().GetProfileAndToken(s.CodeFromMagicLink(email));
  INFO(token.raw.dump());
  CHECK(token.token_type == "Bearer");
  CHECK(std::regex_match(token.access_token,
                         std::regex(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")));
  CHECK(token.expires_in > 0);
  const workos::Profile& p = token.profile;
  CHECK(p.object == "profile");
  CHECK(IsUlidId(p.id, "prof_"));
  CHECK(IsUlidId(p.connection_id, "conn_"));
  CHECK(p.connection_type == "MagicLink");
  CHECK(p.email == email);
  CHECK(!p.organization_id.has_value());
  for (const char* key : {"object", "id", "organization_id", "connection_id", "connection_type",
                          "idp_id", "email", "first_name", "last_name", "name", "raw_attributes"}) {
    INFO(key);
    CHECK(p.raw.contains(key));
  }

  workos::Profile again = s.client().sso().GetProfile(token.access_token);
  CHECK(again.raw == p.raw);

  auto e = ExpectError<workos::UnauthorizedError>(
      "profile with a bad token", [&] { s.client().sso().GetProfile("not-an-access-token"); });
  if (e) CHECK(e->status() == 401);
}

TEST_CASE("token: HTTP Basic is not read; a body without client_id is invalid_request",
          "[live-safe][sso][token]") {
  Scenario s;
  const std::string code = s.CodeFromMagicLink(s.Email());
  HttpResult r = Http("POST", Url("/sso/token"),
                      {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Authorization", "Basic " + Base64(s.client_id() + ":" + s.api_key())}},
                      Form({{"grant_type", "authorization_code"}, {"code", code}}));
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.json() == json({{"error", "invalid_request"},
                          {"error_description", "Missing required parameter: client_id"}}));
  // The code was not used up: the usual exchange still works.
  CHECK(s.client().sso().GetProfileAndToken(code).token_type == "Bearer");
}
