#include "agent/sweep/cron.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <vector>

namespace intern::agent {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12},
    {"day-of-week", 0, 7}};

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t pos = text.find(sep, start);
    out.push_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

std::optional<int> Number(std::string_view s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// Sets the bits of one field; returns the failure sentence, or "" when it parsed.
std::string ParseField(std::string_view schedule, std::string_view field, const FieldSpec& spec,
                       std::vector<bool>& bits) {
  const std::string prefix = fmt::format("the schedule \"{}\": ", schedule);
  const std::string malformed = fmt::format("{}{} field \"{}\" is not a number, range, step or list",
                                            prefix, spec.name, field);
  for (std::string_view item : Split(field, ',')) {
    std::string_view range = item;
    int step = 1;
    if (std::size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      auto s = Number(item.substr(slash + 1));
      if (!s) return malformed;
      if (*s == 0) return fmt::format("{}{} step 0 never advances; use 1 or more", prefix, spec.name);
      step = *s;
    }
    int lo = spec.min;
    int hi = spec.max;
    if (range != "*") {
      std::size_t dash = range.find('-');
      auto a = Number(range.substr(0, dash));
      if (!a) return malformed;
      lo = *a;
      if (dash != std::string_view::npos) {
        auto b = Number(range.substr(dash + 1));
        if (!b) return malformed;
        hi = *b;
      } else if (item.find('/') == std::string_view::npos) {
        hi = lo;
      }
      for (int v : {lo, hi}) {
        if (v < spec.min || v > spec.max) {
          return fmt::format("{}{} value {} is out of range {}-{}", prefix, spec.name, v, spec.min,
                             spec.max);
        }
      }
      if (lo > hi) return fmt::format("{}{} range {}-{} runs backwards", prefix, spec.name, lo, hi);
    }
    for (int v = lo; v <= hi; v += step) bits[v] = true;
  }
  return "";
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
std::int64_t DaysFromCivil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

// The earliest instant whose local wall time is exactly this one; nullopt when the wall time
// does not exist (skipped by a daylight-saving change). mktime is asked under each DST
// assumption because which occurrence it picks for an ambiguous time is unspecified.
std::optional<std::time_t> EarliestInstant(const CivilDate& date, int hour, int minute) {
  std::optional<std::time_t> best;
  for (int isdst : {-1, 0, 1}) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(date.year - 1900);
    tm.tm_mon = date.month - 1;
    tm.tm_mday = date.day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_isdst = isdst;
    std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    std::tm back{};
    if (localtime_r(&t, &back) == nullptr) continue;
    if (back.tm_year != static_cast<int>(date.year - 1900) || back.tm_mon != date.month - 1 ||
        back.tm_mday != date.day || back.tm_hour != hour || back.tm_min != minute) {
      continue;
    }
    if (!best || t < *best) best = t;
  }
  return best;
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the schedule \"{}\" has {} fields; cron needs 5: minute hour "
                            "day-of-month month day-of-week, e.g. \"0 6 * * *\"",
                            text, fields.size()));
  }
  CronSchedule s;
  s.text_ = std::string(text);
  for (int f = 0; f < 5; ++f) {
    std::vector<bool> bits(kFields[f].max + 1, false);
    std::string error = ParseField(text, fields[f], kFields[f], bits);
    if (!error.empty()) return Fail(ErrorCode::kInvalidArgument, error);
    for (int v = kFields[f].min; v <= kFields[f].max; ++v) {
      if (!bits[v]) continue;
      switch (f) {
        case 0: s.minutes_.set(v); break;
        case 1: s.hours_.set(v); break;
        case 2: s.month_days_.set(v); break;
        case 3: s.months_.set(v); break;
        default: s.weekdays_.set(v % 7); break;
      }
    }
  }
  s.month_day_star_ = fields[2].front() == '*';
  s.weekday_star_ = fields[4].front() == '*';
  return s;
}

bool CronSchedule::DayMatches(int month_day, int month, int weekday) const {
  if (!months_.test(month)) return false;
  const bool dom = month_days_.test(month_day);
  const bool dow = weekdays_.test(weekday);
  if (month_day_star_ || weekday_star_) return dom && dow;
  return dom || dow;
}

std::optional<CronSchedule::TimePoint> CronSchedule::NextAfter(TimePoint after) const {
  const std::time_t after_t = std::chrono::system_clock::to_time_t(after);
  std::tm local{};
  if (localtime_r(&after_t, &local) == nullptr) return std::nullopt;
  // Start the day before: a wall time of the previous local date can still lie ahead of `after`
  // only around DST changes, and checking one extra day is cheap.
  const std::int64_t first_day =
      DaysFromCivil(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday) - 1;
  constexpr std::int64_t kSearchDays = 9 * 366 + 2;  // a Feb 29 can be eight years away
  for (std::int64_t day = first_day; day < first_day + kSearchDays; ++day) {
    const CivilDate date = CivilFromDays(day);
    const int weekday = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    if (!DayMatches(date.day, date.month, weekday)) continue;
    for (int h = 0; h < 24; ++h) {
      if (!hours_.test(h)) continue;
      for (int m = 0; m < 60; ++m) {
        if (!minutes_.test(m)) continue;
        std::optional<std::time_t> t = EarliestInstant(date, h, m);
        if (t && *t > after_t) return std::chrono::system_clock::from_time_t(*t);
      }
    }
  }
  return std::nullopt;
}

}  // namespace intern::agent
