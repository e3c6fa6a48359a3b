// SSO domain rules with a manual clock: connection selection, the mock IdP's choice of user,
// PKCE, RS256 access tokens, and list pagination.
#include <catch2/catch.hpp>

#include <openssl/sha.h>

#include <algorithm>
#include <functional>
#include <set>

#include "domain/environment.h"
#include "domain/ids.h"
#include "jwt_verify.h"
#include "result_checks.h"

using namespace workos_mock;
using workos_mock::testing::Base64UrlDecode;
using workos_mock::testing::ErrorOf;
using workos_mock::testing::VerifyRs256;

namespace {

IdpUser User(const std::string& email, const std::string& first = "") {
  IdpUser u;
  u.email = email;
  if (!first.empty()) u.first_name = first;
  return u;
}

Connection Conn(const std::string& id, const std::string& type, const std::string& org,
                std::vector<IdpUser> users = {}, const std::string& state = "active") {
  Connection c;
  c.id = id;
  c.type = type;
  c.name = type;
  c.state = state;
  if (!org.empty()) c.organization_id = org;
  c.users = std::move(users);
  return c;
}

EnvironmentConfig Seed() {
  EnvironmentConfig c;
  c.name = "sso";
  c.api_keys = {"sk_test_sso"};
  c.client_id = "client_sso";
  c.redirect_uris = {{"http://localhost:3000/callback", true},
                     {"https://app.example.com/cb", false}};
  c.organizations = {{"org_foo", "Foo", {{"org_domain_1", "foo.com"}}, 0, 0},
                     {"org_bar", "Bar", {{"org_domain_2", "bar.io"}}, 0, 0},
                     {"org_empty", "Empty", {}, 0, 0},
                     {"org_draft", "Draft", {}, 0, 0}};
  c.connections = {
      Conn("conn_foo", "OktaSAML", "org_foo", {User("ann@foo.com", "Ann"), User("bob@foo.com")}),
      Conn("conn_bar1", "GoogleOAuth", "org_bar"), Conn("conn_bar2", "EntraIdOIDC", "org_bar"),
      Conn("conn_draft", "AzureSAML", "org_draft", {}, "draft"),
      Conn("conn_ml", "MagicLink", "org_empty")};
  c.connections[1].domains = {{"org_domain_3", "bar.io"}};
  return c;
}

AuthorizeRequest Req() {
  AuthorizeRequest r;
  r.client_id = "client_sso";
  r.redirect_uri = "http://localhost:3000/callback";
  r.response_type = "code";
  r.state = "s 1";
  return r;
}

std::string Param(const std::string& url, const std::string& name) {
  auto q = url.find('?');
  std::string query = q == std::string::npos ? "" : url.substr(q + 1);
  for (size_t start = 0; start <= query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      std::string v = pair.substr(eq + 1), out;
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += v[i];
        }
      }
      return out;
    }
    start = end + 1;
  }
  return "";
}

std::string S256(const std::string& verifier) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), d);
  return Base64UrlEncode(std::string(reinterpret_cast<char*>(d), sizeof d));
}

struct Fixture {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};

  Result<TokenGrant> Exchange(const std::string& code, const std::string& secret = "sk_test_sso",
                              const std::string& verifier = "") {
    return env.ExchangeCode({"client_sso", secret, "authorization_code", code, verifier});
  }
};

}  // namespace

