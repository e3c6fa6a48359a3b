// 10,000 concurrent attempts on single-use things: 50 magic links x 200 clicks, and 50 codes x 200
// token exchanges, from many client threads at once. Exactly one success each.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_server.h"

using namespace workos_mock::testing;
using nlohmann::json;

namespace {
// 24 client threads, each on its own kept-alive connection: under the server's 32 workers (a
// kept-alive connection holds a worker, so more clients than workers would measure queueing).
constexpr int kItems = 50, kAttempts = 200, kThreads = 24;
const char* kKey = "sk_test_workos_mock";

// Checks each item was won exactly once; returns the total number of wins.
int CheckOneWinEach(const std::vector<std::atomic<int>>& wins) {
  int total = 0;
  for (const auto& w : wins) {
    CHECK(w == 1);
    total += w;
  }
  return total;
}
}  // namespace

TEST_CASE("races: 10,000 concurrent clicks and 10,000 token exchanges, one success each",
          "[race]") {
  TestServer s;
  std::vector<std::string> links;
  for (int i = 0; i < kItems; ++i) {
    Reply r = Post(
        s, "/passwordless/sessions",
        json({{"email", "u" + std::to_string(i) + "@race.test"}, {"type", "MagicLink"}}).dump(),
        kKey);
    REQUIRE(r.status == 201);
    links.push_back(PathOf(r.json["link"]));
  }

  // Clicks: thread t takes attempts t, t+kThreads, ...; attempt a hits link a % kItems, so every
  // link is hit by many threads at the same time. Each thread keeps its own connection.
  std::vector<std::atomic<int>> wins(kItems);
  std::vector<std::string> codes(kItems);
  std::atomic<int> other{0}, total{0};
  std::mutex codes_mu;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        auto c = s.Client();
        c->set_keep_alive(true);
        for (int a = t; a < kItems * kAttempts; a += kThreads) {
          const int i = a % kItems;
          auto res = c->Get(links[i].c_str());
          ++total;
          if (res && res->status == 302) {
            ++wins[i];
            std::lock_guard<std::mutex> lock(codes_mu);
            codes[i] = QueryParam(res->get_header_value("Location"), "code");
          } else if (!res || res->status != 400) {
            ++other;
          }
        }
      });
    for (auto& th : threads) th.join();
  }
  CHECK(total == kItems * kAttempts);
  CHECK(other == 0);
  const int clicks_won = CheckOneWinEach(wins);
  CHECK(clicks_won == kItems);

  // Token exchanges of the 50 codes, 200 attempts each.
  std::vector<std::atomic<int>> grants(kItems);
  std::atomic<int> transport{0};
  other = 0;
  total = 0;
  {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        auto c = s.Client();
        c->set_keep_alive(true);
        for (int a = t; a < kItems * kAttempts; a += kThreads) {
          const int i = a % kItems;
          auto res = c->Post("/sso/token",
                             "client_id=client_workos_mock&client_secret=sk_test_workos_mock&"
                             "grant_type=authorization_code&code=" +
                                 codes[i],
                             "application/x-www-form-urlencoded");
          ++total;
          if (res && res->status == 200)
            ++grants[i];
          else if (!res)
            ++transport;
          else if (res->status != 400) {
            ++other;
            UNSCOPED_INFO("exchange: " << res->status << " " << res->body);
          }
        }
      });
    for (auto& th : threads) th.join();
  }
  CHECK(total == kItems * kAttempts);
  CHECK(other == 0);
  const int exchanges_won = CheckOneWinEach(grants);
  CHECK(exchanges_won == kItems);
  // Every attempt got an answer. (Transport errors here were once the first request of several
  // new connections: httplib's listen backlog of 5 overflowed; server.cc raises it.)
  CHECK(transport == 0);
  WARN("races: " << kItems * kAttempts << " clicks -> " << clicks_won << " successes; "
                 << kItems * kAttempts << " exchanges -> " << exchanges_won << " successes ("
                 << transport << " transport errors)");
}
