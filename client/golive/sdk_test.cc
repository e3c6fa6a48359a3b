// The app's SDK (sdk.cc): which official SDK a manifest names, and how to point each at the mock.
#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

TEST_CASE("golive: the app's SDK from its manifests, and how to point each at the mock",
          "[golive]") {
  using g::Sdk;
  CHECK(g::SdkFromManifest("package.json", R"({"dependencies":{"@workos-inc/node":"^8"}})") ==
        Sdk::kNode);
  CHECK_FALSE(g::SdkFromManifest("package.json", R"({"dependencies":{"express":"^5"}})"));
  CHECK(g::SdkFromManifest("app/requirements.txt", "flask==3.0\nworkos>=5.0\n") == Sdk::kPython);
  CHECK(g::SdkFromManifest("requirements-dev.txt", "workos\n") == Sdk::kPython);
  CHECK_FALSE(g::SdkFromManifest("requirements.txt", "workos-helpers==1.0\nmyworkos\n"));
  CHECK(g::SdkFromManifest("pyproject.toml", "dependencies = [\"workos~=10.0\"]\n") ==
        Sdk::kPython);
  CHECK(g::SdkFromManifest("Gemfile", "gem 'workos', '~> 10'\n") == Sdk::kRuby);
  CHECK(g::SdkFromManifest("go.mod", "require github.com/workos/workos-go/v10 v10.1.1\n") ==
        Sdk::kGo);
  CHECK(g::SdkFromManifest("composer.json", R"({"require":{"workos/workos-php":"^9"}})") ==
        Sdk::kPhp);
  CHECK_FALSE(g::SdkFromManifest("README.md", "@workos-inc/node"));

  const std::string mock = "http://127.0.0.1:4400";
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kNode, mock),
             Catch::Contains("no base-URL variable") &&
                 Catch::Contains("apiHostname: '127.0.0.1', port: 4400, https: false"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kNode, "https://mock.internal"),
             Catch::Contains("apiHostname: 'mock.internal', https: true"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kPython, mock),
             Catch::Contains("WORKOS_BASE_URL=http://127.0.0.1:4400"));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kRuby, mock), Catch::Contains("c.base_url = '" + mock));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kGo, mock), Catch::Contains("workos.WithBaseURL(\"" + mock));
  CHECK_THAT(g::SdkBaseUrlHint(Sdk::kPhp, mock), Catch::Contains("baseUrl: '" + mock));
  for (Sdk s : {Sdk::kNode, Sdk::kRuby, Sdk::kGo, Sdk::kPhp}) {
    CHECK(g::SdkBaseUrlHint(s, mock).find("WORKOS_BASE_URL") == std::string::npos);
  }

  TempRepo repo;
  repo.Write("web/package.json", R"({"dependencies":{"@workos-inc/node":"11.0.0"}})");
  repo.Write("web/node_modules/x/package.json", R"({"dependencies":{"@workos-inc/node":"1"}})");
  repo.Write("vendor/go.mod", "require github.com/workos/workos-go/v10 v10.1.1\n");
  repo.Write("api/requirements.txt", "workos==10.2.0\n");
  repo.Commit();
  CHECK(g::DetectSdks(repo.dir) == std::vector<Sdk>{Sdk::kNode, Sdk::kPython});
  CHECK(g::DetectSdks("/nonexistent-golive-dir").empty());
}
