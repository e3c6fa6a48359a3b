// The config file: the embedded default, the shipped fixtures, and errors that name the key path.
#include <catch2/catch.hpp>

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

TEST_CASE("every shipped fixture parses", "[config]") {
  for (const char* name : {"default.json", "production.json", "sso-multi-org.json"}) {
    INFO(name);
    CHECK_NOTHROW(LoadConfigFile(std::string(WORKOS_MOCK_SOURCE_DIR) + "/fixtures/" + name));
  }
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
