#include "agent/cli/loop_terminal.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "agent/plain_progress.h"
#include "config/clock.h"

namespace intern::agent {

LoopTerminal::LoopTerminal(CliContext& ctx, bool json, bool yes)
    : stdin_tty_(::isatty(STDIN_FILENO) == 1), models_(ModelCatalog::Embedded()) {
  const bool err_tty = ::isatty(STDERR_FILENO) == 1;
  if (json) {
    progress_ = std::make_unique<JsonProgress>(ctx.out, SystemClock::Instance());
  } else if (err_tty) {
    progress_ = std::make_unique<TerminalProgress>(ctx.err, SystemClock::Instance(),
                                                   UseColor(err_tty, std::getenv("NO_COLOR")));
  } else {
    progress_ = std::make_unique<PlainProgress>(ctx.err);
  }
  if (yes) {
    approval_ = std::make_unique<FixedApproval>(ApprovalVerdict::kAllow);
  } else if (stdin_tty_) {
    approval_ = std::make_unique<PromptApproval>(std::cin, ctx.err);
  } else {
    approval_ = std::make_unique<FixedApproval>(ApprovalVerdict::kDeny);
  }
}

RunnerServices LoopTerminal::Services(CliContext& ctx, const config::Config& cfg,
                                      tools::ToolRegistry& tools, sessions::Store& store) {
  return RunnerServices{[&ctx, &cfg](const std::string& provider, const std::string& model) {
                          return ctx.provider_factory(cfg, provider, model);
                        },
                        tools,
                        store,
                        SystemClock::Instance(),
                        models_,
                        *approval_,
                        *progress_,
                        interrupt()};
}

}  // namespace intern::agent
