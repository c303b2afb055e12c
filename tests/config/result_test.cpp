#include "config/result.h"

#include <catch2/catch.hpp>

#include "config/clock.h"

namespace intern {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Fail(ErrorCode::kInvalidArgument, "odd number");
  return n / 2;
}

TEST_CASE("a Result carries either a value or a failure with its code and message") {
  Result<int> ok = Half(4);
  REQUIRE(ok.ok());
  CHECK(*ok == 2);
  Result<int> bad = Half(3);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == ErrorCode::kInvalidArgument);
  CHECK(bad.message() == "odd number");
  CHECK(std::string(ErrorCodeName(bad.code())) == "invalid_argument");
}

TEST_CASE("value() of a failed Result throws intern::Error with the failure's message") {
  Result<int> bad = Half(5);
  CHECK_THROWS_WITH(bad.value(), "odd number");
}

TEST_CASE("a default Status is ok and a failed one keeps its failure") {
  Status s;
  CHECK(s.ok());
  Status f = Fail(ErrorCode::kTimeout, "idle deadline of 30s passed");
  CHECK_FALSE(f.ok());
  CHECK(f.code() == ErrorCode::kTimeout);
}

TEST_CASE("FakeClock advances on Sleep and records each requested duration") {
  FakeClock clock;
  auto t0 = clock.Now();
  auto m0 = clock.Monotonic();
  clock.Sleep(std::chrono::milliseconds(2000));
  clock.Sleep(std::chrono::milliseconds(500));
  CHECK(clock.Now() - t0 == std::chrono::milliseconds(2500));
  CHECK(clock.Monotonic() - m0 == std::chrono::milliseconds(2500));
  CHECK(clock.sleeps() == std::vector<Clock::Duration>{std::chrono::milliseconds(2000),
                                                       std::chrono::milliseconds(500)});
}

}  // namespace
}  // namespace intern
