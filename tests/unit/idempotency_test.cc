// The Idempotency-Key store (domain/idempotency.h): what is kept, what is replayed, who waits.
// The concurrent case is in concurrency_test.cc (it runs under ThreadSanitizer too).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "domain/idempotency.h"

using namespace workos_mock;
using Kind = IdempotencyStore::Claim::Kind;
using std::chrono::milliseconds;

TEST_CASE("idempotency: only answers that completed the operation are stored", "[idempotency]") {
  for (int status : {200, 201, 204, 400, 401, 404, 409, 422, 499}) {
    INFO(status);
    CHECK(IdempotencyStore::Storable(status));
  }
  for (int status : {0, 100, 302, 429, 500, 502, 503, 504}) {
    INFO(status);
    CHECK_FALSE(IdempotencyStore::Storable(status));
  }
}

TEST_CASE("idempotency: the first answer is replayed; a 429 or 5xx lets the retry run again",
          "[idempotency]") {
  IdempotencyStore store;
  REQUIRE(store.Begin("k", milliseconds(0)).kind == Kind::kOwner);
  store.Finish("k", StoredReply{429, "{\"code\":\"rate_limit_exceeded\"}", "application/json"});
  CHECK(store.stored() == 0);
  REQUIRE(store.Begin("k", milliseconds(0)).kind == Kind::kOwner);  // the retry runs
  store.Finish("k", StoredReply{503, "{}", "application/json"});
  REQUIRE(store.Begin("k", milliseconds(0)).kind == Kind::kOwner);
  store.Finish("k", StoredReply{201, "{\"id\":\"a\"}", "application/json"});
  auto replay = store.Begin("k", milliseconds(0));
  REQUIRE(replay.kind == Kind::kReplay);
  CHECK(replay.reply.status == 201);
  CHECK(replay.reply.body == "{\"id\":\"a\"}");
  CHECK(replay.reply.content_type == "application/json");
  // A 422 completed the request too (nothing to retry): it is replayed as well.
  REQUIRE(store.Begin("v", milliseconds(0)).kind == Kind::kOwner);
  store.Finish("v", StoredReply{422, "{}", "application/json"});
  CHECK(store.Begin("v", milliseconds(0)).kind == Kind::kReplay);
  // Another key is another operation.
  CHECK(store.Begin("other", milliseconds(0)).kind == Kind::kOwner);
}

TEST_CASE("idempotency: a key in flight makes others wait; busy after the wait", "[idempotency]") {
  IdempotencyStore store;
  REQUIRE(store.Begin("k", milliseconds(0)).kind == Kind::kOwner);
  CHECK(store.Begin("k", milliseconds(0)).kind == Kind::kBusy);
  CHECK(store.Begin("k", milliseconds(20)).kind == Kind::kBusy);
  // The owner gives up without an answer (the handler threw): the next request owns the key.
  store.Finish("k", std::nullopt);
  CHECK(store.Begin("k", milliseconds(0)).kind == Kind::kOwner);
}

TEST_CASE("idempotency: bounded; the oldest answers go first; Clear forgets them",
          "[idempotency]") {
  IdempotencyStore store(3);
  for (const char* key : {"a", "b", "c", "d"}) {
    REQUIRE(store.Begin(key, milliseconds(0)).kind == Kind::kOwner);
    store.Finish(key, StoredReply{201, key, "application/json"});
  }
  CHECK(store.stored() == 3);
  CHECK(store.Begin("a", milliseconds(0)).kind == Kind::kOwner);  // evicted
  store.Finish("a", std::nullopt);
  CHECK(store.Begin("d", milliseconds(0)).reply.body == "d");
  store.Clear();
  CHECK(store.stored() == 0);
  CHECK(store.Begin("d", milliseconds(0)).kind == Kind::kOwner);
}
