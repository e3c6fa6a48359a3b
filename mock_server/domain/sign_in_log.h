// The record of the sign-ins that reached the mock IdP (GET /_mock/sso/sign-ins): the newest
// kMaxRecords, newest first. A sign-in that waits at the interactive page is recorded when the
// page is shown ("at_idp") and finished in the same record, found again by its pending login's
// id; a direct sign-in is recorded when it ends. A waiting record past its expiry reads as
// "expired". The records are not part of a snapshot. Not thread-safe by itself: the Environment
// keeps one under its lock (environment.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "domain/model.h"
#include "domain/sso.h"

namespace workos_mock {

class SignInLog {
 public:
  static constexpr size_t kMaxRecords = 1000;

  // The record of `login` (a pending login's, found by its id), else a new one at the front for
  // a sign-in through `connection` that starts at `now_ms`, waiting at the IdP ("at_idp"). The
  // reference stays valid until the record is dropped (kMaxRecords newer ones) or cleared.
  SsoSignIn& RecordOf(const Connection& connection, const PendingLogin& login, int64_t now_ms);
  // Newest first, as they read at `now_ms`.
  std::vector<SsoSignIn> List(int64_t now_ms) const;
  size_t size() const { return records_.size(); }
  void Clear() { records_.clear(); }

 private:
  std::deque<SsoSignIn> records_;  // newest first
};

}  // namespace workos_mock
