// The Idempotency-Key of public POSTs, around a route's handler (docs/control-plane.md
// "Idempotency"). Only while the environment's idempotent_replay setting is on (off by default,
// like live): the first request with a key runs, the ones repeating it get its stored answer with
// `Idempotent-Replayed: true`; concurrent ones wait for the first (domain/idempotency.h).
#pragma once

#include <httplib.h>

#include <string>

#include "domain/environment.h"

namespace workos_mock {

// How long a request waits for another one running with the same key before answering 409.
inline constexpr std::chrono::milliseconds kIdempotencyWait{30000};

class IdempotentCall {
 public:
  // Claims `req`'s key when replay applies: a POST with an Idempotency-Key, to an environment
  // (may be null) whose idempotent_replay is on. Waits for a concurrent request with the key.
  IdempotentCall(Environment* env, const httplib::Request& req);
  // An unfinished claim (the handler threw) is released without storing anything.
  ~IdempotentCall();
  IdempotentCall(const IdempotentCall&) = delete;
  IdempotentCall& operator=(const IdempotentCall&) = delete;

  // True when `res` has been answered for the key (the stored first answer, or 409 while the
  // first request still runs): the handler must not run.
  bool Answered(httplib::Response& res) const;
  // After the handler ran: stores `res` when it completed the operation, and releases the key.
  void Finish(const httplib::Response& res);

 private:
  Environment* env_ = nullptr;
  std::string key_;  // empty: replay does not apply
  IdempotencyStore::Claim claim_;
  bool owner_ = false;
};

}  // namespace workos_mock
