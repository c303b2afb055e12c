#pragma once
// Doom-loop detection (DESIGN §4): a pure function over the step history, plus the escalation
// ladder guard -> re-plan -> stuck as a pure state machine whose state is stored as JSON.
//
// A step is one iteration (one model call and the tool calls it asked for). Its signature is
// the hash of its calls' (tool, canonical-args hash, result hash, is_error) taken as a multiset
// (parallel calls of one turn may come back in any order); a step without tool calls has no
// signature and breaks every call-based chain.
//
// Patterns, checked in this order (the first that fires is reported):
//   repeated_failure  the same tool + args failed `failure_threshold` (3) times since the window
//                     began, error texts free to differ, with no success of that call in
//                     between, and the latest failure is in the latest step;
//   repeated_call     the same signature `repeat_threshold` (3) steps in a row (so polling whose
//                     result changes never fires);
//   cycle             the last 2*L steps are a block of L (2..5) signatures, not all equal,
//                     repeated twice; the smallest such L is reported;
//   no_tool_calls     `no_tool_call_turns` (3) turns in a row without a tool call and without
//                     draft progress;
//   stagnation        `stagnation_steps` (8) steps in a row without new evidence or draft
//                     progress.
//
// New versus continuing: detection only looks at steps from `first_step` on. After a detection
// the ladder moves its window past the detecting step, so the same pattern must be re-established
// entirely by new steps before it counts again (one long loop is not three detections in three
// consecutive steps). Steps marked `replan` (the forced tools-off turn) are ignored by every
// pattern.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/message.h"
#include "config/result.h"

namespace intern::agent {

enum class DoomPattern { kRepeatedFailure, kRepeatedCall, kCycle, kNoToolCalls, kStagnation };

// "repeated_failure", "repeated_call", "cycle", "no_tool_calls", "stagnation".
const char* DoomPatternName(DoomPattern pattern);

struct ToolCallSummary {
  std::string tool;
  std::uint64_t args_hash = 0;    // CanonicalJsonHash of the arguments
  std::uint64_t result_hash = 0;  // StableHash of the result content
  bool is_error = false;
  std::string args_text;  // the arguments as the model wrote them, for messages to people
};

// Builds a summary from raw call data (hashes the canonical arguments and the result).
ToolCallSummary SummariseToolCall(std::string tool, std::string_view args_json,
                                  std::string_view result_content, bool is_error);

struct StepSummary {
  std::vector<ToolCallSummary> calls;
  int new_evidence = 0;         // evidence records this step added to the ledger (new hashes)
  bool draft_progress = false;  // the draft was created or changed
  bool had_tool_call = false;   // the model asked for a tool (also true when `calls` is non-empty)
  bool replan = false;          // the forced re-plan turn: ignored by detection
};

// The summary of one iteration from its messages: each tool_use of `assistant` paired by id with
// its result in `results` (a call without a result counts as an error with empty content).
StepSummary SummariseStep(const Message& assistant, const std::vector<Message>& results,
                          int new_evidence, bool draft_progress);

struct DoomLoopOptions {
  int repeat_threshold = 3;
  int min_cycle = 2;
  int max_cycle = 5;
  int failure_threshold = 3;
  int stagnation_steps = 8;
  int no_tool_call_turns = 3;
  std::size_t max_args_display = 120;  // arguments longer than this are cut with "…"
};

struct Detection {
  DoomPattern pattern = DoomPattern::kRepeatedCall;
  // One sentence naming the pattern and the repeated call, e.g.
  // "repeated_call: the same call 3 times in a row with the same result: web_search {"q":"x"}".
  std::string description;
  bool operator==(const Detection&) const = default;
};

// The first pattern (in the order above) that the steps from `first_step` on show, or nullopt.
std::optional<Detection> DetectDoomLoop(const std::vector<StepSummary>& steps,
                                        std::size_t first_step = 0,
                                        const DoomLoopOptions& options = {});

// ---- Escalation ----------------------------------------------------------------------------

enum class EscalationAction {
  kContinue,  // nothing detected
  kGuard,     // first detection: add a guard message naming the pattern and the call
  kReplan,    // second: a forced re-plan turn (tools off, the model writes a new plan)
  kStop,      // third: stop with status `stuck` (resumable)
};

// "continue", "guard", "replan", "stop".
const char* EscalationActionName(EscalationAction action);

struct EscalationState {
  int level = 0;  // detections so far on the ladder: 0 none, 1 guarded, 2 re-planned, 3 stuck
  std::size_t window_start = 0;  // steps before this index no longer count toward a pattern
  std::size_t calm_since = 0;    // step count at the last detection or forgiveness
  std::string last_pattern;      // DoomPatternName of the last detection, "" when none
  std::string last_description;
  bool operator==(const EscalationState&) const = default;
};

struct EscalationOptions {
  DoomLoopOptions detection;
  // After this many steps without a detection the ladder steps down one level (a session of 300
  // iterations may meet unrelated trouble far apart). 0 = never forgive.
  int forgive_after_steps = 20;
};

struct EscalationDecision {
  EscalationAction action = EscalationAction::kContinue;
  std::optional<Detection> detection;
  EscalationState next;
};

// Call once after each step is appended to `steps` (the whole history of the session).
// Once the state is stuck (level 3) every call answers kStop until ResumeFromStuck.
EscalationDecision Escalate(const EscalationState& state, const std::vector<StepSummary>& steps,
                            const EscalationOptions& options = {});

// The state for resuming a stuck session: one step below stuck (the next detection stops again)
// with the window starting after the `step_count` steps already taken.
EscalationState ResumeFromStuck(const EscalationState& state, std::size_t step_count);

std::string EscalationStateToJson(const EscalationState& state);
// Lenient: missing fields take defaults. Failure (kInvalidArgument) only for text that is not
// a JSON object.
Result<EscalationState> EscalationStateFromJson(std::string_view text);

}  // namespace intern::agent
