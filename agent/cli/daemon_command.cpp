// `intern daemon [--once]` (DESIGN §10, §11): runs sweeps on `sweep.schedule` (5-field cron,
// local time zone) until SIGTERM or SIGINT, one daemon per store. See agent/sweep/daemon.h for
// missed runs and stopping. Log lines go to stderr and, as events, to the store.
//
// Exit codes: 0 stopped cleanly (or --once finished), 1 error (another daemon holds the store,
// a bad schedule), 2 usage.

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/cli/cli.h"
#include "agent/signals.h"
#include "agent/sweep/configured_sweep.h"
#include "agent/sweep/daemon.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct DaemonArgs {
  bool once = false;
};

void RunDaemonCommand(CliContext& ctx, const DaemonArgs& args) {
  const config::Config& cfg = LoadConfig(ctx);
  Result<CronSchedule> schedule = CronSchedule::Parse(cfg.sweep.schedule);
  if (!schedule) throw Error(schedule.message() + " (set sweep.schedule)");
  Clock& clock = SystemClock::Instance();
  Result<DaemonLock> lock = DaemonLock::Acquire(DaemonLockPath(cfg.home), clock);
  if (!lock) throw Error(lock.message());
  sessions::Store store = sessions::Store::Open(config::StorePath(cfg));
  InterruptGuard interrupt;

  auto log = [&ctx, &store](const std::string& level, const std::string& line) {
    ctx.err << fmt::format("intern daemon: {}\n", line) << std::flush;
    sessions::EventRecord e;
    e.level = level;
    e.kind = "daemon";
    e.message = nlohmann::json{{"message", line}}.dump();
    try {
      store.AppendEvent(std::move(e));
    } catch (const std::exception& err) {
      ctx.err << fmt::format("intern daemon: could not log to the store: {}\n", err.what());
    }
  };
  log("info", fmt::format("started (pid {}), schedule \"{}\" in local time, store {}", ::getpid(),
                          cfg.sweep.schedule, config::StorePath(cfg).string()));

  DaemonOptions options;
  options.schedule_text = cfg.sweep.schedule;
  options.once = args.once;
  options.interrupt = &interrupt.level();
  options.last_sweep = LastSweepTime(store);
  auto sweep = [&] {
    ConfiguredSweepOptions sweep_options;
    sweep_options.sweep.since = cfg.sweep.since;
    sweep_options.sweep.limit = cfg.sweep.limit;
    sweep_options.interrupt = &interrupt.level();
    sweep_options.log = [&log](const std::string& line) { log("info", line); };
    try {
      SweepReport report = RunConfiguredSweep(cfg, store, clock, sweep_options);
      log("info", fmt::format("{} finished: {} new tools, {} jobs queued, {} drafts, {} failed, "
                              "${:.4f}",
                              report.id, report.added, report.queued, report.jobs.drafts.size(),
                              report.jobs.failed, report.jobs.cost_usd));
    } catch (const std::exception& e) {
      // One failed sweep (a full disk, a broken proxy variable) must not end the daemon: the next
      // firing time tries again.
      log("error", fmt::format("the sweep failed: {}", e.what()));
    }
  };
  const int runs = RunDaemon(*schedule, options, clock, sweep,
                             [&log](const std::string& line) { log("info", line); });
  log("info", fmt::format("stopped after {} sweep{}", runs, runs == 1 ? "" : "s"));
}

}  // namespace

void AttachDaemonCommand(CLI::App& cmd, CliContext& ctx) {
  auto args = std::make_shared<DaemonArgs>();
  cmd.add_flag("--once", args->once,
               "Wait for the next scheduled sweep (or run a missed one at once), run it, and exit");
  cmd.callback([&ctx, args] { RunDaemonCommand(ctx, *args); });
}

}  // namespace intern::agent
