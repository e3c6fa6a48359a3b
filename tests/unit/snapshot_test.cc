// Snapshots and the change counter (domain/entry_store.h, environment.h "Snapshots without a
// long lock"): what --state-file and GET /_mock/state rely on.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "domain/entry_store.h"
#include "domain/environment.h"

using namespace workos_mock;

namespace {

EnvironmentConfig Seed() {
  EnvironmentConfig c;
  c.name = "snap";
  c.api_keys = {"sk_test_snap"};
  c.client_id = "client_snap";
  c.redirect_uris = {{"http://localhost:3000/callback", true}};
  c.max_stored = 1000000;
  return c;
}

CreateSessionRequest Req(const std::string& email) {
  CreateSessionRequest r;
  r.email = email;
  r.type = "MagicLink";
  return r;
}

}  // namespace

TEST_CASE("entry store: a capture sees one instant; writers copy what it shares", "[snapshot]") {
  EntryStore<std::string> store;
  store.Put("a", "1");
  store.Put("b", "2");
  store.Put("c", "3");
  std::vector<const std::string*> seen;
  store.BeginCapture(seen);
  REQUIRE(seen.size() == 3);
  const std::string* a = store.Find("a");
  *store.FindMutable("a") = "changed";  // copied: the capture keeps "1"
  store.Erase("b");                     // retired: the capture keeps "2"
  store.Put("c", "replaced");           // retired: the capture keeps "3"
  store.Put("d", "4");                  // not in the capture
  *store.FindMutable("d") = "44";       // made during the capture: changed in place
  std::vector<std::string> values;
  for (const auto* v : seen) values.push_back(*v);
  std::sort(values.begin(), values.end());
  CHECK(values == std::vector<std::string>{"1", "2", "3"});
  CHECK(*a == "1");
  CHECK(*store.Find("a") == "changed");
  CHECK(store.Find("b") == nullptr);
  CHECK(*store.Find("d") == "44");
  CHECK(store.size() == 3);
  auto retired = store.EndCapture();
  CHECK(retired.size() == 3);  // "1", "2", "3": freed by the caller, after its lock
  // No capture open: changes are in place again.
  const std::string* d = store.Find("d");
  *store.FindMutable("d") = "444";
  CHECK(store.Find("d") == d);
  CHECK(store.EraseIf([](const std::string& v) { return v.size() > 3; },
                      [](const std::string&) {}) == 2);  // "changed", "replaced"
  CHECK(store.size() == 1);
}

TEST_CASE("the change counter moves with every change to exported state, not with reads",
          "[snapshot]") {
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");
  uint64_t last = env.ChangeCount();
  auto changed = [&](const char* what) {
    INFO(what);
    const uint64_t now = env.ChangeCount();
    CHECK(now > last);
    last = now;
  };
  auto unchanged = [&](const char* what) {
    INFO(what);
    CHECK(env.ChangeCount() == last);
  };
  auto s = env.CreateSession(Req("ann@example.com")).value();
  changed("create session");
  REQUIRE(env.SendSession(s.id).ok());
  changed("send");
  auto email = env.Outbox("").at(0);
  CHECK(env.RecordScan(email.id, {1, "prefetch", "consumed", ""}));
  changed("scan result");
  CHECK(env.RecordDelivery(email.id, {"sent", "", 1}));
  changed("delivery result");
  auto visit = env.VisitLink(s.token, "GET", "browser");
  changed("visit");
  (void)env.VisitLink(s.token, "GET", "browser");
  changed("repeat visit (recorded)");
  const std::string code = visit->location.substr(visit->location.find("code=") + 5, 26);
  REQUIRE(env.ExchangeCode({"client_snap", "sk_test_snap", "authorization_code", code, ""}).ok());
  changed("exchange");
  REQUIRE(env.AdvanceClock(60).ok());
  changed("clock");
  REQUIRE(env.SetScanner({"head", {}, 0}).ok());
  changed("scanner");
  REQUIRE(env.SetRedirectUris({{"http://localhost:3000/cb2", true}}).ok());
  changed("redirect URIs");
  AuthorizeRequest a;
  a.client_id = "client_snap";
  a.response_type = "code";
  a.provider = "GoogleOAuth";
  a.interactive = true;
  auto page = env.Authorize(a);
  REQUIRE(page.kind == AuthorizeOutcome::Kind::kIdpPage);
  changed("pending sign-in (and its provider connection)");
  REQUIRE(env.CompleteLogin(page.login_id, "bob@example.com", "sign_in").ok());
  changed("sign-in completed");
  REQUIRE(env.DeleteConnection(s.connection_id));
  changed("connection deleted");
  auto claim = env.idempotency().Begin("k", std::chrono::milliseconds(0));
  REQUIRE(claim.kind == IdempotencyStore::Claim::Kind::kOwner);
  env.idempotency().Finish("k", StoredReply{201, "{}", "application/json"});
  unchanged("idempotency replies are not exported");
  // Reads change nothing.
  (void)env.FindSession(s.id);
  (void)env.Outbox("");
  (void)env.NowMs();
  (void)env.Snapshot();
  (void)env.ProfileForAccessToken("x");
  (void)env.LinkStatus(s.id);
  (void)env.HasPendingLogin("x");
  unchanged("reads");
  EnvironmentSnapshot snap = env.Snapshot();
  REQUIRE(env.Restore(snap).ok());
  changed("restore");
  clock.AdvanceMs(10LL * 24 * 3600 * 1000);
  CHECK(env.Sweep() > 0);
  changed("sweep that removed entries");
  CHECK(env.Sweep() == 0);
  unchanged("sweep that removed nothing");
  env.Reset();
  changed("reset");
}

TEST_CASE("a snapshot does not stop the environment's other requests while it copies",
          "[snapshot][concurrency]") {
  // Before, Snapshot() copied and sorted every entry under the environment's lock, so a
  // GET /_mock/clock waited for the whole export (p99 222 ms with 100,000 sessions). Now the
  // lock is held for a pointer copy only. Counted, not timed: a reader that keeps asking for the
  // clock gets answers while each snapshot materialises; with the lock held throughout it could
  // finish at most the one read it had begun.
  ManualClock clock;
  Environment env(Seed(), clock, "http://mock");
  constexpr int kSessions = 20000;
  for (int i = 0; i < kSessions; ++i) {
    auto s = env.CreateSession(Req("u" + std::to_string(i) + "@example.com"));
    REQUIRE(s.ok());
    if (i % 2 == 0) env.VisitLink(s.value().token, "GET", "browser");
  }
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    while (!done) {
      (void)env.NowMs();
      ++reads;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  constexpr int kSnapshots = 4;
  int during = 0;
  for (int k = 0; k < kSnapshots; ++k) {
    const int before = reads;
    EnvironmentSnapshot snap = env.Snapshot();
    during += reads - before;
    REQUIRE(snap.sessions.size() == static_cast<size_t>(kSessions));
  }
  done = true;
  reader.join();
  INFO(during << " reads answered during " << kSnapshots << " snapshots");
  CHECK(during >= 3 * kSnapshots);
}
