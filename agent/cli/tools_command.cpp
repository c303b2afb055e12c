// `intern tools list` and `intern tools run NAME --args JSON`: the agent's tools, run by hand
// (for operators, debugging and tests), recording evidence into a session as the agent would.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "agent/cli/cli.h"
#include "agent/toolbox.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string FirstSentence(const std::string& text) {
  size_t end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

// Asks on the terminal whether a benchmark may run; anything but y/yes is a no.
bool AskOnTerminal(const std::string& summary) {
  std::cerr << "intern: the tool wants to " << summary << "\nRun it? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

void RunList(CliContext& ctx, bool as_json) {
  const config::Config& cfg = LoadConfig(ctx);
  sessions::Store scratch = sessions::Store::OpenInMemory();
  ToolboxOptions options;
  options.docs_index_path = ":memory:";
  Toolbox toolbox(cfg, scratch, options);
  if (as_json) {
    json out = json::array();
    for (tools::Tool* t : toolbox.registry().List())
      out.push_back({{"name", t->name()},
                     {"approval", tools::ApprovalClassName(t->approval_class())},
                     {"description", t->description()},
                     {"schema", t->schema()}});
    ctx.out << out.dump(2) << "\n";
    return;
  }
  ctx.out << fmt::format("{:<15} {:<9} {}\n", "TOOL", "APPROVAL", "WHAT IT DOES");
  for (tools::Tool* t : toolbox.registry().List())
    ctx.out << fmt::format("{:<15} {:<9} {}\n", t->name(),
                           tools::ApprovalClassName(t->approval_class()),
                           FirstSentence(t->description()));
}

struct RunOptions {
  std::string name;
  std::string args = "{}";
  std::string session;
  bool json = false;
};

void RunTool(CliContext& ctx, const RunOptions& o) {
  const config::Config& cfg = LoadConfig(ctx);
  sessions::Store store = sessions::Store::Open(config::StorePath(cfg));
  std::string session_id = o.session;
  if (session_id.empty()) {
    sessions::Session s;
    s.kind = "tools";
    s.title = "tools run " + o.name;
    s.status = sessions::SessionStatus::kDone;
    session_id = store.CreateSession(s).id;
  } else if (!store.GetSession(session_id)) {
    throw Error(fmt::format("no session \"{}\" in {} (see `intern sessions list`)", session_id,
                            config::StorePath(cfg).string()));
  }
  ToolboxOptions options;
  options.is_tty = isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
  options.asker = AskOnTerminal;
  options.allow_local_repos = true;  // the operator's own command: their repositories are fair
  Toolbox toolbox(cfg, store, options);
  if (toolbox.registry().Find(o.name) == nullptr) {
    std::string names;
    for (tools::Tool* t : toolbox.registry().List()) names += (names.empty() ? "" : ", ") + t->name();
    throw UsageError(fmt::format("there is no tool \"{}\"; the tools are {}", o.name, names));
  }

  tools::StoreLedger ledger(store, session_id);
  tools::ToolContext tool_ctx{ledger, SystemClock::Instance(), session_id};
  tools::ToolResult result = toolbox.registry().Invoke(o.name, o.args, tool_ctx);

  if (o.json) {
    json evidence = json::array();
    for (const std::string& id : result.evidence_ids) {
      std::optional<tools::EvidenceRecord> r = ledger.Get(id);
      if (!r) continue;
      evidence.push_back({{"id", id},
                          {"kind", r->draft.kind},
                          {"field", r->draft.field},
                          {"value", r->draft.value},
                          {"source_url", r->draft.source_url}});
    }
    ctx.out << json{{"tool", o.name},
                    {"session", session_id},
                    {"is_error", result.is_error},
                    {"content", result.content},
                    {"evidence", evidence}}
                   .dump(2, ' ', false, json::error_handler_t::replace)
            << "\n";
  } else {
    ctx.out << result.content << "\n";
    if (!result.evidence_ids.empty())
      ctx.err << fmt::format("intern: {} evidence item(s) recorded in session {}\n",
                             result.evidence_ids.size(), session_id);
  }
  if (result.is_error) ctx.exit_code = kExitError;
}

}  // namespace

void AttachToolsCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);
  auto list_json = std::make_shared<bool>(false);
  CLI::App* list = cmd.add_subcommand("list", "List the agent's tools and their approval classes");
  list->add_flag("--json", *list_json, "Print names, descriptions and argument schemas as JSON");
  list->callback([&ctx, list_json] { RunList(ctx, *list_json); });

  auto opts = std::make_shared<RunOptions>();
  CLI::App* run = cmd.add_subcommand(
      "run", "Run one tool by hand, recording its evidence in a session like the agent would");
  run->add_option("name", opts->name, "Tool name (see `intern tools list`)")->required();
  run->add_option("--args", opts->args, "Arguments as one JSON object")
      ->type_name("JSON")
      ->capture_default_str();
  run->add_option("--session", opts->session,
                  "Record evidence into this session (default: a new session of kind \"tools\")");
  run->add_flag("--json", opts->json, "Print the result and its evidence as JSON");
  run->callback([&ctx, opts] { RunTool(ctx, *opts); });
}

}  // namespace intern::agent
