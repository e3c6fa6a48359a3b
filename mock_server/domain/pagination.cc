#include "domain/pagination.h"

#include <cctype>

namespace workos_mock {

Result<PageOrder> ParsePageRequest(const PageRequest& r) {
  std::vector<FieldError> errors;
  PageOrder out;
  if (r.limit && !r.limit->empty()) {
    const std::string& v = *r.limit;
    bool digits = v.size() <= 3 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
                    return std::isdigit(c) != 0;
                  });
    int n = digits ? std::stoi(v) : 0;
    if (n < 1 || n > 100)
      errors.push_back({"limit", "limit must be an integer between 1 and 100"});
    else
      out.limit = n;
  }
  if (r.order && !r.order->empty()) {
    const std::string& o = *r.order;
    if (o == "desc")
      out.descending = true;
    else if (o == "asc" || o == "normal")
      out.descending = false;
    else
      errors.push_back({"order", "order must be one of: asc, desc, normal"});
  }
  if (r.before && !r.before->empty() && r.after && !r.after->empty())
    errors.push_back({"before", "give either before or after, not both"});
  if (errors.empty()) return out;
  return ValidationError(std::move(errors));
}

std::optional<int64_t> UlidTimeOf(const std::string& id) {
  static constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  if (id.size() < 26) return std::nullopt;
  const std::string ulid = id.substr(id.size() - 26);
  if (id.size() > 26 && id[id.size() - 27] != '_') return std::nullopt;
  int64_t t = 0;
  for (size_t i = 0; i < 10; ++i) {
    const char* p = std::char_traits<char>::find(kCrockford, 32, ulid[i]);
    if (!p) return std::nullopt;
    t = t * 32 + (p - kCrockford);
  }
  return t;
}

}  // namespace workos_mock
