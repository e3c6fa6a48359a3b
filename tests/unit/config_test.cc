// The config file: the embedded default, the shipped fixtures, and errors that name the key path.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "config/config.h"

using namespace workos_mock;

TEST_CASE("the embedded default is one staging environment usable with zero set-up", "[config]") {
  ServerConfig c = DefaultConfig();
  REQUIRE(c.environments.size() == 1);
  const auto& env = c.environments[0];
  CHECK(env.kind == EnvironmentKind::kStaging);
  CHECK(env.api_keys == std::vector<std::string>{"sk_test_workos_mock"});
  CHECK(env.client_id == "client_workos_mock");
  REQUIRE(env.redirect_uris.size() == 1);
  CHECK(env.redirect_uris[0].uri == "http://localhost:3000/callback");
  CHECK(env.redirect_uris[0].is_default);
  CHECK(env.link_ttl_seconds == 900);
  CHECK(env.code_ttl_seconds == 600);
}

TEST_CASE("every shipped fixture parses into what it describes", "[config]") {
  auto load = [](const char* name) {
    INFO(name);
    ServerConfig c;
    REQUIRE_NOTHROW(c = LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) + "/fixtures/" + name));
    REQUIRE(c.environments.size() == 1);
    // Every fixture is usable without a redirect_uri: exactly one default.
    int defaults = 0;
    for (const auto& r : c.environments[0].redirect_uris) defaults += r.is_default ? 1 : 0;
    CHECK(defaults == 1);
    return c.environments[0];
  };

  const EnvironmentConfig def = load("default.json");
  CHECK(def.name == "default");
  CHECK(def.kind == EnvironmentKind::kStaging);
  CHECK(def.client_id == DefaultConfig().environments[0].client_id);
  CHECK(def.api_keys == DefaultConfig().environments[0].api_keys);

  const EnvironmentConfig prod = load("production.json");
  CHECK(prod.kind == EnvironmentKind::kProduction);
  REQUIRE(prod.api_keys.size() == 1);
  CHECK(prod.api_keys[0].rfind("sk_live_", 0) == 0);
  REQUIRE(prod.redirect_uris.size() == 3);
  CHECK(prod.redirect_uris[0].uri == "https://app.example.com/auth/callback");
  CHECK(prod.redirect_uris[0].is_default);
  REQUIRE(prod.organizations.size() == 1);
  REQUIRE(prod.connections.size() == 1);
  CHECK(prod.connections[0].type == "OktaSAML");
  CHECK(prod.connections[0].organization_id == prod.organizations[0].id);
  REQUIRE(prod.connections[0].users.size() == 1);
  CHECK(prod.connections[0].users[0].email == "alice@acme.com");

  const EnvironmentConfig sso = load("sso-multi-org.json");
  CHECK(sso.kind == EnvironmentKind::kStaging);
  CHECK(sso.organizations.size() == 4);
  REQUIRE(sso.connections.size() == 4);
  CHECK(sso.connections[3].id == "conn_baz_draft");
  CHECK(sso.connections[3].state == "draft");
  for (size_t i = 0; i < 3; ++i) CHECK(sso.connections[i].state == "active");
}

