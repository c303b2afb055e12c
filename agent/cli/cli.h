#pragma once
// The command line: one table of subcommands {name, summary, attach}; `intern --help` prints it.
//
// RunCli parses argv, runs the chosen command and returns the process exit code (DESIGN §11:
// 0 ok, 1 error, 2 usage, 3 stopped by cap/budget/loop). It catches intern::Error and CLI11
// parse errors and prints them as one sentence on `err`; anything else propagates to main().

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace intern::agent {

// What every command handler gets: the output streams, global options, and the exit code to set.
struct CliContext {
  std::ostream& out;
  std::ostream& err;
  // Global `-c KEY=VALUE` overrides (the highest config layer), in command-line order.
  std::vector<std::string> config_overrides;
  // Set by a handler when it wants a non-zero exit without throwing.
  int exit_code = 0;
};

// One subcommand: `attach` adds its options, nested subcommands and callback to `cmd`, whose
// name and summary the table already set. Callbacks capture `ctx` by reference (it outlives the
// parse) and keep option storage in shared_ptrs or in `ctx`.
struct CommandSpec {
  const char* name;
  const char* summary;
  void (*attach)(CLI::App& cmd, CliContext& ctx);
};

// The table of top-level commands, in the order `--help` lists them.
const std::vector<CommandSpec>& Commands();

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// Attach functions, one per command file (agent/cli/<name>_command.cpp).
void AttachVersionCommand(CLI::App& cmd, CliContext& ctx);
void AttachDocsCommand(CLI::App& cmd, CliContext& ctx);

}  // namespace intern::agent
