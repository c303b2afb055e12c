#pragma once
// The panel phase for language-model providers (DESIGN §2 step 5, §6): after the research loop
// stored a draft, each of the five personas judges both subjects in its own model call, from a
// digest of the session's evidence ledger — never from the research transcript or from another
// persona's text. Each call offers one tool, `panel_take`, and forces it; its arguments are the
// persona's two takes. Each call is committed to the store as one iteration (phase "panel",
// usage and cost counted, no messages added to the session's conversation), so it counts toward
// the session's cap and budget like any other.
//
// When all five takes are in, the draft's panel is replaced by them and the document is validated
// again and stored as a new version of the draft (the research version becomes superseded).
// A persona whose call fails, or a cap reached before it, keeps the research draft's take for that
// persona, and the outcome says which. A new version that does not validate is not stored; the
// research draft stays.
//
// The offline researcher skips this phase: its rubric already judged each persona from the ledger.

#include <string>
#include <vector>

#include "agent/comparison.h"
#include "agent/message.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "config/clock.h"
#include "config/config.h"
#include "sessions/store.h"

namespace intern::agent {

struct PanelPhaseOutcome {
  int calls = 0;                   // persona calls committed as iterations
  std::string draft_id;            // the new version, or "" when none was stored
  std::vector<std::string> notes;  // one sentence per persona kept from the research draft
};

// The evidence of `session_id` as the personas read it: one line per record,
// "ev-N [Subject] field: value <source>", at most `max_chars` characters (the rest counted).
std::string LedgerDigest(const sessions::Store& store, const std::string& session_id,
                         std::size_t max_chars = 60'000);

// Runs the panel phase on draft `draft_id` of session `session_id`. A persona is skipped (its
// research take kept) when the session has used its cap (Session.caps.max_iterations, else
// `max_iterations`) or reached 90% of a token or USD budget (Session.caps). `progress`, when
// given, sees each call as an iteration of phase "panel". Throws intern::Error only when the
// store fails.
PanelPhaseOutcome RunPanelPhase(LlmProvider& provider, sessions::Store& store,
                                const config::Config& cfg, const ModelCatalog& models,
                                const Clock& clock, const std::string& session_id,
                                const std::string& draft_id, const std::string& provider_name,
                                const std::string& model, std::int64_t max_iterations,
                                ProgressSink* progress = nullptr);

}  // namespace intern::agent
