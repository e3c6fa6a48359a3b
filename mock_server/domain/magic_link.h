// The one builder of a magic link's URL (the email's link and the control plane's `link`).
#pragma once

#include <string>

namespace workos_mock {

// `link_base` is the public origin, e.g. "http://127.0.0.1:4400"; `token` the session's secret.
inline std::string MagicLinkUrl(const std::string& link_base, const std::string& token) {
  return link_base + "/passwordless/" + token + "/confirm";
}

}  // namespace workos_mock
