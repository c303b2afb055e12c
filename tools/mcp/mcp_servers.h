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

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/clock.h"
#include "config/config.h"
#include "tools/http/http_client.h"
#include "tools/mcp/mcp_client.h"
#include "tools/mcp/mcp_tool.h"
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

// The offered tools of one server as they are now (a ToolSource, registry.h): after the server
// sends notifications/tools/list_changed, the next Tools() lists again, so a tool it added is
// offered from the next iteration on, and one it removed is no longer offered (a call of it
// already on its way fails at the server). A tool whose description or schema changed is a new
// McpTool; the old object is kept for the source's life, as ToolSource requires.
class McpToolSource final : public ToolSource {
 public:
  McpToolSource(config::McpServerConfig server, std::shared_ptr<McpClient> client);
  std::vector<Tool*> Tools() override;

 private:
  config::McpServerConfig server_;
  std::shared_ptr<McpClient> client_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<McpTool>> current_;  // by the server's tool name
  std::vector<std::unique_ptr<McpTool>> replaced_;
};

// Adds each connected server's tools to `registry` as an McpToolSource. A registered tool of the
// same name wins (two servers cannot collide: names carry the server's).
void RegisterMcpTools(const McpServers& servers, ToolRegistry& registry);

// Builds, connects and registers the servers of `cfg` in one go (Toolbox); does nothing when no
// server is configured. With `docs`, the text resources of servers configured with
// index_resources go into that document index.
void AddMcpTools(const config::Config& cfg, HttpClient& http, ToolRegistry& registry,
                 DocIndex* docs = nullptr);

}  // namespace intern::tools
