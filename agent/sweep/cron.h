#pragma once
// CronSchedule — the 5-field schedule of `sweep.schedule` (DESIGN §10): minute, hour, day of
// month, month, day of week, each `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`,
// or a comma list of these. Day of week 0-7 (0 and 7 are Sunday). Names (JAN, MON) are not
// accepted. As in Vixie cron, when both day fields are restricted (neither starts with `*`), a
// day matches if either matches.
//
// Times are local wall-clock times in the process's time zone (TZ). Around daylight-saving
// changes:
//  - a wall time that does not exist (clocks go forward) does not fire that day;
//  - a wall time that occurs twice (clocks go back) fires once, at its first occurrence.
//
// Thread safety: a CronSchedule is an immutable value. NextAfter reads the time zone through
// localtime_r/mktime, so a test that changes TZ must not run it concurrently.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/result.h"

namespace intern::agent {

class CronSchedule {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Failure (kInvalidArgument), one sentence naming the field:
  //   "the schedule \"0 6 * *\" has 4 fields; cron needs 5: minute hour day-of-month month
  //    day-of-week, e.g. \"0 6 * * *\""
  //   "the schedule \"61 6 * * *\": minute value 61 is out of range 0-59"
  //   "the schedule \"0 6-2 * * *\": hour range 6-2 runs backwards"
  //   "the schedule \"x 6 * * *\": minute field \"x\" is not a number, range, step or list"
  static Result<CronSchedule> Parse(std::string_view text);

  // The first firing time strictly after `after`, to the minute; nullopt when none falls in the
  // next nine years (e.g. "0 0 30 2 *").
  std::optional<TimePoint> NextAfter(TimePoint after) const;

  const std::string& text() const { return text_; }

 private:
  bool DayMatches(int month_day, int month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> month_days_;  // 1-31
  std::bitset<13> months_;      // 1-12
  std::bitset<7> weekdays_;     // 0-6, Sunday 0
  bool month_day_star_ = false;
  bool weekday_star_ = false;
};

}  // namespace intern::agent