TEST_CASE("config errors name the source, the key path and the problem", "[config]") {
  struct Case {
    std::string json, message;
  };
  const std::string env = R"("name":"e","api_keys":["sk_test_x"],"client_id":"client_x")";
  std::vector<Case> cases = {
      {"{", "cfg.json: not valid JSON"},
      {"{}", "cfg.json: environments: must be a non-empty array"},
      {R"({"environments":[{"name":"e"}]})", "cfg.json: environments[0].client_id: is required"},
      {R"({"environments":[{)" + env + R"(,"kind":"prod"}]})",
       "cfg.json: environments[0].kind: must be \"staging\" or \"production\", not \"prod\""},
      {R"({"environments":[{)" + env + R"(,"colour":1}]})",
       "cfg.json: environments[0].colour: unknown key"},
      {R"({"environments":[{)" + env + R"(,"redirect_uris":["https://a.example.com/cb?x=1"]}]})",
       "cfg.json: environments[0].redirect_uris[0]: query_not_allowed"},
      {R"({"environments":[{)" + env + R"(,"kind":"production"}]})",
       "cfg.json: environments[0].api_keys[0]: a production environment's API keys start with "
       "'sk_live_'"},
      {R"({"environments":[{)" + env + R"(,"link_ttl_seconds":0}]})",
       "cfg.json: environments[0].link_ttl_seconds: must be a whole number of seconds from 1 to "
       "3153600000"},
      {R"({"environments":[{)" + env +
           R"(,"connections":[{"type":"OktaSAML","organization":"org_x"}]}]})",
       "cfg.json: environments[0].connections[0].organization: no organization with id 'org_x'"},
      {R"({"environments":[{)" + env + R"(,"connections":[{"type":"GithubOAuth"}]}]})",
       "cfg.json: environments[0].connections[0].type: 'GithubOAuth' is not a WorkOS connection "
       "type"},
      {R"({"environments":[{)" + env +
           R"(,"connections":[{"type":"OktaOIDC","users":[{"email":"a@b.co","roles":"admin"}]}]}]})",
       "cfg.json: environments[0].connections[0].users[0].roles: must be"},
      {R"({"environments":[{)" + env +
           R"(,"connections":[{"type":"OktaOIDC","users":[{"email":"a@b.co","custom_attributes":{"n":1}}]}]}]})",
       "cfg.json: environments[0].connections[0].users[0].custom_attributes.n: must be a string"},
      {R"({"environments":[{)" + env +
           R"(,"connections":[{"type":"OktaOIDC","users":[{"email":"a@b.co","raw_attributes":{"picture":"p"}}]}]}]})",
       "cfg.json: environments[0].connections[0].users[0].raw_attributes: live returns "
       "raw_attributes {} in every profile since 2026-04-15 (WorkOS's raw_attributes deprecation), "
       "so the mock does too: give the IdP's claims as custom_attributes"},
      {R"({"environments":[{)" + env + R"(,"idempotent_replay":"yes"}]})",
       "cfg.json: environments[0].idempotent_replay: must be true or false"},
      {R"({"environments":[{)" + env + R"(,"head_consumes_links":1}]})",
       "cfg.json: environments[0].head_consumes_links: must be true or false"},
  };
  for (const auto& c : cases) {
    INFO(c.json);
    try {
      ParseConfig(c.json, "cfg.json");
      FAIL("accepted a bad config");
    } catch (const ConfigError& e) {
      CHECK_THAT(e.what(), Catch::StartsWith(c.message));
    }
  }
}

TEST_CASE("organizations and connections with IdP users load from config", "[config]") {
  ServerConfig c = ParseConfig(R"({"environments":[{"name":"e","api_keys":["sk_test_x"],
    "client_id":"client_x","organizations":[{"id":"org_1","name":"Foo","domains":["foo.com"]}],
    "connections":[{"id":"conn_1","type":"OktaSAML","organization":"org_1","domains":["foo.com"],
      "users":[{"email":"a@foo.com","first_name":"A","last_name":"B"}]}]}]})",
                               "x");
  const auto& env = c.environments.at(0);
  REQUIRE(env.connections.size() == 1);
  CHECK(env.connections[0].organization_id == std::optional<std::string>("org_1"));
  CHECK(env.connections[0].users.at(0).first_name == std::optional<std::string>("A"));
  CHECK(env.connections[0].domains.at(0).id.rfind("org_domain_", 0) == 0);
}

TEST_CASE("settings, the newer connection types and users' roles load from config", "[config]") {
  ServerConfig c = ParseConfig(R"({"environments":[{"name":"e","api_keys":["sk_test_x"],
    "client_id":"client_x","idempotent_replay":true,"head_consumes_links":false,
    "connections":[{"type":"GrokOAuth"},{"type":"XOAuth"},{"type":"CleverOIDC"},
      {"type":"EntraIdOIDC"},{"type":"OktaOIDC","users":[{"email":"a@foo.com",
        "roles":["admin","member"],"custom_attributes":{"department":"Sales"}}]}]}]})",
                               "x");
  const auto& env = c.environments.at(0);
  CHECK(env.settings.idempotent_replay);
  CHECK_FALSE(env.settings.head_consumes_links);
  REQUIRE(env.connections.size() == 5);
  CHECK(env.connections[0].type == "GrokOAuth");
  const IdpUser& u = env.connections[4].users.at(0);
  CHECK(u.roles == std::vector<std::string>{"admin", "member"});
  CHECK(u.custom_attributes == std::map<std::string, std::string>{{"department", "Sales"}});
  // Defaults: like live, no replay, and HEAD consumes a link.
  const ServerConfig defaults = DefaultConfig();
  const auto& d = defaults.environments.at(0);
  CHECK_FALSE(d.settings.idempotent_replay);
  CHECK(d.settings.head_consumes_links);
  // The body of PUT /_mock/settings: keys left out keep the base's value.
  EnvironmentSettings base;
  base.head_consumes_links = false;
  EnvironmentSettings merged = ParseSettings(R"({"idempotent_replay":true})", "body", base);
  CHECK(merged.idempotent_replay);
  CHECK_FALSE(merged.head_consumes_links);
  CHECK_THROWS_WITH(ParseSettings(R"({"replay":true})", "body", base),
                    Catch::Contains("settings.replay: unknown key"));
}

