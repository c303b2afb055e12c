#include "config/duration.h"

#include <catch2/catch.hpp>

namespace intern::config {
namespace {

using std::chrono::milliseconds;

TEST_CASE("durations parse from units, combinations and bare seconds") {
  CHECK(ParseDuration("250ms") == milliseconds(250));
  CHECK(ParseDuration("30s") == milliseconds(30'000));
  CHECK(ParseDuration("5m") == milliseconds(300'000));
  CHECK(ParseDuration("1h30m") == milliseconds(5'400'000));
  CHECK(ParseDuration("7d") == milliseconds(604'800'000));
  CHECK(ParseDuration("90") == milliseconds(90'000));
  CHECK(ParseDuration("0.5") == milliseconds(500));
  CHECK(ParseDuration("0") == milliseconds(0));
}

TEST_CASE("durations reject unknown units, signs, spaces, empty text and overflow") {
  CHECK_FALSE(ParseDuration(""));
  CHECK_FALSE(ParseDuration("5 minutes"));
  CHECK_FALSE(ParseDuration("5w"));
  CHECK_FALSE(ParseDuration("-5s"));
  CHECK_FALSE(ParseDuration("s"));
  CHECK_FALSE(ParseDuration("1.5h"));
  CHECK_FALSE(ParseDuration("99999999999999999999d"));
  CHECK_FALSE(ParseDuration("9999999999999d"));
}

TEST_CASE("durations format largest units first and parse back to the same value") {
  CHECK(FormatDuration(milliseconds(0)) == "0s");
  CHECK(FormatDuration(milliseconds(90'000)) == "1m30s");
  CHECK(FormatDuration(milliseconds(604'800'000)) == "7d");
  CHECK(FormatDuration(milliseconds(1'500)) == "1s500ms");
  for (std::int64_t ms : {1LL, 999LL, 1000LL, 61'001LL, 86'400'001LL, 123'456'789LL}) {
    CHECK(ParseDuration(FormatDuration(milliseconds(ms))) == milliseconds(ms));
  }
}

}  // namespace
}  // namespace intern::config
