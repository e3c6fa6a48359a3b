// The queue of sign-in outcomes (domain/outcome_queue.h): what may be queued, the cap, and which
// entry a sign-in takes.
#include <catch2/catch.hpp>

#include "domain/outcome_queue.h"

using namespace workos_mock;

namespace {

QueuedOutcome Entry(const std::string& id, const std::string& connection,
                    const std::string& outcome, int64_t times) {
  QueuedOutcome q;
  q.id = id;
  q.connection_id = connection;
  q.outcome = outcome;
  q.times = q.remaining = times;
  return q;
}

}  // namespace

TEST_CASE("outcome queue: an entry is a known outcome for 1 to 1,000,000 sign-ins",
          "[sso][outcomes]") {
  CHECK(OutcomeQueue::Check("access_denied", 1).empty());
  CHECK(OutcomeQueue::Check("server_error", 1000000).empty());
  auto both = OutcomeQueue::Check("nope", 0);
  REQUIRE(both.size() == 2);
  CHECK(both[0].field == "outcome");
  CHECK(both[0].code ==
        "outcome must be one of access_denied, idp_initiated_sso_disabled, oauth_failed, "
        "profile_not_allowed_outside_organization, server_error, signin_consent_denied");
  CHECK(both[1].field == "times");
  CHECK(both[1].code == "times must be a whole number from 1 to 1000000");
  CHECK(OutcomeQueue::Check("oauth_failed", 1000001).size() == 1);
}

TEST_CASE(
    "outcome queue: a sign-in takes its connection's oldest entry, else an "
    "environment-wide one",
    "[sso][outcomes]") {
  OutcomeQueue queue;
  queue.Push(Entry("q1", "", "server_error", 1));
  queue.Push(Entry("q2", "conn_a", "access_denied", 2));
  queue.Push(Entry("q3", "conn_a", "oauth_failed", 1));
  CHECK(queue.Take("conn_a") == std::optional<std::string>("access_denied"));
  REQUIRE(queue.List().size() == 3);
  CHECK(queue.List()[1].remaining == 1);
  CHECK(queue.Take("conn_a") == std::optional<std::string>("access_denied"));  // q2 spent: gone
  CHECK(queue.Take("conn_a") == std::optional<std::string>("oauth_failed"));
  CHECK(queue.Take("conn_a") == std::optional<std::string>("server_error"));  // the wide one
  CHECK(queue.Take("conn_a") == std::nullopt);
  CHECK(queue.size() == 0);

  queue.Push(Entry("q4", "conn_b", "access_denied", 1));
  CHECK(queue.Take("conn_a") == std::nullopt);  // another connection's entry is not taken
  CHECK(queue.size() == 1);
  queue.Clear();
  CHECK(queue.List().empty());
}

TEST_CASE("outcome queue: at most 1000 entries", "[sso][outcomes][caps]") {
  OutcomeQueue queue;
  for (int i = 0; i < 999; ++i) queue.Push(Entry("q", "", "server_error", 1));
  CHECK(queue.CheckRoom().ok());
  queue.Push(Entry("q", "", "server_error", 1));
  auto full = queue.CheckRoom();
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().kind == ErrorKind::kLimitExceeded);
  CHECK(full.error().message.rfind("This environment already has 1000 queued sign-in outcomes",
                                   0) == 0);
  CHECK(queue.Take("conn") == std::optional<std::string>("server_error"));
  CHECK(queue.CheckRoom().ok());
}
