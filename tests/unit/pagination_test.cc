// List pagination (domain/pagination.h): limit, order, before/after cursors, validation.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "domain/ids.h"
#include "domain/pagination.h"

using namespace workos_mock;

TEST_CASE("pagination: limit, order, before/after cursors, validation", "[pagination]") {
  struct Item {
    std::string id;
    int64_t created_ms;
  };
  std::vector<Item> items;
  for (int i = 0; i < 25; ++i) items.push_back({NewId("conn", 1000 + i), 1000 + i});
  auto ids = [](const Page<Item>& p) {
    std::vector<std::string> out;
    for (const auto& i : p.data) out.push_back(i.id);
    return out;
  };

  auto first = Paginate(items, {});
  REQUIRE(first.ok());
  CHECK(first.value().data.size() == 10);
  CHECK(first.value().data.front().id == items[24].id);  // default desc: newest first
  CHECK(first.value().before == std::nullopt);
  CHECK(first.value().after == items[15].id);

  // Walk every page with `after`, in both orders; nothing lost or repeated.
  for (std::string order : {"desc", "asc", "normal"}) {
    INFO(order);
    std::vector<std::string> seen;
    std::optional<std::string> after;
    int pages = 0;
    do {
      PageRequest r;
      r.order = order;
      r.limit = "7";
      r.after = after;
      auto page = Paginate(items, r);
      REQUIRE(page.ok());
      for (auto& id : ids(page.value())) seen.push_back(id);
      if (pages > 0) CHECK(page.value().before == page.value().data.front().id);
      after = page.value().after;
      ++pages;
    } while (after);
    CHECK(pages == 4);
    REQUIRE(seen.size() == 25);
    CHECK(seen.front() == (order == "desc" ? items[24].id : items[0].id));
  }

  // `before` returns the page preceding the cursor.
  PageRequest r;
  r.limit = "5";
  r.order = "asc";
  r.before = items[12].id;
  auto prev = Paginate(items, r);
  REQUIRE(prev.ok());
  CHECK(ids(prev.value()) == std::vector<std::string>{items[7].id, items[8].id, items[9].id,
                                                      items[10].id, items[11].id});
  CHECK(prev.value().before == items[7].id);
  CHECK(prev.value().after == items[11].id);

  // A cursor that names a deleted object is placed by its ULID time.
  PageRequest gone;
  gone.order = "asc";
  gone.after = NewId("conn", 1010);
  auto after_gone = Paginate(items, gone);
  REQUIRE(after_gone.ok());
  CHECK(after_gone.value().data.front().created_ms >= 1010);

  for (auto bad : std::vector<PageRequest>{{"0", {}, {}, {}},
                                           {"101", {}, {}, {}},
                                           {"ten", {}, {}, {}},
                                           {"-1", {}, {}, {}},
                                           {{}, "newest", {}, {}},
                                           {{}, {}, items[1].id, items[2].id}}) {
    auto page = Paginate(items, bad);
    REQUIRE(!page.ok());
    CHECK(page.error().kind == ErrorKind::kValidation);
  }
}
