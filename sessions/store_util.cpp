// Helpers shared by the store's .cpp files (declared in store_internal.h).
#include <ctime>
#include <random>

#include "sessions/sha256.h"
#include "sessions/store_internal.h"

namespace intern::sessions {

std::string Store::Impl::Now() const { return FormatTime(clock->Now()); }

std::string FormatTime(std::chrono::system_clock::time_point t) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  auto millis = since_epoch.count() % 1000;
  auto seconds = since_epoch.count() / 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  std::time_t as_time_t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&as_time_t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

std::string RandomId(std::string_view prefix) {
  // Crockford's alphabet without i, l, o, u: nothing to misread when typed from a terminal.
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int> pick(0, 31);
  std::string id(prefix);
  for (int i = 0; i < 8; ++i) id.push_back(kAlphabet[pick(generator)]);
  return id;
}

std::string JoinJsonArray(const std::vector<std::string>& items) {
  return nlohmann::json(items).dump();
}

std::vector<std::string> SplitJsonArray(const std::string& json_text) {
  return nlohmann::json::parse(json_text).get<std::vector<std::string>>();
}

std::string CanonicalJsonHash(const std::string& json_text) {
  nlohmann::json parsed = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Sha256Hex(json_text);
  // nlohmann's object type is an ordered std::map, so dump() writes keys sorted.
  return Sha256Hex(parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace intern::sessions
