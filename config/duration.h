#pragma once
// Durations as people write them in config files and flags: "30s", "5m", "1h30m", "7d", "250ms",
// or a bare number of seconds ("90", "0.5"). Used by config keys of type duration and by
// commands that take one (`intern sweep --since 7d`).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace intern::config {

// Parses `text` (components <integer><unit> with units ms, s, m, h, d, in any order and
// repeatable, or one bare non-negative number of seconds). Returns nullopt on anything else,
// on negative values and on overflow.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The canonical spelling, largest units first: 90000ms -> "1m30s", 0 -> "0s".
// ParseDuration(FormatDuration(d)) == d for every non-negative d.
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace intern::config
