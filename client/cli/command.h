// The CLI's command tree: argument parsing, the context a command runs in, and Command, whose
// action either returns JSON (printed with the API key scrubbed) or prints its own output and
// returns the exit code. Each command group lives in a file of its own (commands.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "workos/workos.h"

namespace workos_cli {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitApi = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNetwork = 3;

// Where `workos-client mock ...` looks when no base URL is given: workos-mock's default address.
constexpr const char* kMockBaseUrl = "http://127.0.0.1:4400";

struct UsageError {
  std::string message;
};

// ---------------------------------------------------------------- argument parsing

struct Parsed {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> switches;

  bool has(const std::string& f) const { return values.count(f) || switches.count(f); }
  std::string get(const std::string& f, const std::string& def = "") const {
    auto it = values.find(f);
    return it == values.end() || it->second.empty() ? def : it->second.back();
  }
  std::vector<std::string> all(const std::string& f) const {
    auto it = values.find(f);
    return it == values.end() ? std::vector<std::string>{} : it->second;
  }
};

struct Spec {
  std::set<std::string> value_flags;   // --flag VALUE (repeatable; last wins for get())
  std::set<std::string> switch_flags;  // --flag
  size_t min_positional = 0;
  size_t max_positional = 0;
};
Parsed Parse(const std::vector<std::string>& args, const Spec& spec);
int ToInt(const std::string& flag, const std::string& v);
std::string Require(const Parsed& p, const std::string& flag);

// `text` with every occurrence of `secret` (4 characters or more) replaced by [REDACTED].
std::string Replace(std::string text, const std::string& secret);

// ---------------------------------------------------------------- commands

struct Context {
  workos::Config config;
  std::unique_ptr<workos::Client> client;
  workos::Client& api() {
    if (!client) client = std::make_unique<workos::Client>(config);
    return *client;
  }
};

// What a leaf command does, as the exit code. Made from a function that returns JSON (printed on
// stdout, the API key scrubbed; exit 0) or from one that prints its own output and returns the
// exit code itself (`golive`: a table and 0 or 1).
class Action {
 public:
  Action() = default;
  Action(std::nullptr_t) {}  // NOLINT: groups have no action
  template <typename F, typename R = std::invoke_result_t<F, const Parsed&, Context&>,
            std::enable_if_t<std::is_same_v<R, json> || std::is_same_v<R, int>, int> = 0>
  Action(F f) {  // NOLINT: built from the lambdas of the command tables
    if constexpr (std::is_same_v<R, json>) {
      run_ = [f = std::move(f)](const Parsed& p, Context& c) { return PrintJson(f(p, c), c); };
    } else {
      run_ = std::move(f);
    }
  }
  explicit operator bool() const { return static_cast<bool>(run_); }
  int operator()(const Parsed& p, Context& c) const { return run_(p, c); }

 private:
  static int PrintJson(const json& out, const Context& c);
  std::function<int(const Parsed&, Context&)> run_;
};

struct Command {
  std::string name;
  std::string summary;
  std::string usage;  // full help for leaves ("workos-client ..." lines and options)
  Spec spec;
  Action run;  // leaves only
  std::vector<Command> children;
};

// "Usage: PATH <command> [options]" and the children's one-line summaries.
std::string GroupHelp(const Command& c, const std::string& path);

}  // namespace workos_cli
