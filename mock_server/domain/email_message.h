// A magic-link email as the domain decides it: to whom and from whom, the app it signs in to,
// the link, and how long the link lives. Its words -- subject, text and HTML -- are not the
// domain's: a renderer outside it writes them (mail/magic_link_email.h), and the HTTP layer
// hands that renderer to Environment::SendSession.
#pragma once

#include <cstdint>
#include <string>

namespace workos_mock {

struct MagicLinkEmail {
  std::string to, from, app_name, link;
  int64_t expires_in_minutes = 0;  // whole minutes, rounded down
};

// What a renderer makes of one.
struct EmailContent {
  std::string subject, text, html;
};

using EmailRenderer = EmailContent (*)(const MagicLinkEmail&);

}  // namespace workos_mock