// The entry points of the control routes: a bad key is a Result's ValidationError whose field
// is the key path inside the body (the reader's own prefix removed), never a ConfigError.
namespace {
void CheckFieldError(const Error& error, const std::string& field, const std::string& problem) {
  CHECK(error.kind == ErrorKind::kValidation);
  CHECK(error.message == "Validation failed");
  REQUIRE(error.errors.size() == 1);
  CHECK(error.errors[0].field == field);
  CHECK_THAT(error.errors[0].code, Catch::StartsWith(problem));
}
}  // namespace

TEST_CASE("ReadEnvironmentSeed reads one environment object as a Result", "[config]") {
  const nlohmann::json good = {{"name", "env_read"},
                               {"api_keys", {"sk_test_read"}},
                               {"client_id", "client_read"},
                               {"redirect_uris", {"http://localhost:3000/callback"}}};
  Result<EnvironmentConfig> read = ReadEnvironmentSeed(good);
  REQUIRE(read.ok());
  CHECK(read.value().name == "env_read");
  CHECK(read.value().api_keys == std::vector<std::string>{"sk_test_read"});
  CHECK(read.value().client_id == "client_read");
  CHECK_FALSE(read.value().random_seed.has_value());
  // The server's --seed reaches an environment without a "seed" key of its own.
  DeterministicDefaults defaults;
  defaults.seed = 42;
  Result<EnvironmentConfig> seeded = ReadEnvironmentSeed(good, defaults);
  REQUIRE(seeded.ok());
  CHECK(seeded.value().random_seed == std::optional<uint64_t>(42));

  nlohmann::json bad = good;
  bad["redirect_uris"] = {"http://localhost:3000/callback", "https://app.example.com/cb?x=1"};
  Result<EnvironmentConfig> query = ReadEnvironmentSeed(bad);
  REQUIRE_FALSE(query.ok());
  CheckFieldError(query.error(), "redirect_uris[1]", "query_not_allowed");

  bad = good;
  bad["colour"] = "blue";
  Result<EnvironmentConfig> unknown = ReadEnvironmentSeed(bad);
  REQUIRE_FALSE(unknown.ok());
  CheckFieldError(unknown.error(), "colour", "unknown key");
}

TEST_CASE("ReadScanner and ReadScannerText read PUT /_mock/scanner's body as a Result",
          "[config][scanner]") {
  Result<ScannerSettings> good = ReadScanner(nlohmann::json{{"mode", "prefetch"}});
  REQUIRE(good.ok());
  CHECK(good.value().mode == "prefetch");
  Result<ScannerSettings> text = ReadScannerText(R"({"mode":"prefetch"})");
  REQUIRE(text.ok());
  CHECK(text.value().mode == "prefetch");

  Result<ScannerSettings> unknown = ReadScanner(nlohmann::json{{"colour", "blue"}});
  REQUIRE_FALSE(unknown.ok());
  CheckFieldError(unknown.error(), "colour", "unknown key");
  Result<ScannerSettings> unknown_text = ReadScannerText(R"({"colour":"blue"})");
  REQUIRE_FALSE(unknown_text.ok());
  CheckFieldError(unknown_text.error(), "colour", "unknown key");
  // Not JSON at all (a body of blanks): the body as a whole.
  Result<ScannerSettings> blank = ReadScannerText("  \n");
  REQUIRE_FALSE(blank.ok());
  CheckFieldError(blank.error(), "body", "not valid JSON");
}

TEST_CASE("ReadSettings and ReadSettingsText read PUT /_mock/settings's body as a Result",
          "[config]") {
  EnvironmentSettings base;
  base.head_consumes_links = false;
  base.idempotent_replay = false;
  Result<EnvironmentSettings> good =
      ReadSettings(nlohmann::json{{"idempotent_replay", true}}, base);
  REQUIRE(good.ok());
  CHECK(good.value().idempotent_replay);
  CHECK_FALSE(good.value().head_consumes_links);  // left out: the base's value
  Result<EnvironmentSettings> text = ReadSettingsText(R"({"head_consumes_links":true})", base);
  REQUIRE(text.ok());
  CHECK(text.value().head_consumes_links);
  CHECK_FALSE(text.value().idempotent_replay);

  Result<EnvironmentSettings> wrong_type =
      ReadSettings(nlohmann::json{{"idempotent_replay", "yes"}}, base);
  REQUIRE_FALSE(wrong_type.ok());
  CheckFieldError(wrong_type.error(), "idempotent_replay", "must be true or false");
  Result<EnvironmentSettings> unknown = ReadSettingsText(R"({"replay":true})", base);
  REQUIRE_FALSE(unknown.ok());
  CheckFieldError(unknown.error(), "replay", "unknown key");
  Result<EnvironmentSettings> blank = ReadSettingsText(" ", base);
  REQUIRE_FALSE(blank.ok());
  CheckFieldError(blank.error(), "body", "not valid JSON");
}
