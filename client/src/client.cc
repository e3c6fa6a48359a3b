#include "workos/client.h"

namespace workos {

Client::Client(Config config)
    : transport_(std::make_shared<Transport>(std::move(config))),
      passwordless_(transport_),
      sso_(transport_),
      connections_(transport_),
      organizations_(transport_),
      mock_(transport_) {}

}  // namespace workos
