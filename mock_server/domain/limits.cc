#include "domain/limits.h"

namespace workos_mock {

std::optional<FieldError> CheckDuration(const std::string& field, int64_t seconds,
                                        int64_t min_seconds) {
  if (seconds >= min_seconds && seconds <= kMaxDurationSeconds) return std::nullopt;
  return FieldError{field, field + " must be a whole number of seconds from " +
                               std::to_string(min_seconds) + " to " +
                               std::to_string(kMaxDurationSeconds) + " (100 years)"};
}

std::string TruncateValue(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Back up over UTF-8 continuation bytes so the kept part stays valid UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...[" + std::to_string(text.size()) + " bytes]";
}

}  // namespace workos_mock
