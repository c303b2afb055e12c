// `intern sweep [--since 7d] [--limit N] [--dry-run] [--json]` (DESIGN §10, §11): finds new
// tools on GitHub and the Hugging Face Hub, adds them to the catalog, queues comparisons with
// their closest incumbents and runs the queued ones, leaving drafts for review.
//
// Exit codes: 0 done (failed jobs are listed in the summary and kept for retry), 1 error
// (including: neither GitHub nor the hub could be read), 2 usage, 3 stopped by the sweep budget or by SIGINT/SIGTERM (queued jobs wait for the next
// sweep). Progress lines go to stderr; the summary (or one JSON object with --json) to stdout.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <ostream>

#include "agent/cli/cli.h"
#include "agent/signals.h"
#include "agent/sweep/configured_sweep.h"
#include "config/duration.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct SweepArgs {
  std::string since;
  int limit = 0;
  bool dry_run = false;
  bool json = false;
  CLI::Option* limit_opt = nullptr;
};

void RunSweepCommand(CliContext& ctx, const SweepArgs& args) {
  const config::Config& cfg = LoadConfig(ctx);
  ConfiguredSweepOptions options;
  options.sweep.since = cfg.sweep.since;
  options.sweep.limit = cfg.sweep.limit;
  options.sweep.dry_run = args.dry_run;
  if (!args.since.empty()) {
    auto since = config::ParseDuration(args.since);
    if (!since || since->count() <= 0) {
      throw UsageError(fmt::format(
          "--since \"{}\" is not a duration; write it like 7d, 36h or 2d12h", args.since));
    }
    options.sweep.since = *since;
  }
  if (args.limit_opt->count() > 0) {
    if (args.limit < 1 || args.limit > 1000) {
      throw UsageError(fmt::format("--limit {} is out of range; give 1 to 1000", args.limit));
    }
    options.sweep.limit = args.limit;
  }
  const std::filesystem::path path = config::StorePath(cfg);
  // A dry run on a machine that never ran intern must not create the store.
  sessions::Store store = args.dry_run && !std::filesystem::exists(path)
                              ? sessions::Store::OpenInMemory()
                              : sessions::Store::Open(path);
  InterruptGuard interrupt;
  options.interrupt = &interrupt.level();
  options.log = [&ctx](const std::string& line) { ctx.err << line << "\n"; };
  SweepReport report = RunConfiguredSweep(cfg, store, SystemClock::Instance(), options);
  if (args.json) {
    ctx.out << SweepReportJson(report) << "\n";
  } else {
    ctx.out << FormatSweepReport(report);
  }
  if (report.all_sources_failed) {
    ctx.exit_code = kExitError;  // a cron job should notice a sweep that could look at nothing
  } else if (report.jobs.budget_reached || report.jobs.stopped) {
    ctx.exit_code = kExitStopped;
  }
}

}  // namespace

void AttachSweepCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<SweepArgs>();
  cmd.add_option("--since", args->since,
                 "Look for tools created this recently, e.g. 7d or 36h (default: sweep.since)");
  args->limit_opt = cmd.add_option("--limit", args->limit,
                                   "Most new tools one sweep adds (default: sweep.limit)");
  cmd.add_flag("--dry-run", args->dry_run,
               "Show what the sweep would add and queue; change nothing");
  cmd.add_flag("--json", args->json, "Print the summary as one JSON object");
  cmd.callback([&ctx, args] { RunSweepCommand(ctx, *args); });
}

}  // namespace intern::agent
