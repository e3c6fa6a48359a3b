// The email-scanner simulation's policy (what PUT /_mock/scanner and the config accept, and which
// recipients the scanner skips). Pure functions: the settings themselves are kept by the
// Environment under its lock.
#pragma once

#include <optional>
#include <string>

#include "domain/errors.h"
#include "domain/model.h"

namespace workos_mock {

// Mode (off, prefetch, prefetch_follow, head), delay_ms 0..600000, allow-list entries non-empty
// and without spaces or controls; every problem as a field error.
Status ValidateScannerSettings(const ScannerSettings& settings);

// `settings` as stored: allow-list entries in lower case.
ScannerSettings NormalizedScannerSettings(ScannerSettings settings);

// True when the scanner skips mail to `recipient`: its address or its domain is on the
// allow-list (case-insensitive). A domain entry also covers subdomains ("x.com" covers
// "mail.x.com"); "@x.com" is accepted as a domain too.
bool ScannerSkipsRecipient(const ScannerSettings& settings, const std::string& recipient);

}  // namespace workos_mock
