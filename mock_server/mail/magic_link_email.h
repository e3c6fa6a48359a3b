// The words of the magic-link email: its subject, its plain text and its HTML, from what the
// domain decided (domain/email_message.h). The bytes are part of the product (the outbox, the
// state file and SMTP carry them), so a change here is a visible change.
#pragma once

#include "domain/email_message.h"

namespace workos_mock {

EmailContent RenderMagicLinkEmail(const MagicLinkEmail& email);

}  // namespace workos_mock
