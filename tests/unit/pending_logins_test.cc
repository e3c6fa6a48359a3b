// The pending sign-ins of the interactive IdP page (domain/pending_logins.h): usable strictly
// before their expiry, completed once, dropped by a sweep the moment they expire, and mirrored
// into the registry's TokenIndex through every path.
#include <catch2/catch.hpp>

#include <limits>
#include <memory>

#include "domain/pending_logins.h"

using namespace workos_mock;

namespace {

PendingLogin Login(const std::string& id, int64_t expires_ms) {
  PendingLogin p;
  p.id = id;
  p.connection_id = "conn_1";
  p.expires_ms = expires_ms;
  return p;
}

}  // namespace

TEST_CASE("pending logins: usable strictly before their expiry, and completed once",
          "[pending-logins]") {
  PendingLoginStore store;
  store.Add(Login("login_1", 1000));
  CHECK(store.contains("login_1"));
  REQUIRE(store.FindUsable("login_1", 999) != nullptr);
  CHECK(store.FindUsable("login_1", 999)->connection_id == "conn_1");
  CHECK(store.FindUsable("login_1", 1000) == nullptr);  // expired at its expiry ...
  CHECK(store.contains("login_1"));                     // ... but stored until a sweep
  CHECK(store.FindUsable("nope", 0) == nullptr);

  store.Remove("login_1");
  CHECK_FALSE(store.contains("login_1"));
  CHECK(store.FindUsable("login_1", 0) == nullptr);
  store.Remove("login_1");  // twice: nothing happens
  CHECK(store.size() == 0);
}

TEST_CASE("pending logins: a sweep drops them the moment they expire, without a grace period",
          "[pending-logins]") {
  PendingLoginStore store;
  store.Add(Login("a", 1000));
  store.Add(Login("b", 2000));
  store.Add(Login("c", 3000));
  int64_t earliest = std::numeric_limits<int64_t>::max();
  CHECK(store.EraseExpired(999, earliest) == 0);
  CHECK(earliest == 1000);
  earliest = std::numeric_limits<int64_t>::max();
  CHECK(store.EraseExpired(2000, earliest) == 2);  // a and b: b expires exactly now
  CHECK(earliest == 3000);
  CHECK(store.contains("c"));
  CHECK(store.size() == 1);
}

TEST_CASE("pending logins: the token index follows add, complete, sweep, import and clear",
          "[pending-logins]") {
  auto index = std::make_shared<TokenIndex>();
  PendingLoginStore store;
  store.Add(Login("before", 5000));
  store.Attach(index, "env");
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "before") == "env");
  store.Add(Login("l1", 1000));
  store.Add(Login("l2", 5000));
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "l1") == "env");
  store.Remove("l2");
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "l2") == "");
  int64_t earliest = std::numeric_limits<int64_t>::max();
  store.EraseExpired(1000, earliest);
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "l1") == "");
  CHECK(index->size() == 1);

  PendingLoginStore::Prepared fresh;
  PendingLoginStore::Prepare({Login("imported", 9000)}, fresh);
  auto old = store.ReplaceWith(fresh);
  CHECK(old.size() == 1);
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "before") == "");
  CHECK(index->Find(TokenIndex::Kind::kPendingLogin, "imported") == "env");
  CHECK(store.FindUsable("imported", 8999) != nullptr);

  store.Clear();
  CHECK(store.size() == 0);
  CHECK(index->size() == 0);
}
