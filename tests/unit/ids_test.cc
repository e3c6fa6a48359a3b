// Ids and secrets (domain/ids.h): the live shapes, time order, formatting.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "domain/ids.h"

using namespace workos_mock;

TEST_CASE("ids: prefix + 26-char ULID, time-ordered; secrets have the live shape", "[ids]") {
  std::string a = NewId("conn", 1000), b = NewId("conn", 2000);
  CHECK(std::regex_match(a, std::regex("conn_[0-9A-HJKMNP-TV-Z]{26}")));
  CHECK(a.substr(0, 15) < b.substr(0, 15));
  CHECK(Ulid(0).substr(0, 10) == "0000000000");
  std::set<std::string> tokens;
  for (int i = 0; i < 1000; ++i) tokens.insert(RandomAlphanumeric(25));
  CHECK(tokens.size() == 1000);
  CHECK(std::regex_match(*tokens.begin(), std::regex("[A-Za-z0-9]{25}")));
  CHECK(FormatIso8601(1597297800000) == "2020-08-13T05:50:00.000Z");
  CHECK(FormatIso8601(1597297800123) == "2020-08-13T05:50:00.123Z");
  CHECK(std::regex_match(
      UuidV4(), std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
}
