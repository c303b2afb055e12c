#include "tools/mcp/mcp_tool.h"

#include <fmt/format.h>

namespace intern::tools {
namespace {

using nlohmann::json;

std::string FirstLine(const std::string& text, size_t max_chars) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max_chars) {
    line.resize(max_chars);
    line += "…";
  }
  return line;
}

}  // namespace

json NormalizeMcpSchema(json schema) {
  if (!schema.is_object()) return schema;
  bool is_object_schema =
      schema.contains("properties") || (schema.contains("type") && schema["type"] == "object");
  if (is_object_schema && !schema.contains("additionalProperties"))
    schema["additionalProperties"] = true;
  // Subschemas by keyword: maps of name -> schema, lists of schemas, single schemas.
  for (const char* key : {"properties", "patternProperties", "$defs", "definitions"})
    if (schema.contains(key) && schema[key].is_object())
      for (auto& [name, sub] : schema[key].items()) sub = NormalizeMcpSchema(std::move(sub));
  for (const char* key : {"anyOf", "oneOf", "allOf", "prefixItems"})
    if (schema.contains(key) && schema[key].is_array())
      for (json& sub : schema[key]) sub = NormalizeMcpSchema(std::move(sub));
  for (const char* key : {"items", "additionalProperties", "not"})
    if (schema.contains(key) && schema[key].is_object())
      schema[key] = NormalizeMcpSchema(std::move(schema[key]));
  return schema;
}

McpTool::McpTool(std::shared_ptr<McpClient> client, McpToolInfo info, ApprovalClass approval)
    : client_(std::move(client)),
      info_(std::move(info)),
      approval_(approval),
      schema_(NormalizeMcpSchema(info_.input_schema)) {
  if (!schema_.is_object()) schema_ = json{{"type", "object"}, {"additionalProperties", true}};
}

std::string McpTool::name() const { return client_->name() + "." + info_.name; }

std::string McpTool::description() const {
  std::string text = info_.description.empty() ? info_.title : info_.description;
  return fmt::format("{}{}(tool \"{}\" of the MCP server \"{}\")", text,
                     text.empty() ? "" : " ", info_.name, client_->name());
}

std::string McpTool::Describe(const json& args) const {
  std::string shown = args.dump(-1, ' ', false, json::error_handler_t::replace);
  if (shown.size() > 200) {
    shown.resize(200);
    shown += "…";
  }
  return fmt::format("call {} on the MCP server \"{}\" with {}", info_.name, client_->name(),
                     shown);
}

ToolResult McpTool::Run(const json& args, ToolContext& ctx) {
  Result<McpCallOutcome> outcome = client_->CallTool(info_.name, args, ctx.cancel);
  if (!outcome) return ToolResult::Error(outcome.message());
  if (outcome->is_error)
    return ToolResult::Error(fmt::format("{} reported an error: {}", name(), outcome->text));

  EvidenceDraft draft;
  draft.kind = "document";
  draft.value = FirstLine(outcome->text, 160);
  draft.source_url = fmt::format("mcp://{}/{}", client_->name(), info_.name);
  draft.title = fmt::format("{} ({})", name(), FirstLine(Describe(args), 160));
  draft.body = outcome->text;
  draft.tool = name();
  ToolResult result{outcome->text, false, {}};
  if (Result<std::string> id = ctx.ledger.Record(draft); id)
    result.evidence_ids.push_back(*id);
  else
    result.content += fmt::format("\n[not recorded as evidence: {}]", id.message());
  return result;
}

}  // namespace intern::tools
