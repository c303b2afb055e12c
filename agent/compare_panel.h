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
// Each persona call's step carries a `panel_take` event naming the draft and the persona (with
// the accepted takes, or the problem), committed in the step's transaction; the end of the phase
// appends a `panel_done` event naming the draft judged and the new version ("" when none was
// stored). A process killed during the phase leaves the session done with the research draft
// and some panel_take events: PanelOwed says so, and RunPanelPhase on the same draft reuses the
// recorded takes instead of calling those personas again. (A kill in the instant between the
// new version's CreateDraft and its panel_done event makes a resume judge that new version
// again; the window is one store write wide.)
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
  int calls = 0;                   // persona calls committed as iterations by this run
  int reused = 0;                  // personas whose take an interrupted earlier run recorded
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

// True when `session_id` is a done compare session of a language-model provider whose latest
// draft has not been through the panel phase to its end (no panel_done event names it): the
// process was killed after the research, before or during the panel. Sessions stored before
// the panel recorded its events count as owing it.
bool PanelOwed(const sessions::Store& store, const std::string& session_id);

}  // namespace intern::agent
