// Cron parsing and next firing times (agent/sweep/cron.h), table-tested in named time zones.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "agent/sweep/candidates.h"
#include "agent/sweep/cron.h"

namespace intern::agent {
namespace {

// Sets TZ for the life of the guard (the zone is process-wide, so these tests are not run
// concurrently with others that read local time).
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

std::chrono::system_clock::time_point Utc(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  REQUIRE(t.has_value());
  return *t;
}

std::string UtcText(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Next(const std::string& schedule, const std::string& after) {
  auto s = CronSchedule::Parse(schedule);
  REQUIRE(s.ok());
  auto next = s->NextAfter(Utc(after));
  return next ? UtcText(*next) : "never";
}

TEST_CASE("cron next firing times in UTC cover steps, ranges, lists, month ends and Feb 29") {
  ScopedTimeZone tz("UTC");
  struct Row {
    const char* schedule;
    const char* after;
    const char* next;
  };
  const Row rows[] = {
      {"0 6 * * *", "2026-01-01T00:00:00Z", "2026-01-01T06:00:00Z"},
      {"0 6 * * *", "2026-01-01T06:00:00Z", "2026-01-02T06:00:00Z"},  // strictly after
      {"0 6 * * *", "2026-01-01T05:59:59Z", "2026-01-01T06:00:00Z"},
      {"*/15 * * * *", "2026-01-01T10:07:00Z", "2026-01-01T10:15:00Z"},
      {"*/15 * * * *", "2026-01-01T10:45:00Z", "2026-01-01T11:00:00Z"},
      {"5-10/2 * * * *", "2026-01-01T10:07:30Z", "2026-01-01T10:09:00Z"},
      {"5-10/2 * * * *", "2026-01-01T10:09:00Z", "2026-01-01T11:05:00Z"},
      {"0 9,13,17 * * *", "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z"},
      {"0 9-17 * * 1-5", "2026-01-02T17:30:00Z", "2026-01-05T09:00:00Z"},  // Fri -> Mon
      {"30 2 * * 0", "2026-01-01T00:00:00Z", "2026-01-04T02:30:00Z"},      // Sunday as 0
      {"30 2 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T02:30:00Z"},      // Sunday as 7
      {"0 0 31 * *", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z"},      // Feb has none
      {"0 0 30 * *", "2026-01-30T12:00:00Z", "2026-03-30T00:00:00Z"},
      {"0 0 1 */3 *", "2026-01-15T00:00:00Z", "2026-04-01T00:00:00Z"},
      {"0 0 29 2 *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z"},      // next leap day
      {"0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},      // 2100 is no leap year
      {"0 12 13 * 5", "2026-01-01T00:00:00Z", "2026-01-02T12:00:00Z"},     // 13th OR Friday
      {"0 12 13 * *", "2026-01-01T00:00:00Z", "2026-01-13T12:00:00Z"},
      {"59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"},   // year end
      {"0 0 30 2 *", "2026-01-01T00:00:00Z", "never"},
  };
  for (const Row& row : rows) {
    INFO(row.schedule << " after " << row.after);
    CHECK(Next(row.schedule, row.after) == row.next);
  }
}

TEST_CASE("cron in Europe/Berlin skips wall times clocks jump over and fires once when they repeat") {
  ScopedTimeZone tz("Europe/Berlin");
  struct Row {
    const char* schedule;
    const char* after;
    const char* next;
  };
  const Row rows[] = {
      // Winter: 06:00 CET is 05:00Z; summer: 06:00 CEST is 04:00Z.
      {"0 6 * * *", "2026-01-01T00:00:00Z", "2026-01-01T05:00:00Z"},
      {"0 6 * * *", "2026-07-01T00:00:00Z", "2026-07-01T04:00:00Z"},
      // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
      {"30 2 * * *", "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z"},
      {"0 3 * * *", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"},
      // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice, fires at the first.
      {"30 2 * * *", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"},
      {"30 2 * * *", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},  // not again at 01:30Z
      {"0 6 * * *", "2026-10-24T12:00:00Z", "2026-10-25T05:00:00Z"},
  };
  for (const Row& row : rows) {
    INFO(row.schedule << " after " << row.after);
    CHECK(Next(row.schedule, row.after) == row.next);
  }
}

TEST_CASE("cron in America/New_York follows its own DST dates") {
  ScopedTimeZone tz("America/New_York");
  // 2026-03-08 02:00 EST jumps to 03:00 EDT.
  CHECK(Next("0 6 * * *", "2026-03-07T12:00:00Z") == "2026-03-08T10:00:00Z");
  CHECK(Next("0 6 * * *", "2026-03-06T12:00:00Z") == "2026-03-07T11:00:00Z");
  CHECK(Next("15 2 * * *", "2026-03-07T12:00:00Z") == "2026-03-09T06:15:00Z");
}

TEST_CASE("a malformed cron schedule is refused with one sentence naming the field") {
  struct Row {
    const char* schedule;
    const char* sentence;
  };
  const Row rows[] = {
      {"0 6 * *",
       "the schedule \"0 6 * *\" has 4 fields; cron needs 5: minute hour day-of-month month "
       "day-of-week, e.g. \"0 6 * * *\""},
      {"", "the schedule \"\" has 0 fields; cron needs 5: minute hour day-of-month month "
           "day-of-week, e.g. \"0 6 * * *\""},
      {"61 6 * * *", "the schedule \"61 6 * * *\": minute value 61 is out of range 0-59"},
      {"0 24 * * *", "the schedule \"0 24 * * *\": hour value 24 is out of range 0-23"},
      {"0 6 0 * *", "the schedule \"0 6 0 * *\": day-of-month value 0 is out of range 1-31"},
      {"0 6 * 13 *", "the schedule \"0 6 * 13 *\": month value 13 is out of range 1-12"},
      {"0 6 * * 8", "the schedule \"0 6 * * 8\": day-of-week value 8 is out of range 0-7"},
      {"0 6-2 * * *", "the schedule \"0 6-2 * * *\": hour range 6-2 runs backwards"},
      {"*/0 * * * *", "the schedule \"*/0 * * * *\": minute step 0 never advances; use 1 or more"},
      {"x 6 * * *",
       "the schedule \"x 6 * * *\": minute field \"x\" is not a number, range, step or list"},
      {"0 6 * JAN *",
       "the schedule \"0 6 * JAN *\": month field \"JAN\" is not a number, range, step or list"},
      {"1,,2 * * * *",
       "the schedule \"1,,2 * * * *\": minute field \"1,,2\" is not a number, range, step or list"},
  };
  for (const Row& row : rows) {
    INFO(row.schedule);
    auto parsed = CronSchedule::Parse(row.schedule);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.code() == ErrorCode::kInvalidArgument);
    CHECK(parsed.message() == row.sentence);
  }
}

TEST_CASE("a cron schedule keeps its text and accepts tabs and runs of spaces between fields") {
  auto parsed = CronSchedule::Parse("0\t6  * * *");
  REQUIRE(parsed.ok());
  CHECK(parsed->text() == "0\t6  * * *");
  ScopedTimeZone tz("UTC");
  CHECK(UtcText(*parsed->NextAfter(Utc("2026-01-01T00:00:00Z"))) == "2026-01-01T06:00:00Z");
}

}  // namespace
}  // namespace intern::agent
