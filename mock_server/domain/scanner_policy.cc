#include "domain/scanner_policy.h"

#include <vector>

#include "domain/text.h"

namespace workos_mock {

Status ValidateScannerSettings(const ScannerSettings& s) {
  std::vector<FieldError> errors;
  if (s.mode != "off" && s.mode != "prefetch" && s.mode != "prefetch_follow" && s.mode != "head")
    errors.push_back({"mode", "mode must be one of off, prefetch, prefetch_follow, head"});
  if (s.delay_ms < 0 || s.delay_ms > 600000)
    errors.push_back({"delay_ms", "delay_ms must be a whole number from 0 to 600000"});
  for (size_t i = 0; i < s.allowlist.size(); ++i) {
    const std::string& entry = s.allowlist[i];
    bool bad = entry.empty() || entry == "@";
    for (unsigned char c : entry) bad |= c <= 0x20 || c == 0x7f;
    if (bad)
      errors.push_back(
          {"allowlist[" + std::to_string(i) + "]",
           "must be a domain (trusted.com) or an address (ceo@x.com), without spaces"});
  }
  if (errors.empty()) return OkStatus();
  return ValidationError(std::move(errors));
}

ScannerSettings NormalizedScannerSettings(ScannerSettings settings) {
  for (auto& entry : settings.allowlist) entry = Lower(entry);
  return settings;
}

bool ScannerSkipsRecipient(const ScannerSettings& s, const std::string& recipient) {
  const std::string to = Lower(recipient);
  const auto at = to.rfind('@');
  const std::string domain = at == std::string::npos ? to : to.substr(at + 1);
  for (std::string entry : s.allowlist) {
    entry = Lower(entry);
    if (!entry.empty() && entry[0] == '@') entry = entry.substr(1);
    if (entry.find('@') != std::string::npos) {
      if (entry == to) return true;
      continue;
    }
    if (domain == entry) return true;
    if (domain.size() > entry.size() + 1 &&
        domain.compare(domain.size() - entry.size(), entry.size(), entry) == 0 &&
        domain[domain.size() - entry.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace workos_mock
