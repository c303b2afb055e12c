#pragma once
// The tool half of an iteration (agent/loop.h): runs the calls of one assistant turn —
// read-only ones concurrently (at most `parallel_tools` at once), the others one at a time after
// the approval policy said yes — cuts large results to a head plus a read_evidence handle, and
// records each result in the store the moment it is known, so a resume never runs it again.
// Internal to the loop; exposed for its tests.

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/approval.h"
#include "agent/loop_workers.h"
#include "agent/message.h"
#include "agent/progress.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tools/registry.h"

namespace intern::agent {

struct ExecutedCall {
  ToolCall call;
  ToolResultBlock result;  // what the model gets (the head, for large results)
  std::vector<std::string> evidence_ids;
  std::string approval;  // "auto", "approved", "denied", "refused" (not offered on this turn)
  std::int64_t duration_ms = 0;
  std::string started_at;
};

struct ToolRunEnv {
  tools::ToolRegistry& tools;
  sessions::Store& store;
  Clock& clock;
  ApprovalPolicy& approval;
  ProgressSink& progress;
  std::string session_id;
  std::int64_t step = 0;  // the iteration the calls belong to
  int parallel_tools = 4;
  std::size_t max_result_chars = 20'000;
  const std::atomic<int>* interrupt = nullptr;
  // When set, only this tool may run on this turn (the final turn); others get an error result.
  std::optional<std::string> only_tool;
  bool tools_off = false;  // the re-plan turn: every call gets an error result
};

// Results in call order. A result longer than max_result_chars is stored whole as evidence
// (kind "tool_result") and the model gets HeadWithHandle; read_evidence's own pages are exempt.
// Calls found in `recorded` (by call id) are not run: their recorded result is returned. nullopt
// when interrupt level 2 was seen before every call had a result: between calls, or while calls ran
// (they are told through ToolContext::cancelled, waited for, and their results are not recorded, so
// a resume runs them again). Every call runs on a worker thread so the calling thread can watch the
// interrupt level: one of `workers` (which must allow at least parallel_tools threads), or a thread
// of its own when `workers` is nullptr. Returns, or throws, only once no call is running.
std::optional<std::vector<ExecutedCall>> ExecuteToolCalls(
    const ToolRunEnv& env, const std::vector<ToolCall>& calls,
    const std::map<std::string, ExecutedCall>& recorded, LoopWorkers* workers = nullptr);

// `content` unchanged when it has at most `max_chars` characters (UTF-8 code points); otherwise
// the first max_chars characters plus "\n[… N more characters: read_evidence(id=\"ID\",
// offset=K)]" where K = max_chars.
std::string HeadWithHandle(const std::string& content, std::size_t max_chars,
                           const std::string& evidence_id);

// Event kinds of the crash-safety records (agent/loop.h).
inline constexpr const char* kPendingResponseEvent = "pending_response";
inline constexpr const char* kPendingToolResultEvent = "pending_tool_result";

// The JSON stored with a pending_tool_result event, and back (nullopt for foreign JSON).
std::string ExecutedCallToJson(std::int64_t step, const ExecutedCall& call);
std::optional<std::pair<std::int64_t, ExecutedCall>> ExecutedCallFromJson(const std::string& text);

}  // namespace intern::agent
