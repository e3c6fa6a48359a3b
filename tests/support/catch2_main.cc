// Catch2 v2's implementation and main(), compiled once per build for every Catch2 test program
// (the top-level CMakeLists.txt builds it unoptimised: it is the slowest translation unit here).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
