// Catch2 main for workos_client_tests. Every test talks to a real workos-mock
// (tests/mock_server.h).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
