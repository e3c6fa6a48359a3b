// The magic-link email's words (mail/magic_link_email.h), byte for byte: the outbox, the state
// file and SMTP deliveries carry exactly these.
#include <catch2/catch.hpp>

#include "mail/magic_link_email.h"

using namespace workos_mock;

TEST_CASE("the magic-link email: subject, text and HTML", "[mail]") {
  EmailContent c =
      RenderMagicLinkEmail({"ann@example.com", "WorkOS <no-reply@workos.dev>", "Acme <Dashboard>",
                            "http://127.0.0.1:4400/passwordless/tok&en/confirm", 15});
  CHECK(c.subject == "Sign in to Acme <Dashboard>");
  CHECK(c.text ==
        "Sign in to Acme <Dashboard>\n\nClick the link below to sign in. It can be used once and "
        "expires in 15 minutes.\n\nhttp://127.0.0.1:4400/passwordless/tok&en/confirm\n\nIf you "
        "did not request this email, you can ignore it.\n");
  CHECK(c.html ==
        "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>Sign in to Acme "
        "&lt;Dashboard&gt;</h1><p>Click the button below to sign in. The link can be used once "
        "and expires in 15 minutes.</p><p><a "
        "href=\"http://127.0.0.1:4400/passwordless/tok&amp;en/confirm\" style=\"padding:10px "
        "16px;background:#6363f1;color:#fff;text-decoration:none;border-radius:6px\">Sign "
        "in</a></p><p>If you did not request this email, you can ignore it.</p></body></html>");
  // Only the app's name and the lifetime vary besides the link.
  EmailContent day = RenderMagicLinkEmail({"b@example.com", "x@example.com", "App", "L", 1440});
  CHECK(day.subject == "Sign in to App");
  CHECK(day.text.find("expires in 1440 minutes.\n\nL\n\n") != std::string::npos);
  CHECK(day.html.find("expires in 1440 minutes.</p>") != std::string::npos);
}
