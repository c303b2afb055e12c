#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ostream>

#include "agent/cli/cli.h"
#include "agent/version.h"

namespace intern::agent {

void AttachVersionCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.callback([&ctx] { ctx.out << fmt::format("intern {}\n", kVersion); });
}

}  // namespace intern::agent
