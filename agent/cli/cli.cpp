#include "agent/cli/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ostream>
#include <utility>

#include "config/error.h"

namespace intern::agent {

const std::vector<CommandSpec>& Commands() {
  // In the order of DESIGN §11.
  static const std::vector<CommandSpec> kCommands = {
      {"compare", "Research two AI tools and leave a side-by-side comparison draft for review",
       AttachCompareCommand},
      {"review",
       "Review pending drafts: approve, reject, edit, or send back with feedback (the gate "
       "before publishing)",
       AttachReviewCommand},
      {"publish", "Publish an approved comparison to the site repository (--push to its remote)",
       AttachPublishCommand},
      {"drafts", "List drafts waiting for review, or show one (list | show ID)",
       AttachDraftsCommand},
      {"sweep", "Find trending new tools, add them to the catalog and queue comparisons",
       AttachSweepCommand},
      {"jobs", "List queued comparison jobs, retry or cancel one (list | retry ID | cancel ID)",
       AttachJobsCommand},
      {"daemon", "Run sweeps on the sweep.schedule cron schedule until stopped",
       AttachDaemonCommand},
      {"sessions", "List, show and export research sessions", AttachSessionsCommand},
      {"docs", "Manage and search the local document index (add, list, rm, search)",
       AttachDocsCommand},
      {"tools", "List the agent's tools, or run one by hand", AttachToolsCommand},
      {"bench", "Run a command or a benchmark spec in the sandbox and measure it", AttachBenchCommand},
      {"mcp", "List MCP servers and their tools, or call one by hand", AttachMcpCommand},
      {"catalog", "List, show and add the AI tools intern knows", AttachCatalogCommand},
      {"config", "Show the merged configuration, its files, or write a commented user config",
       AttachConfigCommand},
      {"version", "Print the version of intern and its libraries", AttachVersionCommand},
  };
  return kCommands;
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           std::optional<config::LoadOptions> load_options,
           const std::function<void(CliContext&)>& wire) {
  CliContext ctx{out, err, {}, kExitOk, std::move(load_options), nullptr};
  if (wire) wire(ctx);
  CLI::App app{"intern — researches AI tools and drafts side-by-side comparisons for review",
               "intern"};
  app.require_subcommand(1);
  app.add_option("-c,--set", ctx.config_overrides,
                 "Override a config value for this run (KEY=VALUE, repeatable)")
      ->type_name("KEY=VALUE");
  app.footer("Exit codes: 0 ok, 1 error, 2 usage, 3 stopped by cap, budget or loop detection.\n"
             "Run `intern COMMAND --help` for a command's options.");
  for (const CommandSpec& spec : Commands()) {
    CLI::App* cmd = app.add_subcommand(spec.name, spec.summary);
    spec.attach(*cmd, ctx);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {  // --version and friends
      out << e.what() << "\n";
      return kExitOk;
    }
    err << fmt::format("intern: {} (see `intern --help`)\n", e.what());
    return kExitUsage;
  } catch (const Error& e) {
    err << fmt::format("intern: {}\n", e.what());
    return e.exit_code();
  }
  return ctx.exit_code;
}

}  // namespace intern::agent
