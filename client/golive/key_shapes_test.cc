// What the secret scan counts as a key or a dotenv file (key_shapes.cc, secret_scan.cc): key
// shapes and placeholders, .env files, the allow file and the inline golive:allow marker, and
// scanning text and history. Keys here are assembled at run time (Key(...)).
#include <catch2/catch.hpp>

#include "golive_test_support.h"

using namespace golive_testing;

TEST_CASE("golive: key-shaped strings, placeholders and dotenv files", "[golive]") {
  const std::string k1 = Key("live", "Zm9vYmFyYmF6cXV4");
  const std::string k2 = Key("test", "workos_mock");
  CHECK(g::FindKeys("const key = '" + k1 + "'; // prod") == std::vector<std::string>{k1});
  CHECK(g::FindKeys("WORKOS_API_KEY=" + k2 + " other=" + k1) == std::vector<std::string>{k2, k1});
  CHECK(g::FindKeys("keys look like sk_live_… or sk_test_...").empty());
  CHECK(
      g::FindKeys(Key("test", "x") + " " + Key("live", "p") + " " + Key("test", "wrong")).empty());
  CHECK(g::FindKeys(Key("live", "xxxxxxxxxxxx")).empty());                // a placeholder
  CHECK(g::FindKeys("ask_" + std::string("live_abcdefghijkl")).empty());  // not at a word start
  CHECK(g::FindKeys("task_test_abcdefghijkl").empty());

  CHECK(g::IsEnvFile(".env"));
  CHECK(g::IsEnvFile("app/.env"));
  CHECK(g::IsEnvFile("app/.env.local"));
  CHECK(g::IsEnvFile(".env.production"));
  CHECK(g::IsEnvFile("deploy/prod.env"));
  CHECK_FALSE(g::IsEnvFile(".env.example"));
  CHECK_FALSE(g::IsEnvFile("app/.env.sample"));
  CHECK_FALSE(g::IsEnvFile(".env.template"));
  CHECK_FALSE(g::IsEnvFile("deploy/prod.example.env"));
  CHECK_FALSE(g::IsEnvFile("environment.md"));
  CHECK_FALSE(g::IsEnvFile("src/dotenv.js"));
}

TEST_CASE("golive: placeholders are not keys; real-shaped keys are, in any file", "[golive]") {
  // Each row: the text after "sk_test_" (or a whole line), and whether it is a key.
  struct Row {
    std::string line;
    bool key;
  };
  const std::vector<Row> rows = {
      // Placeholders from READMEs and .env.example files.
      {"WORKOS_API_KEY=" + Key("test", "your_api_key_here"), false},
      {"WORKOS_API_KEY=" + Key("test", "YOUR_API_KEY"), false},
      {"WORKOS_API_KEY=" + Key("test", "1234567890"), false},
      {"WORKOS_API_KEY=" + Key("live", "YourApiKeyHere"), false},
      {"WORKOS_API_KEY=" + Key("test", "example-key-0001"), false},
      {"WORKOS_API_KEY=" + Key("test", "xxxxxxxxxxxxxxxxxxxx"), false},
      {"WORKOS_API_KEY=" + Key("test", "XXXX-XXXX-XXXX"), false},
      {"WORKOS_API_KEY=" + Key("test", "xxxx1234xxxx"), false},
      {"WORKOS_API_KEY=" + Key("live", "abcdefghijklmnop"), false},
      {"WORKOS_API_KEY=" + Key("live", "abcdabcdabcd"), false},
      {"WORKOS_API_KEY=" + Key("live", "0000000000000000"), false},
      {"WORKOS_API_KEY=" + Key("test", "ab12ab12ab12ab12"), false},
      {"WORKOS_API_KEY=" + Key("test", "replace_me_with_a_key"), false},
      {"WORKOS_API_KEY=" + Key("test", "placeholder"), false},
      {"WORKOS_API_KEY=" + Key("test", "dummy_value_for_ci"), false},
      {"WORKOS_API_KEY=" + Key("test", "4fQ9zLm2<rest of the key>"), false},
      {"WORKOS_API_KEY=" + Key("test", "<your key>"), false},
      {"key: \"" + Key("test", "9876543210") + "\"", false},  // sequential, downwards
      // Real-shaped keys: random tails, also next to placeholder-looking text.
      {"WORKOS_API_KEY=" + Key("live", "Zm9vYmFyYmF6cXV4"), true},
      {"WORKOS_API_KEY=" + Key("test", "a2V5XzAxSjhRN0YzWlBNV1ZLM1I4REhF"), true},
      {"# your key here: " + Key("live", "T3kq9PzR8vX2mLw5"), true},
      {"<code>" + Key("live", "T3kq9PzR8vX2mLw5") + "</code><br>", true},
      {Key("live", "T3kq9PzR8vX2mLw5") + "<br>", true},
      {Key("live", "T3kq9yOuR8vX2mLw"), true},  // mixed case: random, not the word "your"
      {Key("live", "xXx1j0uwMcmoMi1c"), true},
      {Key("live", "pW576k6RWfQRmcfElj8xxx3A"), true},  // three x between digits: random
      {Key("test", "workos_mock"), true},  // the mock's key: listed in .golive-allow instead
      {Key("test", "not_a_real_key"), true},
  };
  for (const Row& row : rows) {
    INFO(row.line);
    CHECK(g::FindKeys(row.line).size() == (row.key ? 1u : 0u));
    CHECK(g::FindKeyShapes(row.line).size() ==
          (row.line.find("<your") == std::string::npos ? 1u : 0u));
  }
  CHECK(g::PlaceholderReason(Key("test", "your_api_key_here")) == "a placeholder word ('your')");
  CHECK(g::PlaceholderReason(Key("test", "1234567890")) == "sequential characters");
  CHECK(g::PlaceholderReason(Key("test", "abcdabcdab")) == "low-entropy ('abcd' repeated)");
  CHECK(g::PlaceholderReason(Key("test", "abababab")) == "low-entropy (2 distinct characters)");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "<rest>") == "");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "<REST>") ==
        "a template in angle brackets follows it");
  CHECK(g::PlaceholderReason(Key("test", "4fQ9zLm2"), "</code>") == "");
}

