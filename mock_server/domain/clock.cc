#include "domain/clock.h"

#include <chrono>

namespace workos_mock {

int64_t SystemClock::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace workos_mock
