#include "agent/canonical_json.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace intern::agent {
namespace {

using nlohmann::json;

// Integral floats become integers so 1.0 and 1 hash alike; the rest keep their value.
void Normalise(json& j) {
  if (j.is_object() || j.is_array()) {
    for (auto& item : j) Normalise(item);
  } else if (j.is_number_float()) {
    double d = j.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      j = static_cast<std::int64_t>(d);
    }
  } else if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      j = static_cast<std::int64_t>(u);
    }
  }
}

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string CanonicalJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::string(Trim(text));
  Normalise(j);
  // nlohmann::json keeps object keys in a std::map, so dump() already sorts them.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::uint64_t StableHash(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::uint64_t CanonicalJsonHash(std::string_view text) { return StableHash(CanonicalJson(text)); }

}  // namespace intern::agent
