#include "agent/loop_state.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "agent/message_json.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string Rfc3339Utc(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::string LoopStateToJson(const LoopState& s) {
  return Dump(json{{"escalation", json::parse(EscalationStateToJson(s.escalation))},
                   {"final_turn_taken", s.final_turn_taken},
                   {"pending_guard", s.pending_guard},
                   {"pending_replan", s.pending_replan},
                   {"replace_bodies_before", s.replace_bodies_before}});
}

LoopState LoopStateFromJson(const std::string& text) {
  LoopState s;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return s;
  if (j.contains("escalation")) {
    auto e = EscalationStateFromJson(Dump(j["escalation"]));
    if (e.ok()) s.escalation = e.value();
  }
  s.final_turn_taken = j.value("final_turn_taken", false);
  s.pending_guard = j.value("pending_guard", "");
  s.pending_replan = j.value("pending_replan", "");
  s.replace_bodies_before = j.value("replace_bodies_before", std::int64_t{0});
  return s;
}

std::string PendingResponseJson(std::int64_t n, const Response& r) {
  return Dump(json{{"n", n},
                   {"message", json::parse(MessageToJson(r.message))},
                   {"usage", json::parse(UsageToJson(r.usage))},
                   {"stop_reason", StopReasonName(r.stop_reason)},
                   {"model", r.model}});
}

std::optional<std::pair<std::int64_t, Response>> PendingResponseFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("n") || !j.contains("message")) return std::nullopt;
  auto message = MessageFromJson(Dump(j["message"]));
  if (!message.ok()) return std::nullopt;
  Response r;
  r.message = message.value();
  if (j.contains("usage")) {
    auto usage = UsageFromJson(Dump(j["usage"]));
    if (usage.ok()) r.usage = usage.value();
  }
  r.model = j.value("model", "");
  std::string stop = j.value("stop_reason", "");
  for (StopReason reason : {StopReason::kEndTurn, StopReason::kToolUse, StopReason::kMaxTokens,
                            StopReason::kStopSequence, StopReason::kRefusal, StopReason::kOther}) {
    if (stop == StopReasonName(reason)) r.stop_reason = reason;
  }
  return std::make_pair(j["n"].get<std::int64_t>(), std::move(r));
}

}  // namespace intern::agent
