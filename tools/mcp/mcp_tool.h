#pragma once
// McpTool — one tool of an MCP server as the agent sees it: named "SERVER.TOOL", described and
// schema'd as the server says, with the approval class the operator configured (never the
// server's own hints). Run calls the server; a failure of the server (dead, hung, malformed,
// oversized) is an error result saying so, never an exception. A successful result is recorded
// in the evidence ledger as a document from `mcp://SERVER/TOOL`.
//
// The schema the model sees is the server's with JSON Schema's own default made explicit: an
// object schema without `additionalProperties` allows extra fields (the registry's validator
// would otherwise refuse them). Keywords the validator does not know are ignored by it.
// Thread safety: Run may be called concurrently (the client is thread-safe).

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "tools/mcp/mcp_client.h"
#include "tools/tool.h"

namespace intern::tools {

class McpTool final : public Tool {
 public:
  McpTool(std::shared_ptr<McpClient> client, McpToolInfo info, ApprovalClass approval);

  std::string name() const override;
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return approval_; }
  std::string Describe(const nlohmann::json& args) const override;
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

  const McpToolInfo& info() const { return info_; }

 private:
  std::shared_ptr<McpClient> client_;
  McpToolInfo info_;
  ApprovalClass approval_;
  nlohmann::json schema_;
};

// `schema` with `additionalProperties: true` added to every object schema that does not say.
nlohmann::json NormalizeMcpSchema(nlohmann::json schema);

}  // namespace intern::tools
