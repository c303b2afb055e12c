#include "agent/loop_state.h"

#include <catch2/catch.hpp>

#include "agent/loop_tools.h"

namespace intern::agent {
namespace {

TEST_CASE("the loop state survives the store as JSON, and foreign text gives defaults",
          "[loop][state]") {
  LoopState state;
  state.escalation.level = 2;
  state.escalation.window_start = 7;
  state.escalation.last_pattern = "cycle";
  state.final_turn_taken = true;
  state.pending_guard = "Loop guard: \"x\"";
  state.pending_replan = "cycle: a then b";
  state.replace_bodies_before = 12;
  LoopState back = LoopStateFromJson(LoopStateToJson(state));
  CHECK(back.escalation == state.escalation);
  CHECK(back.final_turn_taken);
  CHECK(back.pending_guard == state.pending_guard);
  CHECK(back.pending_replan == state.pending_replan);
  CHECK(back.replace_bodies_before == 12);
  LoopState fresh = LoopStateFromJson("{}");
  CHECK(fresh.escalation == EscalationState{});
  CHECK_FALSE(LoopStateFromJson("not json").final_turn_taken);
}

TEST_CASE("a recorded model answer and a recorded tool result read back whole", "[loop][state]") {
  Response r;
  r.message.role = Role::kAssistant;
  r.message.content = {TextBlock{"thinking"}, ToolUseBlock{"t1", "search", R"({"q":"x"})"}};
  r.usage = Usage{10, 20, 30, 40};
  r.stop_reason = StopReason::kToolUse;
  r.model = "m-1";
  auto back = PendingResponseFromJson(PendingResponseJson(4, r));
  REQUIRE(back);
  CHECK(back->first == 4);
  CHECK(back->second == r);
  CHECK_FALSE(PendingResponseFromJson(R"({"n":1})"));

  ExecutedCall call;
  call.call = ToolCall{"t1", "search", R"({"q":"x"})"};
  call.result = ToolResultBlock{"t1", "found", false};
  call.evidence_ids = {"ev-3"};
  call.approval = "auto";
  call.duration_ms = 12;
  call.started_at = "2026-01-01T00:00:00.000Z";
  auto call_back = ExecutedCallFromJson(ExecutedCallToJson(4, call));
  REQUIRE(call_back);
  CHECK(call_back->first == 4);
  CHECK(call_back->second.call == call.call);
  CHECK(call_back->second.result == call.result);
  CHECK(call_back->second.evidence_ids == call.evidence_ids);
  CHECK(call_back->second.duration_ms == 12);
  CHECK(Rfc3339Utc(std::chrono::system_clock::time_point(
            std::chrono::milliseconds(1767225600123))) == "2026-01-01T00:00:00.123Z");
}

TEST_CASE("a long result keeps its head and names the evidence and offset to read on",
          "[loop][state]") {
  CHECK(HeadWithHandle("short", 10, "ev-1") == "short");
  CHECK(HeadWithHandle("ééééé", 2, "ev-9") ==
        "éé\n[… 3 more characters: read_evidence(id=\"ev-9\", offset=2)]");
}

}  // namespace
}  // namespace intern::agent
