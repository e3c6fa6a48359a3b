// The one expiry rule of every stored entry (links, codes, access tokens, pending sign-ins): an
// entry is usable strictly before its expires_ms and expired from that instant on.
#pragma once

#include <cstdint>

namespace workos_mock {

inline bool Expired(int64_t now_ms, int64_t expires_ms) { return now_ms >= expires_ms; }

}  // namespace workos_mock