TEST_CASE("authorize: selector errors redirect to the app with error, description, state",
          "[sso]") {
  Fixture f;
  struct Case {
    std::string name;
    std::function<void(AuthorizeRequest&)> edit;
    std::string error, description;
  };
  std::vector<Case> cases = {
      {"two selectors",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.organization = "org_foo";
       },
       "invalid_connection_selector", ""},
      {"deprecated domain", [](AuthorizeRequest& r) { r.domain = "foo.com"; },
       "domain_connection_selector_not_allowed", ""},
      {"unknown connection", [](AuthorizeRequest& r) { r.connection = "conn_x"; },
       "connection_invalid", "No Connection found with ID 'conn_x'"},
      {"unknown organization", [](AuthorizeRequest& r) { r.organization = "org_x"; },
       "organization_invalid", "No Connection associated with Organization 'org_x'"},
      {"organization with only a MagicLink connection",
       [](AuthorizeRequest& r) { r.organization = "org_empty"; }, "organization_invalid",
       "No Connection associated with Organization 'org_empty'"},
      {"organization with two SSO connections",
       [](AuthorizeRequest& r) { r.organization = "org_bar"; }, "ambiguous_connection_selector",
       ""},
      {"draft connection", [](AuthorizeRequest& r) { r.connection = "conn_draft"; },
       "connection_unlinked", ""},
      {"organization whose only connection is a draft",
       [](AuthorizeRequest& r) { r.organization = "org_draft"; }, "connection_unlinked", ""},
      {"unknown provider", [](AuthorizeRequest& r) { r.provider = "MySpaceOAuth"; },
       "connection_strategy_invalid", "The provider 'MySpaceOAuth' is not valid."},
      {"prompt other than login",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.prompt = "consent";
       },
       "invalid_request", "The prompt 'consent' is not supported; use 'login'."},
      {"missing response_type",
       [](AuthorizeRequest& r) {
         r.response_type = "";
         r.connection = "conn_foo";
       },
       "invalid_request", ""},
      {"token response_type",
       [](AuthorizeRequest& r) {
         r.response_type = "token";
         r.connection = "conn_foo";
       },
       "unsupported_response_type", ""},
      {"plain PKCE",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.code_challenge = std::string(43, 'a');
         r.code_challenge_method = "plain";
       },
       "invalid_request", ""},
      {"PKCE challenge without method",
       [](AuthorizeRequest& r) {
         r.connection = "conn_foo";
         r.code_challenge = std::string(43, 'a');
       },
       "invalid_request", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    AuthorizeRequest r = Req();
    c.edit(r);
    AuthorizeOutcome o = f.env.Authorize(r);
    CHECK(o.kind == AuthorizeOutcome::Kind::kRedirect);
    CHECK(o.location.rfind("http://localhost:3000/callback?error=", 0) == 0);
    CHECK(Param(o.location, "error") == c.error);
    CHECK(o.error == c.error);
    CHECK(Param(o.location, "state") == "s 1");
    CHECK(Param(o.location, "code").empty());
    if (!c.description.empty()) CHECK(Param(o.location, "error_description") == c.description);
    CHECK(Param(o.location, "error_uri") ==
          "https://workos.com/docs/reference/sso/get-authorization-url/error-codes");
  }
}

TEST_CASE("authorize: requests that never reach the app go to the mock's error pages", "[sso]") {
  Fixture f;
  AuthorizeRequest none = Req();  // no connection, organization, provider or domain
  AuthorizeOutcome o = f.env.Authorize(none);
  CHECK(o.kind == AuthorizeOutcome::Kind::kErrorPage);
  CHECK(o.location == "http://mock/sso/invalid-connection-selector");

  AuthorizeRequest method_only = Req();
  method_only.connection = "conn_foo";
  method_only.code_challenge_method = "S256";
  o = f.env.Authorize(method_only);
  CHECK(o.kind == AuthorizeOutcome::Kind::kErrorPage);
  CHECK(o.location == "http://mock/sso/code_challenge_missing");
  method_only.connection = "";  // both problems: the PKCE one is named first
  CHECK(f.env.Authorize(method_only).location == "http://mock/sso/code_challenge_missing");

  // The redirect URI is checked first; the deprecated domain selector still reaches the app.
  none.redirect_uri = "https://evil.example.com/cb";
  CHECK(f.env.Authorize(none).kind == AuthorizeOutcome::Kind::kInvalidRedirectUri);
  AuthorizeRequest domain = Req();
  domain.domain = "foo.com";
  CHECK(Param(f.env.Authorize(domain).location, "error") ==
        "domain_connection_selector_not_allowed");
}

TEST_CASE("authorize: prompt=login is accepted", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.prompt = "login";
  AuthorizeOutcome o = f.env.Authorize(r);
  REQUIRE(o.kind == AuthorizeOutcome::Kind::kRedirect);
  CHECK(o.error.empty());
  CHECK_FALSE(Param(o.location, "code").empty());
}

