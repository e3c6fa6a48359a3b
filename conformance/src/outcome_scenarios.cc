// Sign-in outcomes at the mock IdP: each failure queued through the control plane reaches the
// app's redirect URI as error, error_description, error_uri and state, without a code; the
// organization's domain policy refuses a profile outside its verified domains.
#include "harness.h"

using namespace conformance;
using nlohmann::json;

namespace {

const char* kErrorUri = "https://workos.com/docs/reference/sso/get-authorization-url/error-codes";

json OutcomesEnvironment() {
  return json{{"organizations",
               {{{"id", "org_outcomes"}, {"name", "Outcomes"}, {"domains", {"outcomes.example"}}}}},
              {"connections",
               {{{"id", "conn_outcomes"},
                 {"type", "OktaSAML"},
                 {"organization", "org_outcomes"},
                 {"users", {{{"email", "ann@outcomes.example"}}}}},
                {{"id", "conn_outcomes_open"},
                 {"type", "GenericSAML"},
                 {"organization", "org_outcomes"}}}}};
}

// The redirect of one sign-in through `connection`, which must go back to the app.
std::string SignIn(Scenario& s, const std::string& connection, const std::string& state,
                   const std::string& login_hint = "") {
  workos::AuthorizationUrlOptions o;
  o.connection = connection;
  o.redirect_uri = s.redirect_uri();
  o.state = state;
  o.login_hint = login_hint;
  HttpResult r = Visit(s.client().sso().GetAuthorizationUrl(o));
  INFO("Location: " << r.location());
  REQUIRE(r.status == 302);
  REQUIRE(r.location().rfind(s.redirect_uri() + "?", 0) == 0);
  return r.location();
}

void CheckFailure(const std::string& location, const std::string& error, const std::string& state) {
  INFO("Location: " << location);
  CHECK(workos::QueryParam(location, "error") == error);
  CHECK_FALSE(workos::QueryParam(location, "error_description").empty());
  CHECK(workos::QueryParam(location, "error_uri") == kErrorUri);
  CHECK(workos::QueryParam(location, "state") == state);
  CHECK(location.find("code=") == std::string::npos);
}

}  // namespace

TEST_CASE("sign-in outcomes: each IdP outcome reaches the callback as error and state, no code",
          "[mock-only][sso][outcomes]") {
  Scenario s(OutcomesEnvironment());
  for (const std::string outcome :
       {"access_denied", "signin_consent_denied", "profile_not_allowed_outside_organization",
        "oauth_failed", "server_error", "idp_initiated_sso_disabled"}) {
    INFO("outcome: " << outcome);
    HttpResult q = PostJson("/_mock/sso/outcomes",
                            {{"connection", "conn_outcomes"}, {"outcome", outcome}}, s.api_key());
    INFO(q.body);
    REQUIRE(q.status == 201);
    const std::string location = SignIn(s, "conn_outcomes", "st-" + outcome);
    CheckFailure(location, outcome, "st-" + outcome);
    if (outcome == "idp_initiated_sso_disabled")
      CHECK(workos::QueryParam(location, "connection_id") == "conn_outcomes");
  }
  // Used up: the next sign-in gets a code again.
  const std::string code = workos::QueryParam(SignIn(s, "conn_outcomes", "after"), "code");
  REQUIRE_FALSE(code.empty());
  CHECK(s.client().sso().GetProfileAndToken(code).profile.email == "ann@outcomes.example");
  // The lifecycle shows every failure.
  HttpResult list =
      Http("GET", Url("/_mock/sso/sign-ins"), {{"Authorization", "Bearer " + s.api_key()}});
  REQUIRE(list.status == 200);
  int failed = 0;
  const json data = list.json()["data"];
  for (const auto& item : data) failed += item["status"] == "failed" && item["source"] == "queued";
  CHECK(failed == 6);
}

TEST_CASE("sign-in outcomes: a profile outside the organization's verified domains is refused",
          "[mock-only][sso][outcomes]") {
  Scenario s(OutcomesEnvironment());
  CheckFailure(SignIn(s, "conn_outcomes_open", "outside", "eve@elsewhere.example"),
               "profile_not_allowed_outside_organization", "outside");
  const std::string inside = SignIn(s, "conn_outcomes_open", "inside", "bob@outcomes.example");
  CHECK_FALSE(workos::QueryParam(inside, "code").empty());
}
