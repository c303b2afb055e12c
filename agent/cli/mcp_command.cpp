// `intern mcp list` and `intern mcp call SERVER TOOL --args JSON`: the configured MCP servers,
// their state and tools, and a tool called by hand. The operator calling a tool directly is the
// approval: no prompt, whatever the server's approval class.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>

#include "agent/cli/cli.h"
#include "agent/toolbox.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tools/http/beast_http_client.h"
#include "tools/mcp/mcp_servers.h"
#include "tools/mcp/mcp_tool.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using nlohmann::json;

const char* StateName(const tools::McpServer& server) {
  if (!server.client) return "off";
  switch (server.client->state()) {
    case tools::McpServerState::kReady: return "ready";
    case tools::McpServerState::kDisabled: return "disabled";
    default: return "failed";
  }
}

std::string ApprovalText(const config::McpServerConfig& server, const std::string& tool) {
  std::optional<tools::ApprovalClass> approval = tools::McpToolApproval(server, tool);
  return approval ? tools::ApprovalClassName(*approval) : "hidden";
}

std::string FirstSentence(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  size_t end = line.find(". ");
  return end == std::string::npos ? line : line.substr(0, end + 1);
}

std::string ServerNames(const config::Config& cfg) {
  std::string names;
  for (const config::McpServerConfig& s : cfg.mcp.servers) names += (names.empty() ? "" : ", ") + s.name;
  return names;
}

