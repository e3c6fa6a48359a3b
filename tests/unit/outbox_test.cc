// The outbox unit (domain/outbox.h): newest first, bounded, case-insensitive recipients,
// copy-on-update so a snapshot's emails never change under it.
#include <catch2/catch.hpp>

#include "domain/limits.h"
#include "domain/outbox.h"

using namespace workos_mock;

namespace {

Email Mail(const std::string& id, const std::string& to, const std::string& session = "s") {
  Email e;
  e.id = id;
  e.to = to;
  e.session_id = session;
  return e;
}

}  // namespace

TEST_CASE("outbox: newest first, filtered by recipient case-insensitively", "[outbox]") {
  Outbox box;
  box.Add(Mail("e1", "ann@x.com"));
  box.Add(Mail("e2", "Bob@X.com"));
  box.Add(Mail("e3", "ANN@x.com"));
  auto all = box.To("");
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == "e3");
  CHECK(all[2].id == "e1");
  auto ann = box.To("Ann@X.COM");
  REQUIRE(ann.size() == 2);
  CHECK(ann[0].id == "e3");
  CHECK(box.LatestTo("bob@x.com")->id == "e2");
  CHECK(box.LatestTo("")->id == "e3");
  CHECK_FALSE(box.LatestTo("cleo@x.com").has_value());
}

TEST_CASE("outbox: at most kMaxOutbox emails, the oldest goes", "[outbox]") {
  Outbox box;
  for (size_t i = 0; i <= kMaxOutbox; ++i) box.Add(Mail("e" + std::to_string(i), "a@x.com"));
  CHECK(box.size() == kMaxOutbox);
  CHECK(box.entries().back()->id == "e1");
  CHECK(box.entries().front()->id == "e" + std::to_string(kMaxOutbox));
}

TEST_CASE("outbox: an update replaces the email with a changed copy", "[outbox]") {
  Outbox box;
  box.Add(Mail("e1", "a@x.com"));
  Outbox::Entry held = box.entries().front();  // what a snapshot holds
  CHECK(box.Update("e1", [](Email& e) { e.delivery = DeliveryResult{"sent", "", 5}; }));
  CHECK_FALSE(box.Update("nope", [](Email&) {}));
  CHECK_FALSE(held->delivery.has_value());
  REQUIRE(box.LatestTo("")->delivery.has_value());
  CHECK(box.LatestTo("")->delivery->status == "sent");
}

TEST_CASE("outbox: emails of swept sessions are dropped", "[outbox]") {
  Outbox box;
  box.Add(Mail("e1", "a@x.com", "live"));
  box.Add(Mail("e2", "a@x.com", "gone"));
  box.Add(Mail("e3", "a@x.com", "live"));
  CHECK(box.DropOrphans([](const std::string& id) { return id == "live"; }) == 1);
  REQUIRE(box.size() == 2);
  CHECK(box.To("")[0].id == "e3");
  CHECK(box.To("")[1].id == "e1");
}
