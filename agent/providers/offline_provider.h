#pragma once
// The offline researcher (DESIGN §3, §8): an LlmProvider with no network and no model. It drives
// the same loop and tools as a real model with a fixed plan, deciding every answer from the
// conversation it is sent (so a resumed session answers exactly as the first run would):
//
//   no assistant turn yet     → tool calls for both subjects: catalog_facts, doc_search (with
//                               the subject), github_lookup when the entry names a repository,
//                               hub_lookup when it names a hub model (offline these fail fast;
//                               the draft notes them as unreachable). Only tools the request
//                               offers are called.
//   any later turn, or a turn
//   forced to submit_draft    → submit_draft built from the session's ledger (OfflineComparison).
//   tools off (re-plan, summary) or submit_draft already rejected → a short text answer.
//   a reviewer's send-back (agent/review/feedback.h) in the conversation → submit_draft again,
//                               rebuilt from the ledger, with a note quoting the feedback and
//                               saying the offline researcher cannot rewrite its text.
//
// The subjects are read from the task message's line "Catalog ids: <id-a>, <id-b>" (the compare
// workflow writes it) and looked up in the catalog given at construction; the ledger is found
// through the evidence ids the tools returned. Usage is always zero, so cost is zero.
//
// Thread safety: one Complete at a time (as every provider); the store serialises its calls.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "agent/message.h"
#include "config/catalog.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tools/evidence.h"

namespace intern::agent {

// The line the compare task carries so the offline researcher knows its subjects.
std::string CatalogIdsLine(const std::string& id_a, const std::string& id_b);

// Fields the offline draft's decision table shows as key numbers, when both sides have them.
const std::vector<std::string>& OfflineKeyNumberFields();

// The comparison the offline researcher submits, from the catalog entries and every ledger record
// of the session: subjects from the entries; facts for the fields both subjects have in the
// ledger (values of one field joined with "; ", all their evidence ids); the panel from the rubric
// (ScorePanel); key-number rows; `notes` plus the statement that no language model wrote it and a
// note naming fields only one side has. Owned fields (session, cost, verdicts, ...) are left
// for submit_draft.
Comparison OfflineComparison(const config::CatalogEntry& a, const config::CatalogEntry& b,
                             const std::vector<tools::EvidenceRecord>& records,
                             std::chrono::sys_days today, std::vector<std::string> notes);

// The submit_draft arguments for `comparison` (the document minus what the workflow fills, plus
// flags.notes as "notes").
nlohmann::json SubmissionArguments(const Comparison& comparison);

// The note every offline draft carries.
inline constexpr std::string_view kOfflineDisclaimer =
    "No language model wrote this draft: intern's offline researcher assembled it from catalog "
    "facts and tool look-ups, and the panel scores come from a fixed rubric over that evidence.";

class OfflineProvider final : public LlmProvider {
 public:
  // `store` and `clock` must outlive the provider; `catalog` is copied.
  OfflineProvider(config::Catalog catalog, const sessions::Store& store, const Clock& clock)
      : catalog_(std::move(catalog)), store_(store), clock_(clock) {}

  Result<Response> Complete(
      const LlmRequest& request,
      const std::function<void(std::string_view text_delta)>& on_delta) override;

 private:
  config::Catalog catalog_;
  const sessions::Store& store_;
  const Clock& clock_;
};

}  // namespace intern::agent
