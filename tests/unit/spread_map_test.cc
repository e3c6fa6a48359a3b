// SpreadMap (domain/spread_map.h): one map below kSpreadAt keys, 64 parts from there on; either
// way it must behave as one map -- no key lost or duplicated when it spreads, after erasures, a
// Clear or a Swap.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "domain/spread_map.h"

using workos_mock::SpreadMap;

namespace {

std::string Key(size_t i) { return "passwordless_session_" + std::to_string(i); }

std::set<std::string> Keys(const SpreadMap<size_t>& map) {
  std::set<std::string> keys;
  map.ForEach([&](const std::string& key, const size_t& value) {
    CHECK(key == Key(value));
    CHECK(keys.insert(key).second);
  });
  return keys;
}

}  // namespace

TEST_CASE("SpreadMap keeps every key across the spread", "[spread_map]") {
  SpreadMap<size_t> map;
  const size_t n = 3 * SpreadMap<size_t>::kSpreadAt;
  for (size_t i = 0; i < n; ++i) {
    REQUIRE(map.Set(Key(i), i));
    if (i + 1 == SpreadMap<size_t>::kSpreadAt - 1 || i + 1 == SpreadMap<size_t>::kSpreadAt) {
      REQUIRE(map.size() == i + 1);
      REQUIRE(Keys(map).size() == i + 1);
    }
  }
  REQUIRE(map.size() == n);
  REQUIRE(Keys(map).size() == n);
  for (size_t i = 0; i < n; ++i) {
    const size_t* value = map.Find(Key(i));
    REQUIRE(value != nullptr);
    REQUIRE(*value == i);
    REQUIRE(map.count(Key(i)) == 1);
  }
  REQUIRE(map.Find("passwordless_session_x") == nullptr);
  REQUIRE(map.count("passwordless_session_x") == 0);
}

TEST_CASE("SpreadMap replaces, erases and clears like one map", "[spread_map]") {
  SpreadMap<size_t> map;
  const size_t n = 2 * SpreadMap<size_t>::kSpreadAt;
  for (size_t i = 0; i < n; ++i) map.Set(Key(i), i);

  SECTION("Set on a present key replaces its value and does not grow") {
    REQUIRE_FALSE(map.Set(Key(7), 7000));
    REQUIRE(*map.Find(Key(7)) == 7000);
    REQUIRE(map.size() == n);
  }
  SECTION("Erase removes one key and reports whether it was there") {
    for (size_t i = 0; i < n; i += 2) REQUIRE(map.Erase(Key(i)));
    REQUIRE_FALSE(map.Erase(Key(0)));
    REQUIRE(map.size() == n / 2);
    REQUIRE(map.Find(Key(0)) == nullptr);
    REQUIRE(*map.Find(Key(1)) == 1);
    REQUIRE(Keys(map).size() == n / 2);
  }
  SECTION("Clear empties it, and it fills and spreads again") {
    map.Clear();
    REQUIRE(map.empty());
    REQUIRE(Keys(map).empty());
    REQUIRE(map.Find(Key(1)) == nullptr);
    for (size_t i = 0; i < n; ++i) REQUIRE(map.Set(Key(i), i));
    REQUIRE(Keys(map).size() == n);
  }
  SECTION("Swap exchanges contents and sizes, spread or not") {
    SpreadMap<size_t> small;
    small.Set(Key(1), 1);
    map.Swap(small);
    REQUIRE(map.size() == 1);
    REQUIRE(small.size() == n);
    REQUIRE(*map.Find(Key(1)) == 1);
    REQUIRE(map.Find(Key(2)) == nullptr);
    REQUIRE(*small.Find(Key(2)) == 2);
    REQUIRE(Keys(small).size() == n);
  }
}
