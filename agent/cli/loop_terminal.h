#pragma once
// What a command that drives the agent loop (`compare`, `sessions resume`, `review`'s send-back)
// sets up at the terminal, in one place so the three behave alike:
//
//   progress   `--json`: one JSON event a line on stdout (ctx.out); else stderr a TTY: the live
//              status line (colour unless NO_COLOR); else plain lines on stderr. Stdout keeps
//              the command's result, so `intern compare A B > out` captures only that.
//   approval   `--yes`: every tool call that would ask is allowed; else stdin a TTY: asked on
//              stderr; else denied (a script never blocks on a question).
//   interrupt  SIGINT/SIGTERM counted for the loop while the object lives (agent/signals.h).
//   models     the embedded model catalog (context windows, prices).
//
// Services() wires these with the context's provider factory into RunnerServices; the
// LoopTerminal, the registry and the store must outlive what it returns. Not thread-safe; one per
// command run.

#include <memory>

#include "agent/approval.h"
#include "agent/cli/cli.h"
#include "agent/models.h"
#include "agent/progress.h"
#include "agent/session_runner.h"
#include "agent/signals.h"

namespace intern::agent {

class LoopTerminal {
 public:
  LoopTerminal(CliContext& ctx, bool json, bool yes);
  LoopTerminal(const LoopTerminal&) = delete;
  LoopTerminal& operator=(const LoopTerminal&) = delete;

  ProgressSink& progress() { return *progress_; }
  ApprovalPolicy& approval() { return *approval_; }
  const ModelCatalog& models() const { return models_; }
  const std::atomic<int>* interrupt() const { return &interrupt_.level(); }
  bool stdin_tty() const { return stdin_tty_; }

  RunnerServices Services(CliContext& ctx, const config::Config& cfg, tools::ToolRegistry& tools,
                          sessions::Store& store);

 private:
  bool stdin_tty_;
  std::unique_ptr<ProgressSink> progress_;
  std::unique_ptr<ApprovalPolicy> approval_;
  ModelCatalog models_;
  InterruptGuard interrupt_;
};

}  // namespace intern::agent