TEST_CASE("profile: roles and custom attributes from the IdP user; oauth_tokens for OAuth only",
          "[sso]") {
  EnvironmentConfig seed = Seed();
  IdpUser rich = User("ria@foo.com", "Ria");
  rich.roles = {"admin", "billing"};
  rich.custom_attributes = {{"department", "Sales"}};
  seed.connections.push_back(Conn("conn_x", "XOAuth", "", {rich}));
  seed.connections.push_back(Conn("conn_okta_oidc", "OktaOIDC", "org_foo", {rich}));
  ManualClock clock;
  Environment env{seed, clock, "http://mock"};
  auto sign_in = [&](const std::string& connection, std::vector<std::string> scopes) {
    AuthorizeRequest r = Req();
    r.connection = connection;
    r.provider_scopes = std::move(scopes);
    auto grant = env.ExchangeCode({"client_sso", "sk_test_sso", "authorization_code",
                                   Param(env.Authorize(r).location, "code"), ""});
    REQUIRE(grant.ok());
    return grant.value();
  };
  TokenGrant x = sign_in("conn_x", {"tweet.read", "users.read"});
  CHECK(x.profile.connection_type == "XOAuth");
  CHECK(x.profile.roles == std::vector<std::string>{"admin", "billing"});
  CHECK(x.profile.custom_attributes.at("department") == "Sales");
  REQUIRE(x.oauth_tokens);
  CHECK(x.oauth_tokens->provider == "XOAuth");
  CHECK(x.oauth_tokens->scopes == std::vector<std::string>{"tweet.read", "users.read"});
  CHECK(x.oauth_tokens->expires_at == clock.NowMs() / 1000 + 3600);
  CHECK(x.oauth_tokens->access_token != x.oauth_tokens->refresh_token);
  CHECK_FALSE(x.oauth_tokens->access_token.empty());

  TokenGrant oidc = sign_in("conn_okta_oidc", {});
  CHECK(oidc.profile.connection_type == "OktaOIDC");
  CHECK_FALSE(oidc.oauth_tokens);  // an OIDC connection: no IdP tokens, as live
  CHECK(IsOAuthConnectionType("GrokOAuth"));
  CHECK_FALSE(IsOAuthConnectionType("CleverOIDC"));
  CHECK_FALSE(IsOAuthConnectionType("OAuth"));
  const auto& types = ConnectionTypes();
  for (const char* t :
       {"GrokOAuth", "XOAuth", "CleverOIDC", "EntraIdOIDC", "OktaOIDC", "MagicLink"})
    CHECK(std::count(types.begin(), types.end(), t) == 1);
}

TEST_CASE("authorize: untrusted redirect URIs never go back to the app", "[sso]") {
  Fixture f;
  for (std::string uri : {"http://localhost:3000/callback/", "https://evil.example.com/cb",
                          "http://localhost:3000/callback?x=1", "HTTP://localhost:3000/callback"}) {
    INFO(uri);
    AuthorizeRequest r = Req();
    r.redirect_uri = uri;
    r.connection = "conn_x";  // would be an error redirect if the URI were trusted
    AuthorizeOutcome o = f.env.Authorize(r);
    CHECK(o.kind == AuthorizeOutcome::Kind::kInvalidRedirectUri);
    CHECK(o.location.rfind("http://mock/sso/redirect-uri-invalid", 0) == 0);
  }
  // Absent: the environment's default is used.
  AuthorizeRequest r = Req();
  r.redirect_uri = "";
  r.connection = "conn_foo";
  AuthorizeOutcome o = f.env.Authorize(r);
  CHECK(o.location.rfind("http://localhost:3000/callback?code=", 0) == 0);
  // Wrong client id (the HTTP layer routes by it; the domain refuses too).
  r.client_id = "client_other";
  o = f.env.Authorize(r);
  CHECK(o.location.rfind("http://mock/sso/client-id-invalid", 0) == 0);
}

