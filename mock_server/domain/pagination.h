// Cursor pagination of list endpoints (GET /connections, GET /organizations), as the live API and
// the official SDKs' auto-paginators use it: `limit` 1..100 (default 10), `order` asc|normal|desc
// (default desc; "normal" is asc), `before`/`after` are object ids, and list_metadata.after is the
// cursor of the next page in the requested order (null at the end), .before that of the previous
// page (null on the first).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"

namespace workos_mock {

struct PageRequest {
  std::optional<std::string> limit, order, before, after;  // raw query values; "" = absent
};

template <typename T>
struct Page {
  std::vector<T> data;
  std::optional<std::string> before, after;
};

// How many, in which order: `limit` and `order` as ParsePageRequest reads them.
struct PageOrder {
  int limit = 10;
  bool descending = true;
};
// Validates `r`: its limit and order (the defaults when absent), or every problem as field errors.
Result<PageOrder> ParsePageRequest(const PageRequest& r);

// The creation time encoded in a WorkOS id's ULID ("conn_01E4ZC..."), or nullopt.
std::optional<int64_t> UlidTimeOf(const std::string& id);

// `items` must carry `.id` and `.created_ms`. Ordered by (created_ms, id); a cursor that names an
// object not in `items` (deleted, or filtered out) is placed by the time in its ULID.
template <typename T>
Result<Page<T>> Paginate(std::vector<T> items, const PageRequest& r) {
  Result<PageOrder> order = ParsePageRequest(r);
  if (!order.ok()) return order.error();
  const int limit = order.value().limit;
  const bool desc = order.value().descending;
  using Key = std::pair<int64_t, std::string>;
  auto key = [](const T& t) { return Key{t.created_ms, t.id}; };
  std::sort(items.begin(), items.end(),
            [&](const T& a, const T& b) { return desc ? key(b) < key(a) : key(a) < key(b); });
  auto cursor_key = [&](const std::string& id) {
    for (const auto& t : items)
      if (t.id == id) return key(t);
    return Key{UlidTimeOf(id).value_or(0), id};
  };
  // "comes before the cursor in the requested order"
  auto earlier = [&](const Key& a, const Key& b) { return desc ? b < a : a < b; };
  size_t begin = 0, end = items.size();
  if (r.after && !r.after->empty()) {
    Key c = cursor_key(*r.after);
    while (begin < items.size() && !earlier(c, key(items[begin]))) ++begin;
    end = std::min(items.size(), begin + static_cast<size_t>(limit));
  } else if (r.before && !r.before->empty()) {
    Key c = cursor_key(*r.before);
    end = 0;
    while (end < items.size() && earlier(key(items[end]), c)) ++end;
    begin = end > static_cast<size_t>(limit) ? end - static_cast<size_t>(limit) : 0;
  } else {
    end = std::min(items.size(), static_cast<size_t>(limit));
  }
  Page<T> page;
  page.data.assign(items.begin() + static_cast<std::ptrdiff_t>(begin),
                   items.begin() + static_cast<std::ptrdiff_t>(end));
  if (begin > 0 && !page.data.empty()) page.before = page.data.front().id;
  if (end < items.size() && !page.data.empty()) page.after = page.data.back().id;
  return page;
}

}  // namespace workos_mock
