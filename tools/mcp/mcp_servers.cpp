#include "tools/mcp/mcp_servers.h"

#include <algorithm>
#include <future>

#include "tools/mcp/http_transport.h"
#include "tools/mcp/mcp_resource_index.h"
#include "tools/mcp/mcp_tool.h"
#include "tools/mcp/stdio_transport.h"

namespace intern::tools {

McpServers::McpServers(const config::Config& cfg, HttpClient& http, Clock* clock) {
  std::size_t max_message = static_cast<std::size_t>(cfg.mcp.max_message_kb) * 1024;
  for (const config::McpServerConfig& server : cfg.mcp.servers) {
    McpServer entry{server, nullptr};
    if (server.enabled) {
      McpClientOptions options;
      options.server_name = server.name;
      options.call_timeout = server.timeout;
      options.startup_timeout = cfg.mcp.startup_timeout;
      options.max_restarts = cfg.mcp.max_restarts;
      options.clock = clock;
      if (server.transport == "http") {
        HttpTransportOptions http_options;
        http_options.url = server.url;
        for (const auto& [name, value] : server.headers)
          http_options.headers.emplace_back(name, value);
        http_options.max_message_bytes = max_message;
        http_options.default_timeout = server.timeout;
        options.make_transport = [&http, http_options] {
          return std::make_unique<HttpTransport>(http, http_options);
        };
      } else {
        StdioTransportOptions stdio;
        stdio.child = {server.command, server.args, server.env, server.cwd};
        stdio.max_message_bytes = max_message;
        options.make_transport = [stdio] { return std::make_unique<StdioTransport>(stdio); };
      }
      entry.client = std::make_shared<McpClient>(std::move(options));
    }
    servers_.push_back(std::move(entry));
  }
}

void McpServers::ConnectAll() {
  std::vector<std::future<Status>> started;
  for (McpServer& server : servers_)
    if (server.client)
      started.push_back(
          std::async(std::launch::async, [&server] { return server.client->Connect(); }));
  for (auto& s : started) (void)s.get();  // each client keeps its own failure in state_detail()
}

const McpServer* McpServers::Find(const std::string& name) const {
  for (const McpServer& server : servers_)
    if (server.config.name == name) return &server;
  return nullptr;
}

std::optional<ApprovalClass> McpToolApproval(const config::McpServerConfig& server,
                                             const std::string& tool) {
  if (std::ranges::find(server.deny, tool) != server.deny.end()) return std::nullopt;
  if (std::ranges::find(server.allow, tool) != server.allow.end()) return ApprovalClass::kRead;
  if (server.approval == "read") return ApprovalClass::kRead;
  if (server.approval == "deny") return std::nullopt;
  return ApprovalClass::kAsk;
}

McpToolSource::McpToolSource(config::McpServerConfig server, std::shared_ptr<McpClient> client)
    : server_(std::move(server)), client_(std::move(client)) {}

std::vector<Tool*> McpToolSource::Tools() {
  std::vector<McpToolInfo> infos = client_->Tools();  // lists again if the server said so
  std::lock_guard lock(mu_);
  std::vector<Tool*> out;
  for (McpToolInfo& info : infos) {
    std::optional<ApprovalClass> approval = McpToolApproval(server_, info.name);
    if (!approval) continue;
    std::unique_ptr<McpTool>& tool = current_[info.name];
    const bool same = tool && tool->info().description == info.description &&
                      tool->info().title == info.title &&
                      tool->info().input_schema == info.input_schema;
    if (!same) {
      if (tool) replaced_.push_back(std::move(tool));
      tool = std::make_unique<McpTool>(client_, std::move(info), *approval);
    }
    out.push_back(tool.get());
  }
  return out;
}

void RegisterMcpTools(const McpServers& servers, ToolRegistry& registry) {
  for (const McpServer& server : servers.servers()) {
    if (!server.client || server.client->state() != McpServerState::kReady) continue;
    registry.AddSource(std::make_shared<McpToolSource>(server.config, server.client));
  }
}

void AddMcpTools(const config::Config& cfg, HttpClient& http, ToolRegistry& registry,
                 DocIndex* docs) {
  if (cfg.mcp.servers.empty()) return;
  McpServers servers(cfg, http);
  servers.ConnectAll();
  RegisterMcpTools(servers, registry);
  if (docs == nullptr) return;
  for (const McpServer& server : servers.servers())
    if (server.config.index_resources && server.client &&
        server.client->state() == McpServerState::kReady && server.client->offers_resources())
      (void)IndexMcpResources(*server.client, *docs);  // best effort: unreadable ones are skipped
}

}  // namespace intern::tools
