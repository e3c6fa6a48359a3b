"""Checks a message the sink saved: envelope, headers, multipart/alternative text + HTML parts
that both carry the magic link.   check_message.py FILE TO LINK"""
import email
import email.policy
import sys

path, to, link = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)

def expect(cond, what):
    if not cond:
        print("smtp check failed:", what)
        print(open(path, "rb").read().decode(errors="replace")[:3000])
        sys.exit(1)

expect(msg["X-Envelope-From"] == "no-reply@workos-mock.dev", "envelope sender: %s" % msg["X-Envelope-From"])
expect(msg["X-Envelope-To"] == to, "envelope recipient: %s" % msg["X-Envelope-To"])
expect(msg["To"] == to, "To: %s" % msg["To"])
expect("no-reply@workos-mock.dev" in msg["From"], "From: %s" % msg["From"])
expect(msg["Subject"] == "Sign in to workos-mock", "Subject: %s" % msg["Subject"])
expect(msg["Message-ID"].startswith("<email_"), "Message-ID: %s" % msg["Message-ID"])
expect(msg.get_content_type() == "multipart/alternative", "type: %s" % msg.get_content_type())
parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
expect(set(parts) == {"text/plain", "text/html"}, "parts: %s" % list(parts))
expect(link in parts["text/plain"], "the text part carries the link")
expect(link.replace("&", "&amp;") in parts["text/html"], "the HTML part carries the link")
expect("<a href=" in parts["text/html"], "the HTML part has a sign-in button")
print("smtp: %s: multipart/alternative to %s with the link in both parts" % (path, to))
