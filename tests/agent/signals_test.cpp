#include "agent/signals.h"

#include <catch2/catch.hpp>
#include <csignal>

#include "config/error.h"

namespace intern::agent {
namespace {

void Ignore(int) {}

TEST_CASE("the first SIGINT asks to finish the step, the second to stop now", "[signals]") {
  InterruptGuard guard;
  CHECK(guard.level().load() == 0);
  std::raise(SIGINT);
  CHECK(guard.level().load() == 1);
  std::raise(SIGINT);
  CHECK(guard.level().load() == 2);
  std::raise(SIGINT);
  CHECK(guard.level().load() == 2);
}

TEST_CASE("SIGTERM asks to finish the step and never escalates", "[signals]") {
  InterruptGuard guard;
  std::raise(SIGTERM);
  CHECK(guard.level().load() == 1);
  std::raise(SIGTERM);
  CHECK(guard.level().load() == 1);
}

TEST_CASE("the guard restores the previous handlers and allows one guard at a time", "[signals]") {
  struct sigaction mine {};
  mine.sa_handler = Ignore;
  sigemptyset(&mine.sa_mask);
  struct sigaction saved_int {};
  struct sigaction saved_term {};
  sigaction(SIGINT, &mine, &saved_int);
  sigaction(SIGTERM, &mine, &saved_term);
  {
    InterruptGuard guard;
    struct sigaction now {};
    sigaction(SIGINT, nullptr, &now);
    CHECK(now.sa_handler != Ignore);
    CHECK_THROWS_WITH(InterruptGuard(), "an interrupt guard is already installed in this process");
  }
  struct sigaction after_int {};
  struct sigaction after_term {};
  sigaction(SIGINT, nullptr, &after_int);
  sigaction(SIGTERM, nullptr, &after_term);
  CHECK(after_int.sa_handler == Ignore);
  CHECK(after_term.sa_handler == Ignore);
  sigaction(SIGINT, &saved_int, nullptr);
  sigaction(SIGTERM, &saved_term, nullptr);
  InterruptGuard fresh;  // the first guard's destruction freed the slot
  CHECK(fresh.level().load() == 0);
}

}  // namespace
}  // namespace intern::agent
