#include "domain/email_address.h"

#include "domain/text.h"

namespace workos_mock {

bool IsPlausibleEmail(const std::string& email) {
  if (email.size() > 320) return false;
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos)
    return false;
  std::string domain = email.substr(at + 1);
  if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string::npos || domain.find("..") != std::string::npos)
    return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
      return false;
  return true;
}

std::string EmailDomain(const std::string& email) {
  const auto at = email.rfind('@');
  return at == std::string::npos ? "" : Lower(email.substr(at + 1));
}

}  // namespace workos_mock