void RunList(CliContext& ctx, bool as_json) {
  const config::Config& cfg = LoadConfig(ctx);
  if (cfg.mcp.servers.empty()) {
    if (as_json)
      ctx.out << "[]\n";
    else
      ctx.out << "No MCP servers are configured; add a [[mcp.servers]] entry to a config file "
                 "(`intern config path` shows where; config/default.toml has an example).\n";
    return;
  }
  tools::BeastHttpClient http(HttpOptionsFromConfig(cfg));
  tools::McpServers servers(cfg, http);
  servers.ConnectAll();

  json out = json::array();
  bool all_ready = true;
  for (const tools::McpServer& server : servers.servers()) {
    std::string state = StateName(server);
    all_ready = all_ready && (state == "ready" || state == "off");
    json entry = {{"name", server.config.name},
                  {"transport", server.config.transport},
                  {"status", state},
                  {"detail", server.client ? server.client->state_detail()
                                           : "enabled = false in " + server.config.origin},
                  {"protocol_version", server.client ? server.client->protocol_version() : ""},
                  {"server", server.client ? server.client->server_info() : ""},
                  {"tools", json::array()}};
    if (server.client && server.client->offers_resources()) {
      entry["resources"] = json::array();
      if (auto listed = server.client->ListResources(); listed)
        for (const tools::McpResourceInfo& r : *listed)
          entry["resources"].push_back(
              {{"uri", r.uri}, {"name", r.name}, {"mime_type", r.mime_type}});
    }
    if (server.client)
      for (const tools::McpToolInfo& tool : server.client->Tools())
        entry["tools"].push_back({{"name", server.config.name + "." + tool.name},
                                  {"tool", tool.name},
                                  {"approval", ApprovalText(server.config, tool.name)},
                                  {"description", tool.description},
                                  {"input_schema", tool.input_schema}});
    out.push_back(std::move(entry));
  }
  if (!all_ready) ctx.exit_code = kExitError;
  if (as_json) {
    ctx.out << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  size_t width = 20;
  for (const json& entry : out)
    for (const json& tool : entry["tools"])
      width = std::max(width, tool["name"].get<std::string>().size());
  ctx.out << fmt::format("{:<16} {:<9} {:<9} {}\n", "SERVER", "TRANSPORT", "STATUS", "DETAIL");
  for (const json& entry : out) {
    std::string detail = entry["detail"].get<std::string>();
    if (entry["status"] == "ready")
      detail = fmt::format("{} tools, {} resources; {}, protocol {}", entry["tools"].size(),
                           entry.contains("resources") ? entry["resources"].size() : 0,
                           entry["server"].get<std::string>(),
                           entry["protocol_version"].get<std::string>());
    ctx.out << fmt::format("{:<16} {:<9} {:<9} {}\n", entry["name"].get<std::string>(),
                           entry["transport"].get<std::string>(),
                           entry["status"].get<std::string>(), detail);
    for (const json& tool : entry["tools"])
      ctx.out << fmt::format("  {:<{}} {:<6} {}\n", tool["name"].get<std::string>(), width,
                             tool["approval"].get<std::string>(),
                             FirstSentence(tool["description"].get<std::string>()));
  }
}

struct CallOptions {
  std::string server;
  std::string tool;
  std::string args = "{}";
  bool json = false;
};

void RunCall(CliContext& ctx, const CallOptions& o) {
  const config::Config& cfg = LoadConfig(ctx);
  tools::BeastHttpClient http(HttpOptionsFromConfig(cfg));
  tools::McpServers servers(cfg, http);
  const tools::McpServer* server = servers.Find(o.server);
  if (server == nullptr)
    throw UsageError(cfg.mcp.servers.empty()
                         ? fmt::format("there is no MCP server \"{}\": none is configured (add a "
                                       "[[mcp.servers]] entry to a config file)",
                                       o.server)
                         : fmt::format("there is no MCP server \"{}\"; the servers are {}",
                                       o.server, ServerNames(cfg)));
  if (!server->client)
    throw Error(fmt::format("MCP server \"{}\" is switched off (enabled = false in {}); set "
                            "enabled = true to call it",
                            o.server, server->config.origin));
  if (Status s = server->client->Connect(); !s) throw Error(s.message());
  std::vector<tools::McpToolInfo> listed = server->client->Tools();
  auto found = std::ranges::find(listed, o.tool, &tools::McpToolInfo::name);
  if (found == listed.end()) {
    std::string names;
    for (const tools::McpToolInfo& t : listed) names += (names.empty() ? "" : ", ") + t.name;
    throw UsageError(fmt::format("MCP server \"{}\" has no tool \"{}\"; its tools are {}",
                                 o.server, o.tool, names.empty() ? "none" : names));
  }
  // The operator's own call is the approval, whatever the configured class.
  tools::McpTool tool(server->client, *found, tools::ApprovalClass::kRead);
  Result<json> args = tools::ParseToolArguments(tool, o.args);
  if (!args) throw UsageError(args.message());

  sessions::Store store = sessions::Store::Open(config::StorePath(cfg));
  sessions::Session session;
  session.kind = "mcp";
  session.title = "mcp call " + tool.name();
  session.status = sessions::SessionStatus::kDone;
  std::string session_id = store.CreateSession(session).id;
  tools::StoreLedger ledger(store, session_id);
  tools::ToolContext tool_ctx{ledger, SystemClock::Instance(), session_id};
  tools::ToolResult result = tool.Run(*args, tool_ctx);

  if (o.json) {
    ctx.out << json{{"server", o.server},
                    {"tool", o.tool},
                    {"session", session_id},
                    {"is_error", result.is_error},
                    {"content", result.content},
                    {"evidence", result.evidence_ids}}
                   .dump(2, ' ', false, json::error_handler_t::replace)
            << "\n";
  } else {
    ctx.out << result.content << "\n";
    if (!result.evidence_ids.empty())
      ctx.err << fmt::format("intern: recorded as evidence {} in session {}\n",
                             result.evidence_ids.front(), session_id);
  }
  if (result.is_error) ctx.exit_code = kExitError;
}

}  // namespace

void AttachMcpCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);
  auto list_json = std::make_shared<bool>(false);
  CLI::App* list =
      cmd.add_subcommand("list", "Start the configured MCP servers and list their state and tools");
  list->add_flag("--json", *list_json, "Print servers, status and tools (with schemas) as JSON");
  list->callback([&ctx, list_json] { RunList(ctx, *list_json); });

  auto opts = std::make_shared<CallOptions>();
  CLI::App* call = cmd.add_subcommand(
      "call", "Call one tool of an MCP server by hand (your call is the approval)");
  call->add_option("server", opts->server, "Server name (see `intern mcp list`)")->required();
  call->add_option("tool", opts->tool, "Tool name as the server calls it (without the server)")
      ->required();
  call->add_option("--args", opts->args, "Arguments as one JSON object")
      ->type_name("JSON")
      ->capture_default_str();
  call->add_flag("--json", opts->json, "Print the result and its evidence id as JSON");
  call->callback([&ctx, opts] { RunCall(ctx, *opts); });
}

}  // namespace intern::agent
