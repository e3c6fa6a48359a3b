// The email-scanner rules of the domain: settings, allow-list matching, the "scanned" state, and
// what the scanner / SMTP delivery record on an outbox entry.
#include <catch2/catch.hpp>

#include "config/config.h"
#include "domain/environment.h"

using namespace workos_mock;

namespace {

EnvironmentConfig Seed() {
  EnvironmentConfig c;
  c.name = "scan";
  c.api_keys = {"sk_test_scan"};
  c.client_id = "client_scan";
  c.redirect_uris = {{"http://localhost:3000/callback", true}};
  return c;
}

ScannerSettings Allow(std::vector<std::string> list) {
  ScannerSettings s;
  s.mode = "prefetch";
  s.allowlist = std::move(list);
  return s;
}

struct Fixture {
  ManualClock clock;
  Environment env{Seed(), clock, "http://mock"};
  std::pair<PasswordlessSession, Email> Sent(const std::string& email = "ann@corp.com") {
    CreateSessionRequest r;
    r.email = email;
    r.type = "MagicLink";
    auto s = env.CreateSession(r);
    REQUIRE(s.ok());
    auto e = env.SendSession(s.value().id);
    REQUIRE(e.ok());
    return {s.value(), e.value()};
  }
};

}  // namespace

TEST_CASE("scanner allow-list: an address or a domain, case-insensitive, subdomains included",
          "[scanner]") {
  CHECK(Environment::ScannerAllowlisted(Allow({"trusted.com"}), "ann@trusted.com"));
  CHECK(Environment::ScannerAllowlisted(Allow({"trusted.com"}), "Ann@TRUSTED.com"));
  CHECK(Environment::ScannerAllowlisted(Allow({"TRUSTED.COM"}), "ann@mail.trusted.com"));
  CHECK(Environment::ScannerAllowlisted(Allow({"@trusted.com"}), "ann@trusted.com"));
  CHECK_FALSE(Environment::ScannerAllowlisted(Allow({"trusted.com"}), "ann@untrusted.com"));
  CHECK_FALSE(Environment::ScannerAllowlisted(Allow({"trusted.com"}), "ann@trusted.com.evil.io"));
  CHECK(Environment::ScannerAllowlisted(Allow({"ceo@x.com"}), "CEO@X.com"));
  CHECK_FALSE(Environment::ScannerAllowlisted(Allow({"ceo@x.com"}), "cfo@x.com"));
  CHECK_FALSE(Environment::ScannerAllowlisted(Allow({}), "ann@trusted.com"));
}

TEST_CASE("scanner settings: validated, kept lower case, reset to the seed", "[scanner]") {
  Fixture f;
  CHECK(f.env.scanner().mode == "off");
  ScannerSettings bad;
  bad.mode = "sniff";
  bad.delay_ms = -1;
  bad.allowlist = {"ok.com", ""};
  auto refused = f.env.SetScanner(bad);
  REQUIRE_FALSE(refused.ok());
  REQUIRE(refused.error().errors.size() == 3);
  CHECK(refused.error().errors[0].field == "mode");
  CHECK(refused.error().errors[1].field == "delay_ms");
  CHECK(refused.error().errors[2].field == "allowlist[1]");
  CHECK(f.env.scanner().mode == "off");

  ScannerSettings good = Allow({"Trusted.COM", "CEO@X.com"});
  good.mode = "prefetch_follow";
  good.delay_ms = 250;
  auto set = f.env.SetScanner(good);
  REQUIRE(set.ok());
  CHECK(f.env.scanner().mode == "prefetch_follow");
  CHECK(f.env.scanner().delay_ms == 250);
  CHECK(f.env.scanner().allowlist == std::vector<std::string>{"trusted.com", "ceo@x.com"});
  for (const char* mode : {"off", "prefetch", "prefetch_follow", "head"}) {
    ScannerSettings s;
    s.mode = mode;
    CHECK(f.env.SetScanner(s).ok());
  }
  f.env.Reset();
  CHECK(f.env.scanner().mode == "off");
}

