#pragma once
// The agent loop (DESIGN §4): runs a session of the store until it is done or stops, one
// iteration at a time.
//
// One iteration = one model call + the tool calls it asked for. Everything the iteration produced
// (injected user messages, the assistant message, the tool results, tool-call records with args
// and result hashes, usage, cost, loop-detector state, compaction records, events) is committed
// with Store::CommitStep in one transaction before the next iteration begins.
//
// Crash and resume guarantee (exactly):
//  - As soon as the model's answer for iteration n arrives it is written to the store as an event
//    of kind "pending_response" (step unset, {"n": n, ...}); each tool call's result is written
//    as an event "pending_tool_result" {"n", "call_id", ...} the moment that call finishes.
//  - RunSession on a session whose last committed step is n-1 looks for those events: a pending
//    response for n is reused instead of calling the model again, and a tool call with a recorded
//    result is not run again (its recorded result is used). So a process killed at any instant
//    never runs a finished tool call twice and never pays twice for a model answer.
//  - A tool call that was running when the process died has no recorded result and is run again
//    on resume: tools must tolerate that (read-only tools do; evidence is deduplicated by hash).
//  - The compaction summary of an uncommitted iteration is not kept: a resume asks the
//    summariser again (it may word the summary differently).
//  - The iteration count (Session.iterations) is never reset; the cap and budgets are those the
//    session was created with (Session.caps) when set there, else LoopOptions'.
//
// Stops (status written to the session, one sentence in LoopOutcome and to the ProgressSink):
//   done               the final tool (submit_draft) returned a result that is not an error
//   capped             the iteration cap was reached (the last iteration was the final turn)
//   over_budget        tokens or USD reached 100% (90% already gave the final turn)
//   stuck              the third doom-loop detection (resuming continues one step below stuck)
//   context_exhausted  compaction's fall-back ladder could not make the request fit
//   failed             the provider failed (after its own retries) for a reason other than
//                      context length; the step is not committed and the session is resumable
//   interrupted        interrupt level 1 between steps, or level 2 at the next check inside a
//                      step (the partial step is not committed; pending events stay for resume).
//                      Level 2 reaches running tools through ToolContext::cancelled; a model
//                      call cannot be cancelled through LlmProvider, so it is abandoned when it
//                      returns (its answer is recorded first, so a resume does not pay again).
//
// Errors: store failures throw intern::Error (the session is left as it was at its last commit).
// One process at a time: RunSession holds the session's run lock (agent/loop_lock.h) while it
// runs, and throws intern::Error "session s-x is being run by another intern process; ..." when
// another holds it.
// Thread safety: one RunSession per session at a time; the loop runs read-only tool calls on
// worker threads (agent/loop_workers.h, kept for the whole run), at most parallel_tools at once.

#include <atomic>
#include <cstdint>
#include <string>

#include "agent/approval.h"
#include "agent/message.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "config/clock.h"
#include "sessions/records.h"
#include "sessions/store.h"
#include "tools/registry.h"

namespace intern::agent {

// What the loop works with. Nothing is owned; everything must outlive RunSession.
struct LoopDeps {
  LlmProvider& provider;
  // The cheaper model for summaries (compaction.model); nullptr = `provider`.
  LlmProvider* compaction_provider;
  tools::ToolRegistry& tools;
  sessions::Store& store;
  Clock& clock;
  const ModelCatalog& models;
  ApprovalPolicy& approval;
  ProgressSink& progress;
  // 0 nothing, 1 finish the current step and stop, 2 stop now (agent/signals.h). May be null.
  const std::atomic<int>* interrupt = nullptr;
};

// Every knob of a run. Defaults match config/default.toml.
struct LoopOptions {
  std::string model;               // the session's model (context window, prices)
  std::string compaction_model;    // "" = `model`
  std::string provider_name;       // recorded with each step ("anthropic", "openai", ...)
  int max_iterations = 300;        // agent.max_iterations (Session.caps wins when set)
  std::int64_t budget_tokens = 0;  // agent.budget_tokens, 0 = none (Session.caps wins when set)
  double budget_usd = 0.0;         // agent.budget_usd, 0 = none (Session.caps wins when set)
  int parallel_tools = 4;          // agent.parallel_tools: read-only calls run at once
  int stall_iterations = 8;        // agent.stall_iterations: the stagnation pattern
  double trigger_ratio = 0.8;      // compaction.trigger_ratio
  int keep_turns = 6;              // compaction.keep_turns
  int max_summary_attempts = 2;    // summariser tries per compaction episode
  std::size_t max_result_chars = 20'000;  // tools.max_result_chars
  int max_tokens = 4096;                  // output limit per call
  std::string final_tool = "submit_draft";
  std::string phase = "research";  // recorded with each step

  std::string system_prompt = "You are intern, a careful research agent.";
  std::string task_prompt;  // the first user message (sent on iteration 1)
  std::string summariser_prompt =
      "Summarise the conversation below into the research schema: ## Subjects, ## Facts (each "
      "with its evidence ids in brackets), ## Open questions, ## Sources visited, ## Plan status. "
      "Keep every evidence id.";
  std::string final_turn_message =
      "This is your last turn. Call submit_draft now with the best draft the evidence allows; "
      "mark every gap plainly instead of guessing.";
  // {pattern} and {description} are replaced.
  std::string guard_message =
      "Loop guard: you seem to be repeating yourself ({description}). Do something different: "
      "use another tool or other arguments, or submit the draft if the evidence is enough.";
  std::string replan_message =
      "Stop and re-plan: {description}. Tools are off for this turn. Write a short new plan: what "
      "is established, what is missing, and which different steps you will take next.";
};

struct LoopOutcome {
  sessions::SessionStatus status = sessions::SessionStatus::kRunning;
  std::string sentence;  // StopSentence(status, ...)
  std::int64_t iterations = 0;
  Usage usage;
  double cost_usd = 0.0;
};

// Runs (or resumes) session `session_id` until it stops. Throws intern::Error when the session
// does not exist or is already done ("session s-… is already done; nothing to resume"), or when
// the store fails.
LoopOutcome RunSession(const LoopDeps& deps, const LoopOptions& options,
                       const std::string& session_id);

}  // namespace intern::agent
