// Result<T>: reading the side that is not there aborts (errors.h), so a check that forgot ok()
// cannot pass by reading an empty optional.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <functional>
#include <string>

#include "domain/errors.h"

using namespace workos_mock;

namespace {

// Runs `f` in a child process; its wait status.
int StatusOfChild(const std::function<void()>& f) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not Catch2's handler, which would report from the child
    if (FILE* null = std::freopen("/dev/null", "w", stderr)) (void)null;  // the abort message
    f();
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return status;
}

bool Aborted(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT; }

}  // namespace

TEST_CASE("Result: error() of a success and value() of an error abort", "[result]") {
  const Result<std::string> success(std::string("v"));
  const Result<std::string> failure(Error{ErrorKind::kNotFound, "gone", {}});
  REQUIRE(success.ok());
  REQUIRE_FALSE(failure.ok());
  CHECK(success.value() == "v");
  CHECK(failure.error().kind == ErrorKind::kNotFound);

  CHECK(Aborted(StatusOfChild([&] { (void)success.error(); })));
  CHECK(Aborted(StatusOfChild([&] { (void)failure.value(); })));
  // The harness itself: a child that reads the present side exits normally.
  const int fine = StatusOfChild([&] { (void)success.value(); });
  CHECK((WIFEXITED(fine) && WEXITSTATUS(fine) == 0));
}
