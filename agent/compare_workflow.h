#pragma once
// The compare workflow (DESIGN §2): `intern compare A B` without the command-line parsing —
// resolve both names through the catalog, make the provider, register the tools, create the
// session ("compare", "A vs B") and run the research loop until submit_draft stores a draft.
//
// Nothing is written to the store before both names resolve and the provider is made, so bad
// input leaves the store untouched. Exact sentences (UsageError, exit 2, unless noted):
//   Resolve's own ("a tool name must not be empty", "... at most 200 characters (this one has
//   N)", "... must not contain control characters", "--pick N is out of range: ...")
//   "\"X\" matches several tools in the catalog: 1. A, 2. B; add --pick N to choose one"
//   "\"X\" and \"Y\" are the same tool (Name); compare two different tools"
//   A name the catalog does not know is looked up on the hub and GitHub when a RemoteResolver
//   is given (ResolveWithRemote): the chosen match is told to the operator ("Resolved \"foo\" to
//   org/foo (GitHub, 1.2k stars).") and, once the whole request is accepted, stored as a catalog
//   entry (source "lookup") so later runs know it; several fitting matches are listed and stop
//   the command (UsageError, exit 2, "... add --pick N to choose one") unless --pick chooses.
//   (intern::Error, exit 1) when the look-up cannot help, with " (closest: A, B)" before the
//   semicolon when the catalog has distant candidates:
//     no resolver:   "\"X\" is not in the catalog, and intern cannot look it up without the
//                    network; add it with `intern catalog add` or check the spelling"
//     unreachable:   "\"X\" is not in the catalog, and neither the Hugging Face Hub nor GitHub
//                    could be reached to look it up; add it with `intern catalog add` or check
//                    the network"
//     other failure: "\"X\" is not in the catalog, and looking it up failed: <the look-up's
//                    sentence, naming its fix>; or add it with `intern catalog add`"
//     no match:      "\"X\" is not in the catalog, and neither the Hugging Face Hub nor GitHub
//                    has a match; add it with `intern catalog add` or check the spelling"
//   (intern::Error, exit 1) the provider factory's sentence ("anthropic needs an API key: ...")
//
// The panel phase: for language-model providers, once the research loop stored a draft, each
// persona judges both tools in its own call from the ledger (agent/compare_panel.h) and the
// judged draft replaces the research one; the offline researcher's rubric panel stands as is.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/approval.h"
#include "agent/comparison.h"
#include "agent/loop.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "agent/providers/factory.h"
#include "agent/resolve.h"
#include "agent/toolbox.h"
#include "agent/workflow_tools.h"
#include "config/catalog.h"
#include "config/config.h"
#include "sessions/store.h"

namespace intern::agent {

// Both names resolved to catalog entries (the notes say how, for the operator).
struct ResolvedPair {
  config::CatalogEntry a;
  config::CatalogEntry b;
  std::vector<std::string> notes;
  // Entries found on the hub or GitHub (a and/or b), not yet in the store's catalog.
  std::vector<config::CatalogEntry> looked_up;
};

struct CompareRequest {
  std::string name_a;
  std::string name_b;
  std::string provider;  // "" = providers.default ("" there too = the offline researcher)
  std::string model;     // "" = the provider's configured model
  std::optional<int> max_iterations;
  std::optional<std::int64_t> budget_tokens;
  std::optional<double> budget_usd;
  bool bench = true;  // false (--no-bench): run_benchmark is not offered
  std::optional<int> pick;
  // Set when the caller resolved the names already (ResolvePair), so a look-up is not repeated.
  std::optional<ResolvedPair> resolved;
};

// Resolves both names; throws with the sentences above. Writes nothing; with a `remote` it asks
// the hub and GitHub about names the catalog does not know.
ResolvedPair ResolvePair(const CompareRequest& request, const config::Catalog& catalog,
                         RemoteResolver* remote = nullptr);

// Makes a provider with what the configuration says: an HTTP client from HttpOptionsFromConfig
// (keys from config/environment bound to their hosts) owned together with the provider; the
// offline researcher reads `offline`. Failure: MakeProvider's sentence.
Result<std::unique_ptr<LlmProvider>> MakeConfiguredProvider(const config::Config& cfg,
                                                            const std::string& provider,
                                                            const std::string& model,
                                                            const OfflineSources& offline,
                                                            Clock& clock);

// MakeConfiguredProvider for a caller that has no store or catalog at hand (`sessions resume`):
// the offline researcher gets its own handle on the store at config::StorePath(cfg) and the
// catalog with the store's additions, owned with the provider.
Result<std::unique_ptr<LlmProvider>> MakeStandaloneProvider(const config::Config& cfg,
                                                            const std::string& provider,
                                                            const std::string& model);

// The embedded catalog with the additions kept in `store`. Throws intern::Error when the
// additions cannot be read.
config::Catalog CatalogWithStore(const config::Config& cfg);

// Registers into `registry` every research tool of a Toolbox built from `cfg` (the toolbox is
// shared by the registered tools and lives as long as they do), except names already registered
// and, when !bench, run_benchmark; then catalog_facts (over `catalog`) and submit_draft
// (stamped with `stamp`), unless already registered. `store` must outlive the registry.
void RegisterCompareTools(const config::Config& cfg, sessions::Store& store,
                          const config::Catalog& catalog, const DraftStamp& stamp, bool bench,
                          ToolboxOptions toolbox_options, tools::ToolRegistry& registry);

// The loop options the config gives (cap, budgets, tool and compaction knobs) with the prompts
// of agent/prompts.h; the task prompt is left empty.
LoopOptions LoopDefaultsFrom(const config::Config& cfg);

// What RunCompare needs besides the config; nothing owned, everything outlives the call.
struct CompareServices {
  sessions::Store& store;
  const config::Catalog& catalog;
  Clock& clock;
  const ModelCatalog& models;
  ApprovalPolicy& approval;
  ProgressSink& progress;
  ToolboxOptions toolbox_options;
  const std::atomic<int>* interrupt = nullptr;
  // Makes the provider instead of MakeConfiguredProvider (tests). Empty: from the config.
  std::function<Result<std::unique_ptr<LlmProvider>>(const std::string& provider,
                                                     const std::string& model)>
      make_provider = nullptr;
  // Told one line before the run starts (the offline notice, how names were resolved).
  std::function<void(const std::string& line)> notice;
  // Looks up names the catalog does not know (request.resolved unset). Null: they are refused.
  RemoteResolver* remote = nullptr;
};

struct CompareOutcome {
  std::string session_id;
  std::string draft_id;  // "" when no draft was stored
  std::string provider;  // as recorded ("offline", "anthropic", ...)
  std::string model;
  LoopOutcome loop;
  std::optional<Comparison> draft;  // the stored document, when there is one
};

// The notice printed when no provider is configured and the offline researcher runs.
inline constexpr std::string_view kOfflineNotice =
    "No language-model provider is configured (providers.default is empty), so intern's offline "
    "researcher writes this draft from catalog facts and tool look-ups; no language model is "
    "involved.";

CompareOutcome RunCompare(const config::Config& cfg, const CompareRequest& request,
                          const CompareServices& services);

}  // namespace intern::agent
