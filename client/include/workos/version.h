// The library's version, sent in the User-Agent as `workos-cpp/<version>`.
#pragma once

#define WORKOS_CPP_VERSION "0.1.0"

namespace workos {
inline constexpr const char* kVersion = WORKOS_CPP_VERSION;
}  // namespace workos
