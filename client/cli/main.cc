// workos-client: the CLI over workos::Client. JSON on stdout, errors on stderr.
// Exit codes: 0 ok, 1 API error, 2 usage or configuration error, 3 network/transport error.
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "command.h"
#include "commands.h"

using namespace workos_cli;  // NOLINT: the CLI's own command tree

namespace {

const char* kGlobalHelp = R"(Global options (anywhere on the command line):
  --base-url URL      API base URL (env WORKOS_BASE_URL, default https://api.workos.com;
                      for the `mock` commands http://127.0.0.1:4400)
  --api-key KEY       API key (env WORKOS_API_KEY; prefer the variable: flags show in `ps`)
  --client-id ID      client id (env WORKOS_CLIENT_ID)
  --ca-file PEM       trust this CA bundle (e.g. the mock's self-signed certificate);
                      TLS verification is always on
  --timeout SECONDS   per-request timeout (default 30)
  --retries N         retries for retryable failures (default 3)
  --verbose           log each HTTP attempt to stderr (never the API key)
  -h, --help          help for the command at hand
)";

const char* kExitHelp = R"(Output: JSON on stdout. Errors on stderr.
Exit codes: 0 ok, 1 API error, 2 usage/configuration error, 3 network error.
`golive` exits 0 when no check failed, 1 when one did, 2 on a usage error.
)";

Command Root() {
  return {"workos-client",
          "the WorkOS API (and the workos-mock control plane) from the command line",
          "",
          {},
          nullptr,
          {PasswordlessCommands(), SsoCommands(), ConnectionsCommands(), OrganizationsCommands(),
           MockCommands(), GoliveCommand()}};
}

}  // namespace

int main(int argc, char** argv) {
  workos::Config config = workos::Config::FromEnv();
  std::vector<std::string> rest;
  bool help = false;
  bool verbose = false;
  bool base_url_flag = false;
  auto usage_fail = [&](const std::string& msg, const std::string& hint) {
    std::cerr << "workos-client: " << Replace(msg, config.api_key) << "\n";
    if (!hint.empty()) std::cerr << "Run '" << hint << " --help' for usage.\n";
    return kExitUsage;
  };

  // Global options first, from anywhere on the line.
  static const std::set<std::string> kGlobalValue = {"--base-url", "--api-key", "--client-id",
                                                     "--ca-file",  "--timeout", "--retries"};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string name = a, value;
    bool inline_value = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      inline_value = true;
    }
    if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "--verbose") {
      verbose = true;
    } else if (a == "--version") {
      std::cout << "workos-client " << workos::kVersion << "\n";
      return kExitOk;
    } else if (kGlobalValue.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) return usage_fail(name + " needs a value", "workos-client");
        value = argv[++i];
      }
      if (name == "--base-url") {
        config.base_url = value;
        base_url_flag = true;
      }
      if (name == "--api-key") config.api_key = value;
      if (name == "--client-id") config.client_id = value;
      if (name == "--ca-file") config.ca_file = value;
      if (name == "--timeout") {
        char* end = nullptr;
        double secs = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end || !(secs > 0)) {
          return usage_fail("--timeout must be a positive number of seconds", "workos-client");
        }
        config.request_timeout = std::chrono::milliseconds(static_cast<long long>(secs * 1000));
        config.connect_timeout = std::min(config.connect_timeout, config.request_timeout);
      }
      if (name == "--retries") {
        try {
          config.retry.max_retries = ToInt("--retries", value);
        } catch (const UsageError& e) {
          return usage_fail(e.message, "workos-client");
        }
      }
    } else {
      rest.push_back(a);
    }
  }
  if (verbose) config.logger = [](const std::string& line) { std::cerr << line << "\n"; };

  // Walk the command tree.
  Command root = Root();
  const Command* node = &root;
  std::string path = "workos-client";
  size_t i = 0;
  while (!node->children.empty()) {
    if (i >= rest.size() || rest[i].rfind("-", 0) == 0) {
      if (help) {
        std::cout << GroupHelp(*node, path);
        if (node == &root) std::cout << "\n" << kGlobalHelp << "\n" << kExitHelp;
        return kExitOk;
      }
      if (i < rest.size()) return usage_fail("unknown option " + rest[i], path);
      std::cerr << GroupHelp(*node, path);
      return kExitUsage;
    }
    const Command* next = nullptr;
    for (const Command& child : node->children) {
      if (child.name == rest[i]) next = &child;
    }
    if (!next) return usage_fail("unknown command '" + rest[i] + "'", path);
    node = next;
    path += " " + rest[i];
    ++i;
  }
  if (help) {
    std::cout << node->usage << "\n" << kGlobalHelp;
    return kExitOk;
  }

  // The control plane exists only on workos-mock: its verbs default to a local mock and never
  // go to the live API.
  if (path.rfind("workos-client mock", 0) == 0) {
    const bool base_given = base_url_flag || std::getenv("WORKOS_BASE_URL") != nullptr;
    if (!base_given) {
      config.base_url = kMockBaseUrl;
    } else if (config.base_url.find("api.workos.com") != std::string::npos) {
      return usage_fail("'" + path + "' talks to workos-mock's control plane, which " +
                            config.base_url +
                            " does not have: point --base-url (or WORKOS_BASE_URL) at the "
                            "mock, e.g. " +
                            kMockBaseUrl,
                        path);
    }
  }

  Context ctx{config, nullptr};
  try {
    Parsed parsed = Parse(std::vector<std::string>(rest.begin() + i, rest.end()), node->spec);
    // JSON on stdout (the key scrubbed), or the command's own output (golive's table).
    return node->run(parsed, ctx);
  } catch (const UsageError& e) {
    return usage_fail(e.message, path);
  } catch (const workos::ConfigError& e) {
    std::cerr << "workos-client: " << Replace(e.what(), config.api_key) << "\n";
    return kExitUsage;
  } catch (const workos::ApiError& e) {
    std::cerr << "workos-client: API error: " << Replace(e.what(), config.api_key) << "\n";
    std::cerr << Replace(e.ToJson().dump(), config.api_key) << "\n";
    return kExitApi;
  } catch (const workos::TransportError& e) {
    std::cerr << "workos-client: network error: " << Replace(e.what(), config.api_key) << "\n";
    return kExitNetwork;
  } catch (const std::exception& e) {
    // A reply we could not understand (not JSON, wrong shape).
    std::cerr << "workos-client: error: " << Replace(e.what(), config.api_key) << "\n";
    return kExitApi;
  }
}
