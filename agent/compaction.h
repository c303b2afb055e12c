#pragma once
// Context compaction, the pure parts (DESIGN §4): estimating the request size, deciding when to
// compact, planning which messages are kept and which are summarised, replacing old tool-result
// bodies by evidence handles, the bounded fall-back ladder, the ledger digest and the research
// summary schema. The loop performs the calls (summariser model, store) around these.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/message.h"
#include "tools/evidence.h"

namespace intern::agent {

// ---- Size estimate ---------------------------------------------------------------------------

// Characters per token when nothing has been measured yet (English prose and JSON average
// near 4 for current tokenizers).
inline constexpr double kDefaultCharsPerToken = 4.0;

// The prompt size of the next request: the provider's last reported prompt tokens plus the
// characters added since, divided by `chars_per_token` and rounded up. A non-positive
// `chars_per_token` is treated as kDefaultCharsPerToken.
std::int64_t EstimateTokens(std::int64_t last_prompt_tokens, std::int64_t chars_added_since,
                            double chars_per_token);

// A new chars-per-token figure after the provider reported `measured_tokens` for a stretch of
// `measured_chars` characters: an even blend of the old figure and the measurement, clamped to
// [1, 12] so one odd reply (all digits, all CJK) cannot wreck the estimate. Returns `current`
// unchanged when either count is not positive.
double CalibrateCharsPerToken(double current, std::int64_t measured_chars,
                              std::int64_t measured_tokens);

// True when `estimate` exceeds trigger_ratio (e.g. 0.8) of the context window.
bool ShouldCompact(std::int64_t estimate, std::int64_t context_window, double trigger_ratio);

// ---- Plan ------------------------------------------------------------------------------------

// Index ranges into the message vector: [0, prefix_end) kept (leading system messages and the
// first user message, the task), [prefix_end, tail_begin) summarised, [tail_begin, size) kept.
struct CompactionPlan {
  std::size_t prefix_end = 0;
  std::size_t tail_begin = 0;
  std::size_t size = 0;

  bool HasMiddle() const { return tail_begin > prefix_end; }
  bool operator==(const CompactionPlan&) const = default;
};

// Keeps the last `keep_turns` turns, where a turn starts at each user or assistant message (tool
// result messages belong to the turn before them). The tail never separates a tool result from
// the tool_use it answers: if a kept tool result's tool_use would fall in the middle, the tail
// grows back to include it (and so the whole parallel batch of that assistant message).
// keep_turns <= 0 keeps no turns (tail empty unless a tool pair forces it).
CompactionPlan PlanCompaction(const std::vector<Message>& messages, int keep_turns);

// The messages to send after compaction: prefix, one user message with `digest` and `summary`,
// then the tail. The inserted message says that earlier turns were compacted.
std::vector<Message> AssembleCompacted(const std::vector<Message>& messages,
                                       const CompactionPlan& plan, std::string_view digest,
                                       std::string_view summary);

// Step 2 of the fall-back: in messages [0, keep_from), each tool result body for which
// `handle_for` returns a handle is replaced by that handle (e.g. "[stored as ev-12: 48213
// chars; read_evidence(\"ev-12\", 0) reads it]"); a result without a handle is left whole.
// Returns the new vector; `replaced` (if given) receives how many bodies were replaced.
using HandleFor = std::function<std::optional<std::string>(const ToolResultBlock&)>;
std::vector<Message> ReplaceOldToolResults(const std::vector<Message>& messages,
                                           std::size_t keep_from, const HandleFor& handle_for,
                                           int* replaced = nullptr);

// ---- Fall-back ladder ------------------------------------------------------------------------
//
// One compaction episode: summarise (up to `max_summary_attempts` tries if the summariser fails)
// -> replace old tool-result bodies -> give up with context_exhausted. Each step is taken at
// most once (summaries at most max times), so an episode ends after at most max + 2 steps.

enum class LadderAction { kSummarise, kReplaceBodies, kSend, kContextExhausted };
enum class LadderOutcome {
  kStart,             // the request is too large (estimate, or a context-length error)
  kFits,              // the compacted request fits: send it
  kStillTooLarge,     // the last step worked but the request is still too large
  kSummariserFailed,  // the summariser call failed or produced nothing usable
};

// "summarise", "replace_bodies", "send", "context_exhausted".
const char* LadderActionName(LadderAction action);

struct LadderState {
  int summary_attempts = 0;
  bool bodies_replaced = false;
  bool done = false;
  bool operator==(const LadderState&) const = default;
};

struct LadderStep {
  LadderAction action = LadderAction::kSend;
  LadderState next;
};

LadderStep NextLadderStep(const LadderState& state, LadderOutcome outcome,
                          int max_summary_attempts = 2);

// ---- Ledger digest ---------------------------------------------------------------------------

// One evidence record as the digest shows it.
struct DigestEntry {
  std::string id;
  std::string subject;
  std::string field;  // "" for documents/pages
  std::string value;
  std::string source;
};

// A ledger record as the digest shows it: facts as "field = value", other kinds ("document",
// "page", ...) by their one-line summary prefixed with the kind.
DigestEntry DigestEntryFrom(const tools::EvidenceRecord& record);

// A compact text block, grouped by subject in order of first appearance:
//   Evidence ledger (3 records):
//   [Gemma 3n]
//   - ev-1 license = Gemma Terms of Use (https://ai.google.dev/gemma/terms)
//   [(no subject)]
//   - ev-3 search hits for "x" (https://...)
// Values are cut at `max_value_chars` (with "…") and newlines flattened; every id appears.
std::string LedgerDigest(const std::vector<DigestEntry>& entries,
                         std::size_t max_value_chars = 160);

// ---- Research summary ------------------------------------------------------------------------

struct SummaryFact {
  std::string text;
  std::vector<std::string> evidence_ids;
  bool operator==(const SummaryFact&) const = default;
};

// The fixed schema the summariser fills (DESIGN §4).
struct ResearchSummary {
  std::vector<std::string> subjects;
  std::vector<SummaryFact> facts;
  std::vector<std::string> open_questions;
  std::vector<std::string> sources;
  std::string plan_status;
  bool operator==(const ResearchSummary&) const = default;
};

// Markdown with the headings "## Subjects", "## Facts", "## Open questions", "## Sources
// visited", "## Plan status"; facts as "- text [ev-1, ev-2]".
std::string RenderSummary(const ResearchSummary& summary);

// Lenient: headings with any number of '#' (or none, with a trailing ':'), any case; bullets
// "-", "*", "•" or "1."; evidence ids ("ev-" followed by letters, digits, '-' or '_') found
// anywhere in a fact line; unknown sections ignored. Never fails: unusable text gives an empty
// summary.
ResearchSummary ParseSummary(std::string_view text);

// The summary as sent: RenderSummary(summary), and when any ledger id is not cited in the
// summary's facts, the digest of the missing records appended under "Evidence not cited above:"
// (a summariser that drops ids cannot lose facts).
std::string RepairSummary(const ResearchSummary& summary, const std::vector<DigestEntry>& ledger);

}  // namespace intern::agent
