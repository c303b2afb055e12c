// `intern compare A B` (DESIGN §2, §11): resolves both names, researches them with the loop and
// leaves a draft for review. Exit codes: 0 a draft was stored, 1 error, 2 usage (bad names,
// ambiguous without --pick), 3 stopped by the cap, a budget or loop detection.
//
// Progress goes to stderr on a terminal (one live line) and as JSON lines to stdout with
// --json; the summary (draft id, verdicts, cost, the review command) goes to stdout, its last
// line "Review it: intern review ID" when a draft was stored.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/approval.h"
#include "agent/catalog_store.h"
#include "agent/cli/cli.h"
#include "agent/cli/loop_terminal.h"
#include "agent/compare_workflow.h"
#include "agent/loop_status.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "agent/resolve_remote.h"
#include "agent/signals.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct CompareArgs {
  std::string a;
  std::string b;
  std::string provider;
  std::string model;
  int max_iterations = 0;
  std::int64_t budget_tokens = 0;
  double budget_usd = 0;
  bool no_bench = false;
  int pick = 0;
  bool json = false;
  CLI::Option* max_iterations_opt = nullptr;
  CLI::Option* budget_tokens_opt = nullptr;
  CLI::Option* budget_usd_opt = nullptr;
  CLI::Option* pick_opt = nullptr;
};

void PrintSummary(CliContext& ctx, const CompareOutcome& outcome, const CompareArgs& args) {
  const bool offline = outcome.provider == kOfflineProvider;
  const std::string who = offline ? "offline researcher, no language model"
                                  : fmt::format("{}:{}", outcome.provider, outcome.model);
  if (args.json) {
    nlohmann::json j = {{"type", "result"},
                        {"session", outcome.session_id},
                        {"draft", outcome.draft_id},
                        {"status", sessions::SessionStatusName(outcome.loop.status)},
                        {"sentence", outcome.loop.sentence},
                        {"iterations", outcome.loop.iterations},
                        {"cost_usd", outcome.loop.cost_usd},
                        {"tokens", outcome.loop.usage.Total()},
                        {"provider", outcome.provider},
                        {"model", outcome.model}};
    if (outcome.draft) {
      nlohmann::json verdicts = nlohmann::json::array();
      for (int i = 0; i < 2; ++i) {
        verdicts.push_back({{"subject", outcome.draft->subjects[i].name},
                            {"verdict", outcome.draft->verdict[i].label},
                            {"ship_share", outcome.draft->verdict[i].ship_share}});
      }
      j["verdicts"] = verdicts;
      j["one_sided"] = outcome.draft->flags.one_sided;
    }
    ctx.out << j.dump() << "\n";
    return;
  }
  if (outcome.draft_id.empty()) {
    ctx.out << fmt::format("No draft was stored. {}\n", outcome.loop.sentence);
    ctx.out << fmt::format("Session {} · {} iterations · ${:.4f} · {}\n", outcome.session_id,
                           outcome.loop.iterations, outcome.loop.cost_usd, who);
    ctx.out << fmt::format("Continue it: intern sessions resume {}\n", outcome.session_id);
    return;
  }
  ctx.out << fmt::format("Draft {}: {}\n", outcome.draft_id,
                         outcome.draft ? outcome.draft->title : std::string());
  if (outcome.draft) {
    std::size_t width =
        std::max(outcome.draft->subjects[0].name.size(), outcome.draft->subjects[1].name.size());
    for (int i = 0; i < 2; ++i) {
      ctx.out << fmt::format("  {:<{}}  {} ({} panel ship)\n", outcome.draft->subjects[i].name,
                             width, outcome.draft->verdict[i].label,
                             FormatShare(outcome.draft->verdict[i].ship_share));
    }
    if (outcome.draft->flags.one_sided) {
      ctx.out << "  Flagged one-sided: approval needs an override comment.\n";
    }
  }
  ctx.out << fmt::format("Cost: ${:.4f} · {} tokens · {} iterations · {}\n", outcome.loop.cost_usd,
                         outcome.loop.usage.Total(), outcome.loop.iterations, who);
  // The last line names the gate the draft waits at (DESIGN §2 step 6, §7), so an operator (or a
  // script reading the last line) goes straight to it.
  ctx.out << fmt::format("Review it: intern review {}\n", outcome.draft_id);
}

