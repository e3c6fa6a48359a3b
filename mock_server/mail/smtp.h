// Delivering a composed email over SMTP with libcurl (I/O outside the domain; no HTTP server).
#pragma once

#include <cstdint>
#include <string>

#include "domain/model.h"

namespace workos_mock {

// The bare address of a From/To value: "WorkOS <a@b.c>" -> "a@b.c".
std::string BareAddress(const std::string& mailbox);
// The RFC 5322 message: MIME multipart/alternative (text/plain + text/html, UTF-8, base64 parts,
// CRLF line ends). `boundary` separates the parts.
std::string MimeMessage(const Email& email, int64_t now_ms, const std::string& boundary);
// Sends `email` to its recipient through `smtp_url` (smtp://host:port or smtps://host:port).
// Returns "" on success, otherwise what went wrong (curl's message and the server's reply).
std::string SendSmtp(const std::string& smtp_url, const Email& email, int64_t now_ms);

}  // namespace workos_mock
