// `intern sessions resume ID` — continues a session that stopped (interrupted, killed, capped by
// an approval, failed, stuck, ...) from its last committed step, with the cap, budgets and
// settings it started with (agent/session_runner.h). A compare session that ends done here gets
// the panel phase `intern compare` would have run after its research (agent/compare_panel.h).
//
// The provider and the research tools come through the CliContext seams (provider_factory,
// register_tools), which main() fills with WireAgent (agent/cli/wiring.cpp); a context without
// them (some tests) makes the command say so in one sentence.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "agent/approval.h"
#include "agent/cli/cli.h"
#include "agent/cli/loop_terminal.h"
#include "agent/compare_panel.h"
#include "agent/compare_workflow.h"
#include "agent/loop_status.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "agent/session_runner.h"
#include "agent/signals.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tools/read_evidence_tool.h"
#include "tools/registry.h"

namespace intern::agent {
namespace {

struct ResumeOptions {
  std::string id;
  bool json = false;
  bool yes = false;
};

std::string ResolveId(sessions::Store& store, const std::string& id) {
  if (store.GetSession(id)) return id;
  std::vector<std::string> matches = store.SessionIdsWithPrefix(id, 2);
  if (matches.size() == 1 && !id.empty()) return matches[0];
  if (matches.size() > 1) {
    throw Error(fmt::format("\"{}\" matches several sessions; give more of the id", id));
  }
  throw Error(
      fmt::format("no session \"{}\" in {} (see `intern sessions list`)", id, store.path()));
}

// A compare session whose research finishes on resume, or that was killed during the panel,
// still owes the panel phase that `intern compare` runs after the loop (agent/compare_panel.h),
// or the resumed draft would differ from an uninterrupted run's. The offline researcher has none
// (PanelOwed says which sessions owe it).
void RunOwedPanel(CliContext& ctx, const config::Config& cfg, sessions::Store& store,
                  const ModelCatalog& models, const std::string& id, int max_iterations,
                  ProgressSink& progress) {
  std::optional<sessions::Session> session = store.GetSession(id);
  if (!session) return;
  const std::string draft_id = LatestDraftId(store, id);
  if (draft_id.empty()) return;
  std::unique_ptr<LlmProvider> llm = ctx.provider_factory(cfg, session->provider, session->model);
  if (!llm) return;
  PanelPhaseOutcome panel =
      RunPanelPhase(*llm, store, cfg, models, SystemClock::Instance(), id, draft_id,
                    session->provider, session->model, max_iterations, &progress);
  for (const auto& note : panel.notes) ctx.err << note << "\n";
  if (!panel.draft_id.empty()) {
    std::string reused =
        panel.reused > 0 ? fmt::format(" ({} more recorded before the interruption)", panel.reused)
                         : "";
    ctx.err << fmt::format(
        "The panel judged both tools in {} separate calls{}; draft {} replaces {}.\n", panel.calls,
        reused, panel.draft_id, draft_id);
  }
}

void RunResume(CliContext& ctx, const ResumeOptions& options) {
  const config::Config& cfg = LoadConfig(ctx);
  if (!ctx.provider_factory) {
    throw Error(
        "`intern sessions resume` needs a language-model provider, and none is wired into this "
        "build yet; use a build that includes the providers module");
  }
  sessions::Store store = sessions::Store::Open(config::StorePath(cfg));
  std::string id = ResolveId(store, options.id);

  tools::ToolRegistry registry;
  registry.Register(std::make_unique<tools::ReadEvidenceTool>());
  if (ctx.register_tools) ctx.register_tools(cfg, registry, store, id);

  LoopTerminal terminal(ctx, options.json, options.yes);
  RunnerServices services = terminal.Services(ctx, cfg, registry, store);
  // The config only fills what the session did not record; its own settings win.
  const LoopOptions defaults = LoopDefaultsFrom(cfg);
  // Killed during the panel: the research is done, only the panel is left to finish.
  if (PanelOwed(store, id)) {
    RunOwedPanel(ctx, cfg, store, terminal.models(), id, defaults.max_iterations,
                 terminal.progress());
    ctx.exit_code = kExitOk;
    return;
  }
  LoopOutcome outcome = ResumeSession(services, id, defaults);
  ctx.exit_code = ExitCodeFor(outcome.status);
  if (outcome.status == sessions::SessionStatus::kDone && PanelOwed(store, id)) {
    RunOwedPanel(ctx, cfg, store, terminal.models(), id, defaults.max_iterations,
                 terminal.progress());
  }
}

}  // namespace

void AttachSessionsResume(CLI::App& sessions_cmd, CliContext& ctx) {
  auto options = std::make_shared<ResumeOptions>();
  CLI::App* resume = sessions_cmd.add_subcommand(
      "resume", "Continue a stopped session from its last committed step (same cap and budget)");
  resume
      ->add_option("id", options->id, "Session id or a unique prefix (see `intern sessions list`)")
      ->required();
  resume->add_flag("--json", options->json, "Print progress as one JSON event a line");
  resume->add_flag("--yes", options->yes,
                   "Approve every tool call that would ask (benchmarks, unvetted MCP tools)");
  resume->callback([&ctx, options] { RunResume(ctx, *options); });
}

}  // namespace intern::agent
