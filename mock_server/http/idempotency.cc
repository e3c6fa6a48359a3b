#include "http/idempotency.h"

#include "http/replies.h"

namespace workos_mock {

IdempotentCall::IdempotentCall(Environment* env, const httplib::Request& req) {
  if (env == nullptr || req.method != "POST" || !req.has_header("Idempotency-Key") ||
      !env->settings().idempotent_replay)
    return;
  env_ = env;
  // Per environment and path: one key reused on another endpoint is another operation.
  key_ = req.path + "\n" + req.get_header_value("Idempotency-Key");
  claim_ = env_->idempotency().Begin(key_, kIdempotencyWait);
  owner_ = claim_.kind == IdempotencyStore::Claim::Kind::kOwner;
}

IdempotentCall::~IdempotentCall() {
  if (owner_) env_->idempotency().Finish(key_, std::nullopt);
}

bool IdempotentCall::Answered(httplib::Response& res) const {
  if (key_.empty() || owner_) return false;
  if (claim_.kind == IdempotencyStore::Claim::Kind::kBusy) {
    res.set_header("Retry-After", "1");
    ReplyJson(res, 409,
              {{"code", "idempotency_key_in_use"},
               {"message",
                "Another request with this Idempotency-Key is still being processed; "
                "retry once it has finished."}});
    return true;
  }
  res.status = claim_.reply.status;
  res.set_header("Idempotent-Replayed", "true");
  res.set_content(claim_.reply.body, claim_.reply.content_type.c_str());
  return true;
}

void IdempotentCall::Finish(const httplib::Response& res) {
  if (!owner_) return;
  owner_ = false;
  env_->idempotency().Finish(
      key_, StoredReply{res.status, res.body, res.get_header_value("Content-Type")});
}

}  // namespace workos_mock
