// Reading a domain Result in tests: the error of a call that must have failed.
#pragma once

#include <catch2/catch.hpp>

#include "domain/errors.h"

namespace workos_mock::testing {

// The error of `r`, after REQUIRE-ing that the call failed: a success fails the test case here
// (with the line of the call) instead of aborting in Result::error().
template <typename T>
Error ErrorOf(const Result<T>& r) {
  REQUIRE_FALSE(r.ok());
  return r.error();
}

}  // namespace workos_mock::testing
