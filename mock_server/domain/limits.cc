#include "domain/limits.h"

namespace workos_mock {

std::optional<FieldError> CheckDuration(const std::string& field, int64_t seconds,
                                        int64_t min_seconds) {
  if (seconds >= min_seconds && seconds <= kMaxDurationSeconds) return std::nullopt;
  return FieldError{field, field + " must be a whole number of seconds from " +
                               std::to_string(min_seconds) + " to " +
                               std::to_string(kMaxDurationSeconds) + " (100 years)"};
}

}  // namespace workos_mock
