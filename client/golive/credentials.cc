// api_key.*, client_id.present and api_key.live: the key and client id a deployment uses.
// No reason ever contains the key (RedactKey). See golive.h.
#include "golive/golive.h"

#include <algorithm>

#include "golive/text.h"
#include "workos/client.h"
#include "workos/connections.h"
#include "workos/errors.h"

namespace workos {
namespace golive {

std::string RedactKey(const std::string& key) {
  std::string prefix;
  for (const char* p : {"sk_live_", "sk_test_"}) {
    if (StartsWith(key, p)) prefix = p;
  }
  if (prefix.empty()) return "[" + std::to_string(key.size()) + " chars]";
  size_t show = std::min<size_t>(2, key.size() - prefix.size());
  return key.substr(0, prefix.size() + show) + "…(" + std::to_string(key.size()) + " chars)";
}

std::vector<CheckResult> CheckApiKey(const std::string& variable,
                                     const std::optional<std::string>& value, Kind kind) {
  std::vector<CheckResult> out;
  const bool prod = kind == Kind::kProduction;
  const std::string key = value ? Trim(*value) : "";
  if (!value || key.empty()) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " is " + (value ? "empty" : "not set") +
                           ": set it from your CI's secret store (never commit the key)"));
    out.push_back(Skip("api_key.production", variable, "no API key to judge"));
    return out;
  }
  const bool live = StartsWith(key, "sk_live_");
  const bool test = StartsWith(key, "sk_test_");
  if (!live && !test) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " is set but is not a WorkOS secret key (sk_live_… or "
                                  "sk_test_…): copy the key from the dashboard's API Keys page"));
  } else if (key.size() != value->size()) {
    out.push_back(Fail("api_key.present", variable,
                       variable + " has leading or trailing whitespace: remove it, the API "
                                  "compares keys exactly"));
  } else {
    out.push_back(Pass("api_key.present", variable, variable + " is set (" + RedactKey(key) + ")"));
  }
  if (!prod) {
    out.push_back(Skip("api_key.production", variable,
                       "staging: a sk_test_ key is expected; run with --kind production before "
                       "launch"));
  } else if (live) {
    out.push_back(Pass("api_key.production", variable, "a production (sk_live_) key"));
  } else if (test) {
    out.push_back(Fail("api_key.production", variable,
                       variable + " holds a sk_test_ (staging) key: set it to the Production "
                                  "environment's sk_live_ key"));
  } else {
    out.push_back(Fail("api_key.production", variable,
                       variable + " is not a sk_live_ key: set it to the Production "
                                  "environment's sk_live_ key"));
  }
  return out;
}

CheckResult CheckClientId(const std::string& variable, const std::optional<std::string>& value) {
  const std::string id = value ? Trim(*value) : "";
  if (id.empty()) {
    return Fail("client_id.present", variable,
                variable + " is " + (value ? "empty" : "not set") +
                    ": set it to the environment's client id (client_…) from the dashboard");
  }
  if (!StartsWith(id, "client_") || id.size() == 7 || id.size() != value->size()) {
    return Fail("client_id.present", variable,
                variable +
                    " does not look like a WorkOS client id (client_…, no spaces): copy "
                    "it from the dashboard's API Keys page");
  }
  return Pass("client_id.present", variable, variable + " is set (" + id + ")");
}

CheckResult CheckLiveKey(bool enabled, const std::optional<std::string>& api_key,
                         const Config& base, const std::string& base_url) {
  const std::string id = "api_key.live";
  if (!enabled) {
    return Skip(id, base_url, "opt-in: run with --live to confirm the live API accepts the key");
  }
  if (!api_key || Trim(*api_key).empty()) return Skip(id, base_url, "no API key to try");
  Config c = base;
  c.base_url = base_url;
  c.api_key = Trim(*api_key);
  if (base_url == kLiveBaseUrl) c.ca_file.clear();  // --ca-file is for the mock's certificate
  c.retry.max_retries = 1;
  try {
    Client client(c);
    ListConnectionsOptions lo;
    lo.limit = 1;
    client.connections().List(lo);
    return Pass(id, base_url, "GET /connections?limit=1 accepted the key");
  } catch (const UnauthorizedError&) {
    return Fail(id, base_url,
                "the live API refused the key (401): copy the current key from the dashboard's "
                "API Keys page (it may have been rotated or revoked)");
  } catch (const ApiError& e) {
    return Fail(id, base_url,
                "GET /connections answered " + std::to_string(e.status()) + " (request id " +
                    e.request_id() + "): check the key's environment and permissions");
  } catch (const Error& e) {
    return Fail(id, base_url,
                std::string("could not reach the live API: ") + e.what() +
                    " (check the network and proxy settings)");
  }
}

}  // namespace golive
}  // namespace workos
