// Many threads on one Environment: creating sessions, visiting the same links and exchanging the
// same codes must give exactly one success per link and per code (environment.h, "Locking").
// scripts/test also runs this under ThreadSanitizer ("[concurrency]").
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/environment.h"
#include "domain/idempotency.h"

using namespace workos_mock;

TEST_CASE("concurrent create, visit and exchange on one environment: one success each",
          "[concurrency]") {
  ManualClock clock;
  EnvironmentConfig seed;
  seed.name = "test";
  seed.api_keys = {"sk_test_test"};
  seed.client_id = "client_test";
  seed.redirect_uris = {{"http://localhost:3000/callback", true}};
  Environment env{seed, clock, "http://mock"};

  constexpr int kThreads = 8, kLinks = 200;
  // Sessions are created concurrently too: every create succeeds, with distinct tokens.
  std::vector<std::string> tokens(kLinks);
  {
    std::atomic<int> next{0}, failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&] {
        for (int i; (i = next++) < kLinks;) {
          CreateSessionRequest r;
          r.email = "user" + std::to_string(i) + "@example.com";
          r.type = "MagicLink";
          auto s = env.CreateSession(r);
          if (s.ok())
            tokens[i] = s.value().token;
          else
            ++failures;
        }
      });
    for (auto& th : threads) th.join();
    REQUIRE(failures == 0);
  }

  // Every thread visits every link with a HEAD and a GET: both consume (the default setting), and
  // exactly one visit per link gets the code.
  std::vector<std::atomic<int>> redirects(kLinks);
  std::vector<std::string> codes(kLinks);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int k = 0; k < kLinks; ++k) {
          int i = (k + t * 7) % kLinks;  // threads start at different links
          for (const char* method : {"HEAD", "GET"}) {
            auto o = env.VisitLink(tokens[i], method, "browser");
            if (o && o->kind == LinkVisitOutcome::Kind::kRedirect && redirects[i]++ == 0) {
              auto pos = o->location.find("code=");
              codes[i] = o->location.substr(pos + 5, 26);
            }
          }
        }
      });
    for (auto& th : threads) th.join();
  }
  for (int i = 0; i < kLinks; ++i) REQUIRE(redirects[i] == 1);

  // Every thread exchanges every code: exactly one grant per code.
  std::vector<std::atomic<int>> grants(kLinks);
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int k = 0; k < kLinks; ++k) {
          int i = (k + t * 13) % kLinks;
          TokenRequest r{"client_test", "sk_test_test", "authorization_code", codes[i], ""};
          if (env.ExchangeCode(r).ok()) ++grants[i];
          (void)env.CodeExchanged(codes[i]);
        }
      });
    for (auto& th : threads) th.join();
  }
  for (int i = 0; i < kLinks; ++i) REQUIRE(grants[i] == 1);
}

TEST_CASE("concurrent requests with one Idempotency-Key: one operation, one answer for all",
          "[concurrency][idempotency]") {
  IdempotencyStore store;
  constexpr int kThreads = 16, kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "key-" + std::to_string(round);
    std::atomic<int> operations{0}, replays{0}, busy{0};
    std::vector<std::string> answers(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        auto claim = store.Begin(key, std::chrono::milliseconds(5000));
        if (claim.kind == IdempotencyStore::Claim::Kind::kOwner) {
          const int n = ++operations;  // "the operation": only one may run per key
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          answers[t] = "session-" + std::to_string(n);
          store.Finish(key, StoredReply{201, answers[t], "application/json"});
        } else if (claim.kind == IdempotencyStore::Claim::Kind::kReplay) {
          ++replays;
          answers[t] = claim.reply.body;
        } else {
          ++busy;
        }
      });
    for (auto& th : threads) th.join();
    INFO("round " << round);
    CHECK(operations == 1);
    CHECK(replays == kThreads - 1);
    CHECK(busy == 0);
    for (const auto& a : answers) CHECK(a == answers[0]);
  }
}

TEST_CASE("a snapshot taken while others write is still one instant", "[concurrency][snapshot]") {
  // Snapshot() holds the lock only to capture pointers; writers copy an entry before changing
  // it while a capture shares it (domain/entry_store.h). A torn or half-changed snapshot would
  // show a used session without its code, a code without its profile, or a changed entry.
  ManualClock clock;
  EnvironmentConfig seed;
  seed.name = "snap";
  seed.api_keys = {"sk_test_snap"};
  seed.client_id = "client_snap";
  seed.redirect_uris = {{"http://localhost:3000/callback", true}};
  Environment env{seed, clock, "http://mock"};
  std::atomic<int> running{3};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t)
    writers.emplace_back([&, t] {
      // 3 x 2,000 sessions: below the outbox cap, so every sent session keeps its email.
      for (int i = 0; i < 2000; ++i) {
        CreateSessionRequest r;
        r.email = "w" + std::to_string(t) + "-" + std::to_string(i % 50) + "@example.com";
        r.type = "MagicLink";
        auto s = env.CreateSession(r);
        if (!s.ok()) continue;
        (void)env.SendSession(s.value().id);
        auto o = env.VisitLink(s.value().token, "GET", "browser");
        if (o && o->kind == LinkVisitOutcome::Kind::kRedirect && i % 200 == 0) {  // RSA: slow
          auto pos = o->location.find("code=");
          TokenRequest tr{"client_snap", "sk_test_snap", "authorization_code",
                          o->location.substr(pos + 5, 26), ""};
          (void)env.ExchangeCode(tr);
        }
      }
      --running;
    });
  uint64_t last_count = 0;
  for (int k = 0; k < 5 || running > 0; ++k) {
    uint64_t count = 0;
    EnvironmentSnapshot snap = env.Snapshot(&count);
    CHECK(count >= last_count);
    last_count = count;
    REQUIRE(ValidateSnapshot(snap, 100000).ok());  // unique ids, codes have their profiles
    std::set<std::string> codes;
    for (const auto& c : snap.codes) codes.insert(c.code);
    for (const auto& s : snap.sessions) {
      // VisitLink marks the session used, records the visit and stores the code at once.
      CHECK(s.used == !s.code.empty());
      if (s.used) {
        CHECK(codes.count(s.code) == 1);
        REQUIRE_FALSE(s.visits.empty());
        CHECK(s.visits.back().outcome == "redirected");
      }
      // SendSession bumps sends and adds the email at once.
      CHECK(s.sends >= 0);
    }
    std::set<std::string> emailed;
    for (const auto& e : snap.outbox) emailed.insert(e.session_id);
    for (const auto& s : snap.sessions) CHECK((s.sends > 0) == (emailed.count(s.id) > 0));
  }
  for (auto& w : writers) w.join();
}