TEST_CASE("authorize: the mock IdP signs in the login_hint user, else the first one", "[sso]") {
  Fixture f;
  auto login = [&](AuthorizeRequest r) {
    AuthorizeOutcome o = f.env.Authorize(r);
    REQUIRE(o.kind == AuthorizeOutcome::Kind::kRedirect);
    REQUIRE(o.error.empty());
    CHECK(Param(o.location, "state") == "s 1");
    auto grant = f.Exchange(Param(o.location, "code"));
    REQUIRE(grant.ok());
    return grant.value().profile;
  };
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  Profile p = login(r);
  CHECK(p.email == "ann@foo.com");
  CHECK(p.first_name == std::optional<std::string>("Ann"));
  CHECK(p.connection_id == "conn_foo");
  CHECK(p.connection_type == "OktaSAML");
  CHECK(p.organization_id == std::optional<std::string>("org_foo"));

  r.login_hint = "BOB@foo.com";
  CHECK(login(r).email == "bob@foo.com");
  r.login_hint = "nobody@foo.com";  // not configured: the first user
  CHECK(login(r).email == "ann@foo.com");

  AuthorizeRequest o = Req();
  o.organization = "org_foo";
  CHECK(login(o).connection_id == "conn_foo");

  // A connection without users: from login_hint, else user@<its first domain, else its
  // organization's first verified domain -- a user the domain policy admits>.
  AuthorizeRequest g = Req();
  g.connection = "conn_bar1";
  CHECK(login(g).email == "user@bar.io");
  g.login_hint = "cleo@bar.io";
  CHECK(login(g).email == "cleo@bar.io");
  AuthorizeRequest e = Req();
  e.connection = "conn_bar2";
  CHECK(login(e).email == "user@bar.io");

  // The same user on the same connection keeps one profile id.
  CHECK(login(r).id == login(r).id);
}

