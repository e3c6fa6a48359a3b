// Ids and tokens from the wire: every Registry lookup, link visits, code exchanges and session,
// connection, organization and access-token lookups by arbitrary strings, against one
// environment that holds a live session, code and token (so prefix/shape near-misses are hit).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "config/config.h"
#include "domain/clock.h"
#include "domain/environment.h"
#include "domain/registry.h"

using namespace workos_mock;

namespace {

struct World {
  ManualClock clock;
  Registry registry{clock, "http://mock"};
  std::shared_ptr<Environment> env;
  World() {
    ServerConfig config = DefaultConfig();
    auto added = registry.Add(config.environments.at(0));
    if (!added.ok()) __builtin_trap();
    env = added.value();
    CreateSessionRequest r;
    r.email = "ann@example.com";
    r.type = "MagicLink";
    auto s = env->CreateSession(r);
    if (!s.ok()) __builtin_trap();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* w = new World();
  std::string s(reinterpret_cast<const char*>(data), size);
  Registry& reg = w->registry;
  (void)reg.ByApiKey(s);
  (void)reg.ByClientId(s);
  (void)reg.ByName(s);
  (void)reg.ByLinkToken(s);
  (void)reg.ByAccessToken(s);
  (void)reg.ByPendingLogin(s);
  Environment& env = *w->env;
  (void)env.HasApiKey(s);
  (void)env.HasLinkToken(s);
  (void)env.VisitLink(s, "HEAD", s);
  (void)env.FindSession(s);
  (void)env.LinkStatus(s);
  (void)env.CodeExchanged(s);
  (void)env.ProfileForAccessToken(s);
  (void)env.HasPendingLogin(s);
  (void)env.FindConnection(s);
  (void)env.FindOrganization(s);
  (void)env.ResolveRedirectUri(s);
  if (env.idempotency().Begin(s, std::chrono::milliseconds(0)).kind ==
      IdempotencyStore::Claim::Kind::kOwner)
    env.idempotency().Finish(s, std::nullopt);
  TokenRequest t{env.client_id(), env.api_keys().at(0), "authorization_code", s, s};
  (void)env.ExchangeCode(t);
  return 0;
}
