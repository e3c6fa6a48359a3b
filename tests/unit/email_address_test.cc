// The one email-address check (domain/email_address.h): a magic link's recipient, an SSO
// login_hint and the address typed on the interactive IdP page all go through it.
#include <catch2/catch.hpp>

#include <string>

#include "domain/email_address.h"
#include "domain/expiry.h"
#include "domain/magic_link.h"

using namespace workos_mock;

TEST_CASE("email: plausible addresses pass", "[email]") {
  CHECK(IsPlausibleEmail("ann@example.com"));
  CHECK(IsPlausibleEmail("Ann.Lee+tag@Mail.Example.co.uk"));
  CHECK(IsPlausibleEmail("a@b.c"));
  CHECK(IsPlausibleEmail(std::string(300, 'a') + "@example.com"));  // 312 bytes
}

TEST_CASE("email: garbage is refused, the same for every caller", "[email]") {
  CHECK_FALSE(IsPlausibleEmail(""));
  CHECK_FALSE(IsPlausibleEmail("ann"));
  CHECK_FALSE(IsPlausibleEmail("@example.com"));
  CHECK_FALSE(IsPlausibleEmail("ann@"));
  CHECK_FALSE(IsPlausibleEmail("ann@example"));
  CHECK_FALSE(IsPlausibleEmail("ann@@example.com"));
  CHECK_FALSE(IsPlausibleEmail("ann@b@example.com"));
  CHECK_FALSE(IsPlausibleEmail("ann@.example.com"));
  CHECK_FALSE(IsPlausibleEmail("ann@example.com."));
  CHECK_FALSE(IsPlausibleEmail("ann@example..com"));
  CHECK_FALSE(IsPlausibleEmail(std::string(310, 'a') + "@example.com"));  // 322 bytes
  // The characters the two former checks disagreed on are refused by the one check.
  for (const char* bad :
       {"a nn@example.com", "ann@exa\tmple.com", "<ann@example.com>", "\"ann\"@example.com",
        "ann@example.com,bob@example.com", "ann@example.com;", "ann\x7f@example.com"})
    CHECK_FALSE(IsPlausibleEmail(bad));
}

TEST_CASE("email: the domain part, lower case", "[email]") {
  CHECK(EmailDomain("Ann@Example.COM") == "example.com");
  CHECK(EmailDomain("no-at-sign") == "");
}

TEST_CASE("expiry: an entry is expired from its expires_ms on", "[expiry]") {
  CHECK_FALSE(Expired(999, 1000));
  CHECK(Expired(1000, 1000));
  CHECK(Expired(1001, 1000));
}

TEST_CASE("magic link: one URL shape", "[link]") {
  CHECK(MagicLinkUrl("http://127.0.0.1:4400", "tok123") ==
        "http://127.0.0.1:4400/passwordless/tok123/confirm");
}