TEST_CASE("authorize: provider uses an active connection of that type, else creates one", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.provider = "GoogleOAuth";
  AuthorizeOutcome o = f.env.Authorize(r);
  auto grant = f.Exchange(Param(o.location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.connection_id == "conn_bar1");

  const size_t before = f.env.Connections().size();
  r.provider = "GitHubOAuth";
  o = f.env.Authorize(r);
  grant = f.Exchange(Param(o.location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.connection_type == "GitHubOAuth");
  CHECK(grant.value().profile.organization_id == std::nullopt);
  CHECK(f.env.Connections().size() == before + 1);
  // Reused on the next sign-in.
  o = f.env.Authorize(r);
  CHECK(f.env.Connections().size() == before + 1);
}

TEST_CASE("authorize: PKCE S256 binds the code to the verifier", "[sso][pkce]") {
  Fixture f;
  const std::string verifier = RandomBase64Url(32);
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.code_challenge = S256(verifier);
  r.code_challenge_method = "S256";
  std::string code = Param(f.env.Authorize(r).location, "code");
  REQUIRE(!code.empty());
  CHECK(ErrorOf(f.Exchange(code, "", "")).kind == ErrorKind::kInvalidGrant);
  CHECK(ErrorOf(f.Exchange(code, "", "wrong-verifier")).kind == ErrorKind::kInvalidGrant);
  auto grant = f.Exchange(code, "", verifier);  // public client: no secret
  REQUIRE(grant.ok());
  CHECK(ErrorOf(f.Exchange(code, "", verifier)).kind == ErrorKind::kInvalidGrant);  // single use
}

TEST_CASE("interactive IdP: a pending login completes once, as the chosen user", "[sso]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.interactive = true;
  r.login_hint = "bob@foo.com";
  AuthorizeOutcome page = f.env.Authorize(r);
  REQUIRE(page.kind == AuthorizeOutcome::Kind::kIdpPage);
  CHECK(page.connection.users.size() == 2);
  CHECK(page.login_hint == "bob@foo.com");
  CHECK(f.env.HasPendingLogin(page.login_id));

  CHECK(ErrorOf(f.env.CompleteLogin(page.login_id, "not an email")).kind == ErrorKind::kValidation);
  auto done = f.env.CompleteLogin(page.login_id, "zed@foo.com");
  REQUIRE(done.ok());
  auto grant = f.Exchange(Param(done.value().location, "code"));
  REQUIRE(grant.ok());
  CHECK(grant.value().profile.email == "zed@foo.com");
  CHECK(ErrorOf(f.env.CompleteLogin(page.login_id, "zed@foo.com")).kind == ErrorKind::kNotFound);

  AuthorizeOutcome page2 = f.env.Authorize(r);
  auto denied = f.env.CompleteLogin(page2.login_id, "", "deny");
  REQUIRE(denied.ok());
  CHECK(Param(denied.value().location, "error") == "access_denied");
  CHECK(Param(denied.value().location, "state") == "s 1");

  AuthorizeOutcome page3 = f.env.Authorize(r);
  f.clock.AdvanceMs(601 * 1000);
  CHECK(ErrorOf(f.env.CompleteLogin(page3.login_id, "ann@foo.com")).kind == ErrorKind::kNotFound);
}

TEST_CASE("access tokens are RS256 JWTs that verify with the JWKS key", "[sso][jwt]") {
  Fixture f;
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  auto grant = f.Exchange(Param(f.env.Authorize(r).location, "code"));
  REQUIRE(grant.ok());
  const std::string jwt = grant.value().access_token;
  auto keys = f.env.Jwks();
  REQUIRE(keys.size() == 1);
  const JsonWebKey& k = keys[0];
  CHECK(k.alg == "RS256");
  CHECK(k.kty == "RSA");
  CHECK(k.use == "sig");
  CHECK(k.e == "AQAB");
  CHECK(Base64UrlDecode(k.n).size() == 256);  // RSA-2048
  CHECK(k.kid.rfind("key_", 0) == 0);
  CHECK(k.kid.size() == 4 + 26);
  REQUIRE(k.x5c.size() == 1);
  CHECK(k.x5t_s256.size() == 43);

  std::string kid;
  nlohmann::json claims = VerifyRs256(jwt, k.n, k.e, &kid);
  REQUIRE(claims.is_object());
  CHECK(kid == k.kid);
  CHECK(claims["iss"] == "http://mock");
  CHECK(claims["sub"] == grant.value().profile.id);
  CHECK(claims["aud"] == "client_sso");
  CHECK(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>() == 600);
  CHECK(claims["jti"].get<std::string>().size() == 26);

  // A tampered token does not verify, and is not a valid access token either.
  std::string tampered = jwt;
  tampered[jwt.find('.') + 5] ^= 1;
  CHECK(VerifyRs256(tampered, k.n, k.e).is_null());
  CHECK(!f.env.ProfileForAccessToken(tampered));
  CHECK(f.env.ProfileForAccessToken(jwt)->id == grant.value().profile.id);

  // One key per process: every environment serves the same set.
  ManualClock clock;
  EnvironmentConfig other = Seed();
  other.name = "other";
  Environment env2(other, clock, "http://mock");
  CHECK(env2.Jwks()[0].kid == k.kid);
}

TEST_CASE("pagination: limit, order, before/after cursors, validation", "[pagination]") {
  struct Item {
    std::string id;
    int64_t created_ms;
  };
  std::vector<Item> items;
  for (int i = 0; i < 25; ++i) items.push_back({NewId("conn", 1000 + i), 1000 + i});
  auto ids = [](const Page<Item>& p) {
    std::vector<std::string> out;
    for (const auto& i : p.data) out.push_back(i.id);
    return out;
  };

  auto first = Paginate(items, {});
  REQUIRE(first.ok());
  CHECK(first.value().data.size() == 10);
  CHECK(first.value().data.front().id == items[24].id);  // default desc: newest first
  CHECK(first.value().before == std::nullopt);
  CHECK(first.value().after == items[15].id);

  // Walk every page with `after`, in both orders; nothing lost or repeated.
  for (std::string order : {"desc", "asc", "normal"}) {
    INFO(order);
    std::vector<std::string> seen;
    std::optional<std::string> after;
    int pages = 0;
    do {
      PageRequest r;
      r.order = order;
      r.limit = "7";
      r.after = after;
      auto page = Paginate(items, r);
      REQUIRE(page.ok());
      for (auto& id : ids(page.value())) seen.push_back(id);
      if (pages > 0) CHECK(page.value().before == page.value().data.front().id);
      after = page.value().after;
      ++pages;
    } while (after);
    CHECK(pages == 4);
    REQUIRE(seen.size() == 25);
    CHECK(seen.front() == (order == "desc" ? items[24].id : items[0].id));
  }

  // `before` returns the page preceding the cursor.
  PageRequest r;
  r.limit = "5";
  r.order = "asc";
  r.before = items[12].id;
  auto prev = Paginate(items, r);
  REQUIRE(prev.ok());
  CHECK(ids(prev.value()) == std::vector<std::string>{items[7].id, items[8].id, items[9].id,
                                                      items[10].id, items[11].id});
  CHECK(prev.value().before == items[7].id);
  CHECK(prev.value().after == items[11].id);

  // A cursor that names a deleted object is placed by its ULID time.
  PageRequest gone;
  gone.order = "asc";
  gone.after = NewId("conn", 1010);
  auto after_gone = Paginate(items, gone);
  REQUIRE(after_gone.ok());
  CHECK(after_gone.value().data.front().created_ms >= 1010);

  for (auto bad : std::vector<PageRequest>{{"0", {}, {}, {}},
                                           {"101", {}, {}, {}},
                                           {"ten", {}, {}, {}},
                                           {"-1", {}, {}, {}},
                                           {{}, "newest", {}, {}},
                                           {{}, {}, items[1].id, items[2].id}}) {
    auto page = Paginate(items, bad);
    REQUIRE(!page.ok());
    CHECK(page.error().kind == ErrorKind::kValidation);
  }
}

TEST_CASE("connections and organizations: filters", "[sso][directory]") {
  Fixture f;
  auto list = [&](ConnectionFilter filter) {
    auto page = f.env.ListConnections(filter, {});
    REQUIRE(page.ok());
    std::set<std::string> out;
    for (const auto& c : page.value().data) out.insert(c.id);
    return out;
  };
  CHECK(list({}).size() == 5);
  CHECK(list({"OktaSAML", "", "", ""}) == std::set<std::string>{"conn_foo"});
  CHECK(list({"oktasaml", "", "", ""}) == std::set<std::string>{"conn_foo"});
  CHECK(list({"", "BAR.io", "", ""}) == std::set<std::string>{"conn_bar1"});
  CHECK(list({"", "", "org_bar", ""}) == std::set<std::string>{"conn_bar1", "conn_bar2"});
  CHECK(list({"", "", "", "entra"}) == std::set<std::string>{"conn_bar2"});
  CHECK(list({"GoogleOAuth", "", "org_foo", ""}).empty());

  auto orgs = f.env.ListOrganizations({"foo.com", "BAR.IO"}, {});
  REQUIRE(orgs.ok());
  CHECK(orgs.value().data.size() == 2);
  CHECK(f.env.ListOrganizations({}, {}).value().data.size() == 4);
  CHECK(f.env.ListOrganizations({"nope.com"}, {}).value().data.empty());
}

TEST_CASE("pending sign-ins are never dropped to make room; at max_stored they answer 429",
          "[sso][caps]") {
  // Past 10,000 pending sign-ins every one of them used to be wiped to make room for the next.
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");  // the default cap, 100,000
  AuthorizeRequest r = Req();
  r.connection = "conn_foo";
  r.interactive = true;
  std::vector<std::string> ids;
  for (int i = 0; i < 10050; ++i) {
    AuthorizeOutcome page = env.Authorize(r);
    REQUIRE(page.kind == AuthorizeOutcome::Kind::kIdpPage);
    ids.push_back(page.login_id);
  }
  CHECK(env.HasPendingLogin(ids.front()));
  CHECK(env.CompleteLogin(ids.front(), "ann@foo.com", "sign_in").ok());
  CHECK(env.CompleteLogin(ids.back(), "ann@foo.com", "sign_in").ok());

  // At the cap: 429 (kLimitExceeded) naming the cap, and every stored sign-in still completes.
  EnvironmentConfig small = Seed();
  small.max_stored = 100;
  Environment full(small, clock, "http://mock");
  ids.clear();
  for (int i = 0; i < 100; ++i) ids.push_back(full.Authorize(r).login_id);
  AuthorizeOutcome refused = full.Authorize(r);
  CHECK(refused.kind == AuthorizeOutcome::Kind::kLimitExceeded);
  CHECK(refused.error.find("maximum of 100 (config max_stored) unexpired pending sign-ins") !=
        std::string::npos);
  for (const auto& id : ids) CHECK(full.HasPendingLogin(id));
  // Completing one makes room for one more.
  REQUIRE(full.CompleteLogin(ids[0], "ann@foo.com", "sign_in").ok());
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kIdpPage);
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kLimitExceeded);
  // Direct sign-ins are capped by the codes they store, with the same answer.
  r.interactive = false;
  for (int i = 0; i < 99; ++i)  // one code is already stored (the completed sign-in)
    REQUIRE(full.Authorize(r).kind == AuthorizeOutcome::Kind::kRedirect);
  CHECK(full.Authorize(r).kind == AuthorizeOutcome::Kind::kLimitExceeded);
}
