#pragma once
// McpServers — the configured MCP servers (`[[mcp.servers]]`, config.h) as clients, and their
// tools in a ToolRegistry.
//
// Which tools are offered, and how they are gated (McpToolApproval): a tool on the server's
// `deny` list is never offered; one on its `allow` list runs without asking (kRead); every other
// tool gets the server's `approval`: "ask" (default) -> kAsk, "read" -> kRead, "deny" -> not
// offered. The server's own annotations (readOnlyHint) never change this.
//
// Thread safety: construct and ConnectAll from one thread; afterwards the clients are shared
// (the tools registered hold them, so they live as long as the registry).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/clock.h"
#include "config/config.h"
#include "tools/http/http_client.h"
#include "tools/mcp/mcp_client.h"
#include "tools/registry.h"
#include "tools/tool.h"

namespace intern::tools {

class DocIndex;

struct McpServer {
  config::McpServerConfig config;
  std::shared_ptr<McpClient> client;  // null for a server disabled in the config
};

class McpServers {
 public:
  // Makes a client per server; nothing starts yet. `http` (for the http transport) must outlive
  // every client, and so the registry their tools go into. `clock` null: SystemClock.
  McpServers(const config::Config& cfg, HttpClient& http, Clock* clock = nullptr);

  // Connects every enabled server, in parallel, each within mcp.startup_timeout. A server that
  // fails stays broken (its state says why); the others are unaffected.
  void ConnectAll();

  const std::vector<McpServer>& servers() const { return servers_; }
  // nullptr when no server has that name.
  const McpServer* Find(const std::string& name) const;

 private:
  std::vector<McpServer> servers_;
};

// The approval class of `tool` of `server`, or nullopt when the tool is not offered.
std::optional<ApprovalClass> McpToolApproval(const config::McpServerConfig& server,
                                             const std::string& tool);

// Registers the offered tools of every connected server. A tool whose name is already in the
// registry is skipped (two servers cannot collide: names carry the server's).
void RegisterMcpTools(const McpServers& servers, ToolRegistry& registry);

// Builds, connects and registers the servers of `cfg` in one go (Toolbox); does nothing when no
// server is configured. With `docs`, the text resources of servers configured with
// index_resources go into that document index.
void AddMcpTools(const config::Config& cfg, HttpClient& http, ToolRegistry& registry,
                 DocIndex* docs = nullptr);

}  // namespace intern::tools
