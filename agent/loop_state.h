#pragma once
// What the loop keeps in the store between iterations (agent/loop.h): the per-session loop state
// (Session.loop_state JSON) and the crash-safety record of a model answer that arrived before its
// iteration was committed. Internal to the loop; exposed for its tests.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "agent/doom_loop.h"
#include "agent/message.h"

namespace intern::agent {

struct LoopState {
  EscalationState escalation;
  bool final_turn_taken = false;
  std::string pending_guard;   // guard message to send before the next call
  std::string pending_replan;  // non-empty: the next turn is the forced re-plan (the detection)
  std::int64_t replace_bodies_before = 0;  // fall-back step 2: bodies before this seq are handles
};

std::string LoopStateToJson(const LoopState& state);
// Lenient: text that is not a JSON object, or missing fields, give defaults.
LoopState LoopStateFromJson(const std::string& text);

// {"n": n, "message": ..., "usage": ..., "stop_reason": ..., "model": ...}
std::string PendingResponseJson(std::int64_t n, const Response& response);
// nullopt for JSON of another shape.
std::optional<std::pair<std::int64_t, Response>> PendingResponseFromJson(const std::string& text);

// "2026-01-01T00:00:00.000Z", the store's time format.
std::string Rfc3339Utc(std::chrono::system_clock::time_point t);

}  // namespace intern::agent
