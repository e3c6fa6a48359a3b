#include "mail/magic_link_email.h"

#include <string>

#include "domain/text.h"

namespace workos_mock {

EmailContent RenderMagicLinkEmail(const MagicLinkEmail& m) {
  EmailContent c;
  const std::string minutes = std::to_string(m.expires_in_minutes);
  c.subject = "Sign in to " + m.app_name;
  c.text = "Sign in to " + m.app_name +
           "\n\nClick the link below to sign in. It can be used once and expires in " + minutes +
           " minutes.\n\n" + m.link + "\n\nIf you did not request this email, you can ignore it.\n";
  c.html = "<!doctype html><html><body style=\"font-family:sans-serif\"><h1>Sign in to " +
           HtmlEscape(m.app_name) +
           "</h1><p>Click the button below to sign in. The link can be used once and expires in " +
           minutes + " minutes.</p><p><a href=\"" + HtmlEscape(m.link) +
           "\" style=\"padding:10px 16px;background:#6363f1;color:#fff;text-decoration:none;"
           "border-radius:6px\">Sign in</a></p><p>If you did not request this email, you can "
           "ignore it.</p></body></html>";
  return c;
}

}  // namespace workos_mock
