#include "config/duration.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace intern::config {
namespace {

constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max() / 4;

std::optional<std::int64_t> UnitMs(std::string_view unit) {
  if (unit == "ms") return 1;
  if (unit == "s") return 1000;
  if (unit == "m") return 60'000;
  if (unit == "h") return 3'600'000;
  if (unit == "d") return 86'400'000;
  return std::nullopt;
}

// A bare number: seconds, possibly fractional ("0.5").
std::optional<std::chrono::milliseconds> ParseSeconds(std::string_view text) {
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return std::nullopt;
  }
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  double ms = std::round(seconds * 1000.0);
  if (!(ms >= 0) || ms > static_cast<double>(kMaxMs)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto bare = ParseSeconds(text)) return bare;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t digits_end = i;
    while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end])))
      ++digits_end;
    std::size_t unit_end = digits_end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    if (digits_end == i || unit_end == digits_end) return std::nullopt;
    std::int64_t count = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + digits_end, count);
    if (ec != std::errc() || end != text.data() + digits_end) return std::nullopt;
    auto unit = UnitMs(text.substr(digits_end, unit_end - digits_end));
    if (!unit || count > (kMaxMs - total) / *unit) return std::nullopt;
    total += count * *unit;
    i = unit_end;
  }
  return std::chrono::milliseconds(total);
}

std::string FormatDuration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  if (ms <= 0) return "0s";
  static constexpr struct {
    const char* name;
    std::int64_t ms;
  } kUnits[] = {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  std::string out;
  for (const auto& unit : kUnits) {
    if (ms >= unit.ms) {
      out += std::to_string(ms / unit.ms) + unit.name;
      ms %= unit.ms;
    }
  }
  return out;
}

}  // namespace intern::config