void RunCompareCommand(CliContext& ctx, const CompareArgs& args) {
  const config::Config& cfg = LoadConfig(ctx);
  CompareRequest request;
  request.name_a = args.a;
  request.name_b = args.b;
  request.provider = args.provider;
  request.model = args.model;
  if (args.max_iterations_opt->count() > 0) request.max_iterations = args.max_iterations;
  if (args.budget_tokens_opt->count() > 0) request.budget_tokens = args.budget_tokens;
  if (args.budget_usd_opt->count() > 0) request.budget_usd = args.budget_usd;
  if (args.pick_opt->count() > 0) request.pick = args.pick;
  request.bench = !args.no_bench;

  // Everything that can refuse the request does so before the store is opened, so bad input
  // leaves nothing behind.
  StoreCatalogOverlay overlay([&cfg] { return config::StorePath(cfg); }, "lookup");
  Result<config::Catalog> catalog =
      config::Catalog::WithOverlay(config::Catalog::Embedded(), overlay);
  if (!catalog.ok()) throw Error(catalog.message());
  // Names the catalog does not know are looked up here, once; the run reuses the answer.
  std::unique_ptr<RemoteResolver> remote =
      MakeConfiguredRemoteResolver(cfg, SystemClock::Instance());
  request.resolved = ResolvePair(request, catalog.value(), remote.get());
  const std::string provider =
      args.provider.empty() ? cfg.providers.default_provider : args.provider;
  if (!provider.empty() && provider != "offline") {
    Result<std::unique_ptr<LlmProvider>> probe =
        MakeConfiguredProvider(cfg, provider, args.model, {}, SystemClock::Instance());
    if (!probe.ok()) throw Error(probe.message());
  }

  sessions::Store store = sessions::Store::Open(config::StorePath(cfg));
  LoopTerminal terminal(ctx, args.json, /*yes=*/false);
  const bool in_tty = terminal.stdin_tty();
  ToolboxOptions toolbox_options;
  toolbox_options.is_tty = in_tty;
  if (in_tty) {
    toolbox_options.asker = [&ctx](const std::string& summary) {
      ctx.err << summary << " — run it? [y/N] " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      return answer == "y" || answer == "Y" || answer == "yes";
    };
  }
  CompareServices services{
      store,
      catalog.value(),
      SystemClock::Instance(),
      terminal.models(),
      terminal.approval(),
      terminal.progress(),
      toolbox_options,
      terminal.interrupt(),
      nullptr,
      [&ctx, &args](const std::string& line) {
        if (args.json) {
          ctx.out << nlohmann::json{{"type", "notice"}, {"message", line}}.dump() << "\n";
        } else {
          ctx.out << "Note: " << line << "\n";
        }
      }};
  CompareOutcome outcome = RunCompare(cfg, request, services);
  PrintSummary(ctx, outcome, args);
  ctx.exit_code = ExitCodeFor(outcome.loop.status);
}

}  // namespace

void AttachCompareCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<CompareArgs>();
  cmd.add_option("a", args->a, "The first tool (a name, alias, hub id or GitHub repo)")->required();
  cmd.add_option("b", args->b, "The second tool")->required();
  cmd.add_option("--provider", args->provider,
                 "anthropic, openai or offline (default: providers.default; none configured: "
                 "offline)");
  cmd.add_option("--model", args->model,
                 "Model id for the provider (default: its configured model)");
  args->max_iterations_opt = cmd.add_option("--max-iterations", args->max_iterations,
                                            "Hard cap on model calls for this session");
  args->budget_tokens_opt =
      cmd.add_option("--budget-tokens", args->budget_tokens, "Token budget for this session");
  args->budget_usd_opt =
      cmd.add_option("--budget-usd", args->budget_usd, "Spending budget in USD for this session");
  cmd.add_flag("--no-bench", args->no_bench, "Do not offer the benchmark tool");
  args->pick_opt =
      cmd.add_option("--pick", args->pick, "Choose candidate N when a name matches several tools");
  cmd.add_flag("--json", args->json, "Print progress and the result as JSON lines");
  cmd.callback([&ctx, args] { RunCompareCommand(ctx, *args); });
}

}  // namespace intern::agent