TEST_CASE("golive: an .env.example with placeholders passes; a real key in it fails", "[golive]") {
  TempRepo repo;
  repo.Write(".env.example", "WORKOS_API_KEY=" + Key("test", "your_api_key_here") +
                                 "\nWORKOS_CLIENT_ID=client_your_client_id\n");
  repo.Write("README.md", "Set `WORKOS_API_KEY=" + Key("test", "YOUR_API_KEY") + "` or " +
                              Key("test", "1234567890") + " for a dry run.\n");
  repo.Commit();
  auto clean = repo.Scan();
  INFO(AllDetails(clean));
  CHECK(clean.status == g::Status::kPass);

  const std::string real = Key("test", "a2V5XzAxSjhRN0YzWlBNV1ZLM1I4REhF");
  repo.Write(".env.example", "WORKOS_API_KEY=" + real + "\n");
  repo.Commit("a real key in the template");
  auto leaked = repo.Scan();
  INFO(AllDetails(leaked));
  CHECK(leaked.status == g::Status::kFail);
  CHECK_THAT(AllDetails(leaked), Catch::Contains(".env.example:1"));
  CHECK(AllDetails(leaked).find(real) == std::string::npos);
}

TEST_CASE("golive: the allow file takes whole keys, optionally scoped to paths", "[golive]") {
  const std::string mock = Key("test", "workos_mock");
  const std::string scoped = Key("test", "not_a_real_key");
  std::vector<std::string> errors;
  auto a = g::AllowList::Parse("# the mock's documented default key\n" + mock + "\n" + scoped +
                                   "  tests/*  conformance/*.mjs # test fixtures only\n"
                                   "env-file examples/*/.env.test\n\n",
                               &errors);
  CHECK(errors.empty());
  CHECK(a.AllowsKey(mock, "README.md"));
  CHECK(a.AllowsKey(scoped, "tests/http/x_test.cc"));
  CHECK(a.AllowsKey(scoped, "conformance/sdk-node/test/errors.test.mjs"));
  CHECK_FALSE(a.AllowsKey(scoped, "src/app.js"));
  CHECK_FALSE(a.AllowsKey(mock + "_sso", "README.md"));  // exact keys only
  CHECK(a.AllowsEnvFile("examples/app/.env.test"));
  CHECK_FALSE(a.AllowsEnvFile(".env"));

  errors.clear();
  g::AllowList::Parse(Key("test", "*") + "\nsk_live_\n" + Key("test", "abc") + "\nenv-file\n",
                      &errors);
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors[0], Catch::Contains("line 1") && Catch::Contains("not a whole key"));
  CHECK_THAT(errors[3], Catch::Contains("env-file needs a path"));
}

TEST_CASE("golive: text and history scanning honour the allow marker and the allow list",
          "[golive]") {
  const std::string leak = Key("live", "bGVha2VkIGtleQ1x");
  const std::string fine = Key("test", "workos_mock");
  g::AllowList allow;
  allow.keys.push_back({fine, {}});

  g::ScanTally t;
  g::ScanText("src/app.js",
              "line one\nconst k = '" + leak + "';\nconst m = '" + fine + "';\nconst n = '" + leak +
                  "'; // golive:allow (documented example)\n",
              allow, &t);
  REQUIRE(t.findings.size() == 1);
  CHECK(t.findings[0].path == "src/app.js");
  CHECK(t.findings[0].line == 2);
  CHECK(t.allowed == 2);
  CHECK(t.findings[0].Describe() == "src/app.js:2: sk_live_bG…(24 chars)");

  const std::string patch = std::string("\x01golive-commit abc1234\n") +
                            "diff --git a/config/.env b/config/.env\n"
                            "new file mode 100644\n"
                            "index 0000000..1111111\n"
                            "--- /dev/null\n"
                            "+++ b/config/.env\n"
                            "@@ -0,0 +1,2 @@\n"
                            "+WORKOS_CLIENT_ID=client_123\n"
                            "+WORKOS_API_KEY=" +
                            leak +
                            "\n"
                            "\x01golive-commit def5678\n"
                            "diff --git a/src/a b/src/a.js\n"
                            "--- a/src/a.js\n"
                            "+++ b/src/a.js\n"
                            "@@ -10,0 +11,2 @@ function x() {\n"
                            "+  ok('" +
                            fine +
                            "');\n"
                            "+  use('" +
                            leak + "');\n" + "-  use('" + Key("live", "cmVtb3ZlZHJlbW92ZWQ") +
                            "');\n";
  g::ScanTally h;
  g::ScanHistory(patch, allow, &h);
  REQUIRE(h.findings.size() == 3);
  CHECK(h.findings[0].what == g::Finding::What::kEnvFile);
  CHECK(h.findings[0].path == "config/.env");
  CHECK(h.findings[0].commit == "abc1234");
  CHECK(h.findings[1].path == "config/.env");
  CHECK(h.findings[1].line == 2);
  CHECK(h.findings[2].path == "src/a.js");
  CHECK(h.findings[2].line == 12);
  CHECK(h.findings[2].commit == "def5678");
  CHECK(h.allowed == 1);
  for (const auto& f : h.findings) CHECK(f.Describe().find(leak) == std::string::npos);
}
