// Formatting, parsing and checking of config values (registry.h).
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "config/duration.h"
#include "config/registry.h"

namespace intern::config {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string FormatDouble(double d) {
  std::string text = fmt::format("{}", d);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// A range bound as the key's users write it.
std::string FormatBound(KeyType type, double bound) {
  switch (type) {
    case KeyType::kDuration:
      return FormatDuration(std::chrono::milliseconds(static_cast<std::int64_t>(bound)));
    case KeyType::kInt:
      return fmt::format("{}", static_cast<std::int64_t>(bound));
    default:
      return fmt::format("{}", bound);
  }
}

// The value as a number for range checks, and as the "(got ...)" of the sentence.
std::pair<double, std::string> Numeric(const Value& value) {
  if (auto* i = std::get_if<std::int64_t>(&value))
    return {static_cast<double>(*i), fmt::format("{}", *i)};
  if (auto* d = std::get_if<double>(&value)) return {*d, fmt::format("{}", *d)};
  auto ms = std::get<std::chrono::milliseconds>(value);
  return {static_cast<double>(ms.count()), FormatDuration(ms)};
}

std::string Trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

Result<Value> ParseList(std::string_view text) {
  std::string trimmed = Trim(text);
  std::vector<std::string> items;
  if (trimmed.starts_with('[')) {
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + trimmed);
    } catch (const toml::parse_error&) {
      // Reported below like any other malformed list.
    }
    const toml::array* array = parsed["v"].as_array();
    if (array && (array->empty() || array->is_homogeneous<std::string>())) {
      for (const toml::node& item : *array) items.push_back(item.value_or(std::string()));
      return Value(std::move(items));
    }
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("must be a list like [\"a\", \"b\"] or a,b (got {})", Quote(text)));
  }
  std::size_t start = 0;
  while (start <= trimmed.size()) {
    auto comma = trimmed.find(',', start);
    if (comma == std::string::npos) comma = trimmed.size();
    std::string item = Trim(std::string_view(trimmed).substr(start, comma - start));
    if (!item.empty()) items.push_back(std::move(item));
    start = comma + 1;
  }
  return Value(std::move(items));
}

}  // namespace

std::string FormatValue(const Value& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return fmt::format("{}", i); }
    std::string operator()(double d) const { return FormatDouble(d); }
    std::string operator()(const std::string& s) const { return Quote(s); }
    std::string operator()(const std::vector<std::string>& list) const {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + Quote(list[i]);
      return out + "]";
    }
    std::string operator()(std::chrono::milliseconds ms) const { return Quote(FormatDuration(ms)); }
  };
  return std::visit(Visitor{}, value);
}

std::string ExpectedPhrase(KeyType type) {
  switch (type) {
    case KeyType::kString:
    case KeyType::kPath:
    case KeyType::kUrl:
      return "a string";
    case KeyType::kInt:
      return "an integer";
    case KeyType::kDouble:
      return "a number";
    case KeyType::kBool:
      return "a boolean";
    case KeyType::kStringList:
      return "an array of strings";
    case KeyType::kDuration:
      return "a duration like \"30s\" or \"5m\" or a number of seconds";
  }
  return "a value";
}

std::optional<std::string> CheckValue(const KeySpec& spec, const Value& value) {
  if (spec.type == KeyType::kUrl) {
    const std::string& url = std::get<std::string>(value);
    bool ok = (url.starts_with("http://") && url.size() > 7) ||
              (url.starts_with("https://") && url.size() > 8);
    if (!ok) return fmt::format("must be an http:// or https:// URL (got {})", Quote(url));
  }
  if (!spec.allowed.empty()) {
    const std::string& text = std::get<std::string>(value);
    if (std::find(spec.allowed.begin(), spec.allowed.end(), text) == spec.allowed.end()) {
      std::string choices;
      for (const std::string& a : spec.allowed) choices += (choices.empty() ? "" : ", ") + Quote(a);
      return fmt::format("must be one of {} (got {})", choices, Quote(text));
    }
  }
  if (spec.min || spec.max) {
    auto [number, shown] = Numeric(value);
    if ((spec.min && number < *spec.min) || (spec.max && number > *spec.max)) {
      return fmt::format("must be between {} and {} (got {})", FormatBound(spec.type, *spec.min),
                         FormatBound(spec.type, *spec.max), shown);
    }
  }
  if (spec.check) return spec.check(value);
  return std::nullopt;
}

Result<Value> ParseText(const KeySpec& spec, std::string_view text) {
  auto invalid = [&](std::string_view expected) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("must be {} (got {})", expected, Quote(text)));
  };
  std::string trimmed = Trim(text);
  const char* begin = trimmed.data();
  const char* end = trimmed.data() + trimmed.size();
  switch (spec.type) {
    case KeyType::kString:
    case KeyType::kPath:
    case KeyType::kUrl:
      return Value(std::string(text));
    case KeyType::kInt: {
      std::int64_t i = 0;
      auto [ptr, ec] = std::from_chars(begin, end, i);
      if (trimmed.empty() || ec != std::errc() || ptr != end) return invalid("an integer");
      return Value(i);
    }
    case KeyType::kDouble: {
      double d = 0;
      auto [ptr, ec] = std::from_chars(begin, end, d);
      if (trimmed.empty() || ec != std::errc() || ptr != end || !std::isfinite(d))
        return invalid("a number");
      return Value(d);
    }
    case KeyType::kBool: {
      std::string lower;
      for (char c : trimmed)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return Value(true);
      if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return Value(false);
      return invalid("true or false");
    }
    case KeyType::kStringList:
      return ParseList(text);
    case KeyType::kDuration: {
      auto d = ParseDuration(trimmed);
      if (!d) return invalid("a duration like \"30s\" or \"5m\" or a number of seconds");
      return Value(*d);
    }
  }
  return invalid("a value");
}

}  // namespace intern::config
