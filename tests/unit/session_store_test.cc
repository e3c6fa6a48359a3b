// The session and profile stores (domain/session_store.h, domain/profile_store.h): their second
// index (link token, connection + email) follows every path that adds or removes an entry, and
// the link tokens are mirrored into the registry's TokenIndex.
#include <catch2/catch.hpp>

#include <memory>

#include "domain/profile_store.h"
#include "domain/session_store.h"

using namespace workos_mock;

namespace {

PasswordlessSession Session(const std::string& id, const std::string& token, int64_t expires) {
  PasswordlessSession s;
  s.id = id;
  s.token = token;
  s.expires_ms = expires;
  return s;
}

}  // namespace

TEST_CASE("session store: the token index follows put, sweep, clear and import", "[sessions]") {
  auto index = std::make_shared<TokenIndex>();
  SessionStore store;
  store.Attach(index, "env");
  store.Put(Session("s1", "tok1", 100));
  store.Put(Session("s2", "tok2", 200));
  CHECK(store.HasToken("tok1"));
  CHECK(index->Find(TokenIndex::Kind::kLinkToken, "tok2") == "env");
  REQUIRE(store.FindMutableByToken("tok2") != nullptr);
  CHECK(store.FindMutableByToken("tok2")->id == "s2");
  CHECK(store.FindMutableByToken("nope") == nullptr);

  std::vector<std::string> erased;
  CHECK(store.EraseIf([](const PasswordlessSession& s) { return s.expires_ms < 150; },
                      [&](const PasswordlessSession& s) { erased.push_back(s.id); }) == 1);
  CHECK(erased == std::vector<std::string>{"s1"});
  CHECK_FALSE(store.HasToken("tok1"));
  CHECK(index->Find(TokenIndex::Kind::kLinkToken, "tok1") == "");
  CHECK(store.HasToken("tok2"));

  SessionStore::Prepared fresh;
  SessionStore::Prepare({Session("s3", "tok3", 300)}, fresh);
  auto old = store.ReplaceWith(fresh);
  CHECK(store.size() == 1);
  CHECK_FALSE(store.HasToken("tok2"));
  CHECK(index->Find(TokenIndex::Kind::kLinkToken, "tok2") == "");
  CHECK(store.HasToken("tok3"));
  CHECK(index->Find(TokenIndex::Kind::kLinkToken, "tok3") == "env");

  store.Clear();
  CHECK(store.size() == 0);
  CHECK_FALSE(store.HasToken("tok3"));
  CHECK(index->size() == 0);
}

TEST_CASE("profile store: one profile per connection and email, any case", "[profiles]") {
  ProfileStore store;
  Profile p;
  p.id = "prof_1";
  p.connection_id = "conn_1";
  p.email = "Ann@X.com";
  CHECK(store.Add(p).id == "prof_1");
  REQUIRE(store.FindByUser("conn_1", "ann@x.COM") != nullptr);
  CHECK(store.FindByUser("conn_1", "ann@x.COM")->id == "prof_1");
  CHECK(store.FindByUser("conn_2", "ann@x.com") == nullptr);
  CHECK(store.Find("prof_1") != nullptr);

  Profile q = p;
  q.id = "prof_2";
  q.connection_id = "conn_2";
  ProfileStore::Prepared fresh;
  ProfileStore::Prepare({q}, fresh);
  auto old = store.ReplaceWith(fresh);
  CHECK(store.FindByUser("conn_1", "ann@x.com") == nullptr);
  CHECK(store.FindByUser("conn_2", "ANN@x.com")->id == "prof_2");
  store.Clear();
  CHECK(store.FindByUser("conn_2", "ann@x.com") == nullptr);
  CHECK(store.size() == 0);
}
