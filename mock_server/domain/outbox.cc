#include "domain/outbox.h"

#include <algorithm>

#include "domain/limits.h"
#include "domain/text.h"

namespace workos_mock {

void Outbox::Add(Email email) {
  entries_.push_front(std::make_shared<const Email>(std::move(email)));
  if (entries_.size() > kMaxOutbox) entries_.pop_back();
}

std::vector<Email> Outbox::To(const std::string& to) const {
  std::vector<Email> out;
  const std::string want = Lower(to);
  for (const auto& e : entries_)
    if (want.empty() || Lower(e->to) == want) out.push_back(*e);
  return out;
}

std::optional<Email> Outbox::LatestTo(const std::string& to) const {
  const std::string want = Lower(to);
  for (const auto& e : entries_)
    if (want.empty() || Lower(e->to) == want) return *e;
  return std::nullopt;
}

bool Outbox::Update(const std::string& id, const std::function<void(Email&)>& change) {
  for (auto& e : entries_) {
    if (e->id == id) {
      auto copy = std::make_shared<Email>(*e);  // a snapshot may still hold the old one
      change(*copy);
      e = std::move(copy);
      return true;
    }
  }
  return false;
}

size_t Outbox::DropOrphans(const std::function<bool(const std::string&)>& keep_session) {
  const size_t before = entries_.size();
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) { return !keep_session(e->session_id); }),
                 entries_.end());
  return before - entries_.size();
}

}  // namespace workos_mock