TEST_CASE("a link first consumed by the scanner is 'scanned'; by a person, 'confirmed'",
          "[scanner]") {
  Fixture f;
  auto [scanned, mail1] = f.Sent("a@corp.com");
  CHECK(f.env.LinkStatus(scanned.id) == "unused");
  // In a HEAD-safe environment a HEAD from the scanner changes nothing...
  EnvironmentSettings head_safe;
  head_safe.head_consumes_links = false;
  f.env.SetSettings(head_safe);
  f.env.VisitLink(scanned.token, "HEAD", kScannerUserAgent);
  CHECK(f.env.SessionState(*f.env.FindSession(scanned.id)) == "sent");
  f.env.VisitLink(scanned.token, "GET", kScannerUserAgent);
  auto user = f.env.VisitLink(scanned.token, "GET", "Mozilla/5.0 (X11; Linux) Chrome/120");
  CHECK(user->kind == LinkVisitOutcome::Kind::kUsed);
  CHECK(f.env.SessionState(*f.env.FindSession(scanned.id)) == "scanned");
  CHECK(f.env.LinkStatus(scanned.id) == "scanned");

  auto [clicked, mail2] = f.Sent("b@corp.com");
  f.env.VisitLink(clicked.token, "GET", "Mozilla/5.0 (X11; Linux) Chrome/120");
  f.env.VisitLink(clicked.token, "GET", kScannerUserAgent);
  CHECK(f.env.SessionState(*f.env.FindSession(clicked.id)) == "confirmed");
  CHECK(f.env.LinkStatus(clicked.id) == "used");

  // ...by default (like live) it consumes the link as a GET does.
  f.env.SetSettings(EnvironmentSettings{});
  auto [headed, mail4] = f.Sent("d@corp.com");
  CHECK(f.env.VisitLink(headed.token, "HEAD", kScannerUserAgent)->kind ==
        LinkVisitOutcome::Kind::kRedirect);
  CHECK(f.env.SessionState(*f.env.FindSession(headed.id)) == "scanned");
  CHECK(f.env.LinkStatus(headed.id) == "scanned");

  auto [late, mail3] = f.Sent("c@corp.com");
  f.clock.AdvanceMs(901 * 1000);
  CHECK(f.env.LinkStatus(late.id) == "expired");
  CHECK(f.env.LinkStatus("passwordless_session_unknown") == "expired");
}

TEST_CASE("scan and delivery results are recorded on the outbox entry", "[scanner][smtp]") {
  Fixture f;
  auto [session, mail] = f.Sent();
  CHECK_FALSE(f.env.Outbox("")[0].scanner);
  CHECK_FALSE(f.env.Outbox("")[0].delivery);
  CHECK(f.env.RecordScan(mail.id, {f.env.NowMs(), "prefetch", "consumed", "302"}));
  CHECK(f.env.RecordDelivery(mail.id, {"failed", "Couldn't connect to server", f.env.NowMs()}));
  const Email e = f.env.Outbox("")[0];
  REQUIRE(e.scanner);
  CHECK(e.scanner->outcome == "consumed");
  CHECK(e.scanner->mode == "prefetch");
  REQUIRE(e.delivery);
  CHECK(e.delivery->status == "failed");
  CHECK(e.delivery->error == "Couldn't connect to server");
  CHECK_FALSE(f.env.RecordScan("email_unknown", {}));
  CHECK_FALSE(f.env.RecordDelivery("email_unknown", {}));
}

TEST_CASE("config: scanner and smtp_url keys, with errors that name the key", "[scanner][config]") {
  auto env = [](const std::string& extra) {
    return R"({"environments":[{"name":"e","api_keys":["sk_test_e"],"client_id":"client_e",)" +
           extra + "}]}";
  };
  ServerConfig c =
      ParseConfig(env(R"("scanner":{"mode":"head","allowlist":["Trusted.com"],"delay_ms":5},)"
                      R"("smtp_url":"smtp://127.0.0.1:2525")"),
                  "t.json");
  CHECK(c.environments[0].scanner.mode == "head");
  CHECK(c.environments[0].scanner.allowlist == std::vector<std::string>{"trusted.com"});
  CHECK(c.environments[0].scanner.delay_ms == 5);
  CHECK(c.environments[0].smtp_url == "smtp://127.0.0.1:2525");
  CHECK(DefaultConfig().environments[0].scanner.mode == "off");
  CHECK(DefaultConfig().environments[0].smtp_url.empty());

  auto error_of = [&](const std::string& extra) -> std::string {
    try {
      ParseConfig(env(extra), "t.json");
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of(R"("scanner":{"mode":"sniff"})").find("environments[0].scanner.mode") !=
        std::string::npos);
  CHECK(error_of(R"("scanner":{"mode":"head","allow":[]})").find("scanner.allow: unknown key") !=
        std::string::npos);
  CHECK(error_of(R"("scanner":{"delay_ms":1.5})").find("scanner.delay_ms") != std::string::npos);
  CHECK(error_of(R"("smtp_url":"http://x")").find("environments[0].smtp_url") != std::string::npos);
  CHECK(ParseScanner(R"({"mode":"prefetch"})", "body").mode == "prefetch");
}
