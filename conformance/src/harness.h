// The conformance harness: where the suite points (the mock it started, or the live API), a
// fresh environment per scenario on the mock, and a browser-like libcurl GET that never follows
// redirects (how a scenario opens a magic link or an authorization URL on either target).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "drift.h"
#include "workos/workos.h"

namespace conformance {

enum class Target { kMock, kLive };

// Filled in by main() before any scenario runs.
struct Settings {
  Target target = Target::kMock;
  std::string base_url;  // no trailing slash
  std::string ca_file;   // PEM to trust (the mock's self-signed cert, or WORKOS_CA_FILE)
  // Live only (on the mock every scenario gets its own environment):
  std::string api_key;
  std::string client_id;
  std::string redirect_uri;
  // The send scenario's recipient; WORKOS_CONFORMANCE_EMAIL, default on a reserved domain.
  std::string send_to;
};

Settings& settings();
inline bool IsMock() { return settings().target == Target::kMock; }

// The domains every scenario's email addresses use. On live, creating a session for a domain
// creates a MagicLink connection for it (once): the suite touches these two domains only.
inline constexpr const char* kDomainA = "conformance-a.example.com";
inline constexpr const char* kDomainB = "conformance-b.example.com";

// A plain HTTP exchange over libcurl: redirects are not followed, the CA file is honoured.
struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const;
  std::string location() const { return header("location"); }
  // The body as JSON; null when it is not JSON.
  nlohmann::json json() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Throws std::runtime_error when no HTTP response could be had.
HttpResult Http(const std::string& method, const std::string& url, const Headers& headers = {},
                const std::string& body = "");
// What a browser does with a link in an email or an authorization URL: one GET, no redirects.
HttpResult Visit(const std::string& url);
// base_url + path.
std::string Url(const std::string& path);
// JSON POST with a Bearer key (empty: no Authorization header).
HttpResult PostJson(const std::string& path, const nlohmann::json& body, const std::string& bearer);
// application/x-www-form-urlencoded body from pairs.
std::string Form(const std::vector<std::pair<std::string, std::string>>& fields);

// One scenario's view of the target. On the mock: a fresh environment created through the
// control plane (POST /_mock/environments with `environment`), dropped at the end. On live: the
// WORKOS_* settings; the control plane is never used.
class Scenario {
 public:
  explicit Scenario(const nlohmann::json& environment = nlohmann::json::object());
  ~Scenario();
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  workos::Client& client() { return *client_; }
  // The control plane of this scenario's environment; fails the scenario on live.
  workos::MockControl& mock();

  const std::string& api_key() const { return config_.api_key; }
  const std::string& client_id() const { return config_.client_id; }
  const std::string& redirect_uri() const { return redirect_uri_; }
  const nlohmann::json& environment() const { return environment_; }
  // The client configuration of this scenario (to derive a client with other credentials).
  workos::Config config() const { return config_; }

  // local@kDomainA (a fresh, unique local part when `local` is empty).
  std::string Email(const std::string& local = "") const;

  // Creates a session (no email is sent) and opens its link; the visit must redirect with a
  // code, which is returned.
  std::string CodeFromMagicLink(const std::string& email, const std::string& state = "");

 private:
  workos::Config config_;
  std::string redirect_uri_;
  std::string environment_name_;
  nlohmann::json environment_;
  std::unique_ptr<workos::Client> client_;
};

// Requests a scenario makes only on the mock (inside `if (IsMock())`) are left out of drift
// recordings and comparisons with `drift::NotRecorded guard;` (conformance/src/drift.h); the
// requests of a loop whose length depends on the target's data with `drift::Repeated r("label");`.

// A client configuration without credentials for the current target (base URL, CA file, short
// timeouts).
workos::Config BaseConfig();

// Seconds from an ISO-8601 UTC timestamp ("2020-08-13T05:50:00.000Z") to the epoch; nullopt when
// it is not one.
std::optional<double> ParseIso8601(const std::string& s);
double NowSeconds();

// True when `s` is `prefix` followed by a 26-character Crockford base32 ULID.
bool IsUlidId(const std::string& s, const std::string& prefix);

// Runs `f`, which must throw the ApiError subclass E; returns the error. Fails the scenario
// (saying what happened instead) otherwise.
template <typename E, typename F>
std::optional<E> ExpectError(const std::string& what, F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const workos::Error& e) {
    FAIL_CHECK(what << ": a different error than expected: " << e.what());
    return std::nullopt;
  }
  FAIL_CHECK(what << ": expected an error, but the call succeeded");
  return std::nullopt;
}

}  // namespace conformance
