#pragma once
// The command line: one table of subcommands {name, summary, attach}; `intern --help` prints it.
//
// RunCli parses argv, runs the chosen command and returns the process exit code (DESIGN §11:
// 0 ok, 1 error, 2 usage, 3 stopped by cap/budget/loop). It catches intern::Error and CLI11
// parse errors and prints them as one sentence on `err`; anything else propagates to main().

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace CLI {
class App;
}

namespace intern::sessions {
class Store;
}
namespace intern::tools {
class ToolRegistry;
}

namespace intern::agent {

class LlmProvider;

// What every command handler gets: the output streams, global options, and the exit code to set.
struct CliContext {
  std::ostream& out;
  std::ostream& err;
  // Global `-c KEY=VALUE` overrides (the highest config layer), in command-line order.
  std::vector<std::string> config_overrides;
  // Set by a handler when it wants a non-zero exit without throwing.
  int exit_code = 0;
  // Where LoadConfig reads the config layers and the environment from. Empty: this process's
  // (LoadOptions::FromProcess); tests set their own environment, home and directories.
  std::optional<config::LoadOptions> load_options = std::nullopt;
  // Filled by the first LoadConfig call and shared by every later one.
  std::shared_ptr<const config::Config> loaded_config = nullptr;

  // ---- Seams for commands that run the agent loop (`sessions resume`, later `compare`) ----
  // main() fills these with WireAgent. Empty, the commands that need them stop with one
  // sentence saying so.
  // Makes the LLM provider for (provider name, model) from the config; keys come from the
  // config/environment, never from the store. nullptr when it cannot.
  std::function<std::unique_ptr<LlmProvider>(const config::Config&, const std::string& provider,
                                             const std::string& model)>
      provider_factory = nullptr;
  // Registers the research tools (doc_search, github_lookup, submit_draft, ...) that a session
  // of `session_id` may call, skipping names the registry already has (the loop's commands
  // register read_evidence themselves). The tools may keep state (a Toolbox) alive with them.
  std::function<void(const config::Config&, tools::ToolRegistry&, sessions::Store&,
                     const std::string& session_id)>
      register_tools = nullptr;
};

// The merged configuration of this run (load_options + config_overrides), loaded on first use
// so commands that need none (version, --help) never fail on a broken config file. Throws
// intern::Error (intern::UsageError for a bad `-c`) with one sentence naming file, line and key.
const config::Config& LoadConfig(CliContext& ctx);

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

// `load_options`: see CliContext::load_options (tests pass their own; main passes none).
// `wire`, when set, fills the context's seams before parsing (main passes WireAgent).
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           std::optional<config::LoadOptions> load_options = std::nullopt,
           const std::function<void(CliContext&)>& wire = nullptr);

// Fills provider_factory (providers from the config, the offline researcher by default) and
// register_tools (the Toolbox's research tools, catalog_facts and submit_draft stamped with
// the session's provider and model). agent/cli/wiring.cpp.
void WireAgent(CliContext& ctx);

// Attach functions, one per command file (agent/cli/<name>_command.cpp).
void AttachVersionCommand(CLI::App& cmd, CliContext& ctx);
void AttachConfigCommand(CLI::App& cmd, CliContext& ctx);
void AttachCatalogCommand(CLI::App& cmd, CliContext& ctx);
void AttachBenchCommand(CLI::App& cmd, CliContext& ctx);
void AttachMcpCommand(CLI::App& cmd, CliContext& ctx);
void AttachSessionsCommand(CLI::App& cmd, CliContext& ctx);
void AttachDocsCommand(CLI::App& cmd, CliContext& ctx);
void AttachToolsCommand(CLI::App& cmd, CliContext& ctx);
void AttachCompareCommand(CLI::App& cmd, CliContext& ctx);
void AttachDraftsCommand(CLI::App& cmd, CliContext& ctx);
void AttachSweepCommand(CLI::App& cmd, CliContext& ctx);
void AttachJobsCommand(CLI::App& cmd, CliContext& ctx);
void AttachDaemonCommand(CLI::App& cmd, CliContext& ctx);
void AttachPublishCommand(CLI::App& cmd, CliContext& ctx);
// `intern review [ID]` (agent/cli/review_command.cpp).
void AttachReviewCommand(CLI::App& cmd, CliContext& ctx);
// `sessions resume ID` (agent/cli/sessions_resume.cpp), attached by AttachSessionsCommand.
void AttachSessionsResume(CLI::App& sessions_cmd, CliContext& ctx);

}  // namespace intern::agent
