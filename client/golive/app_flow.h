// What app_flow.cc (app.receives_redirects) and error_redirects.cc (app.handles_error_redirects)
// share (internal to golive, not installed).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "golive/golive.h"
#include "workos/config.h"
#include "workos/errors.h"

namespace workos {
namespace golive {

inline constexpr const char* kBrowserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "workos-client-golive/1.0";

// What the happy flow leaves for the error cases.
struct FlowContext {
  bool reached_app = false;  // the app answered its callback (any status)
  std::string link;          // the magic link that was clicked (now used)
};

// The URL without its query and fragment.
std::string WithoutQuery(const std::string& url);
// scheme://authority of a URL ("" when it has none).
std::string Origin(const std::string& url);
// A transport error without its "GET http://…: " prefix: "connection closed: Empty reply…".
std::string TransportText(const TransportError& e);
// At most `max` bytes of `text` on one line.
std::string OneLine(std::string text, size_t max);
// "2026-11-29T22:07:18.123Z" → milliseconds since the epoch.
std::optional<std::int64_t> ParseIsoMs(const std::string& s);
// The options' Config pointed at the mock with the mock environment's key (few retries).
Config MockConfig(const AppFlowOptions& o);
// `text` without the mock environment's key.
std::string ScrubKey(const AppFlowOptions& o, std::string text);

// app.receives_redirects (app_flow.cc); fills `ctx` for the error cases.
CheckResult ReceivesRedirects(const AppFlowOptions& o, FlowContext* ctx);
// app.handles_error_redirects (error_redirects.cc), after a sign-in that reached the app.
CheckResult HandlesErrorRedirects(const AppFlowOptions& o, const FlowContext& ctx);

}  // namespace golive
}  // namespace workos
