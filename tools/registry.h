#pragma once
// ToolRegistry — the tools a session may call, by name, and the one door every call goes through.
//
// Invoke(name, arguments_json_text, ctx):
//   unknown tool            → error result naming the available tools;
//   invalid JSON            → error result with the parser's position;
//   schema violations       → error result listing them (wrong types, missing or unknown fields);
//   otherwise               → defaults filled in, then Tool::Run; an exception escaping a tool
//                             becomes an error result ("tool X failed: …"), never a crash.
// Approval is not decided here: the loop asks its approval policy before calling Invoke for tools
// whose class is not kRead.
//
// Tools that come and go while a session runs (an MCP server's, after it sends
// notifications/tools/list_changed) come from ToolSources: List and Find ask each source every
// time, so the tools the model is offered next iteration are the source's current ones. A
// registered tool wins over a source's tool of the same name, and an earlier source over a later.
//
// Thread safety: Register and AddSource before use; afterwards Find/List/Invoke may be called
// concurrently (sources must allow that too).

#include <memory>
#include <string>
#include <vector>

#include "tools/tool.h"

namespace intern::tools {

// A changing set of tools (above). Tools() returns the ones offered now; every pointer it has ever
// returned must stay valid for the life of the source (it keeps a tool it stops offering).
class ToolSource {
 public:
  virtual ~ToolSource() = default;
  virtual std::vector<Tool*> Tools() = 0;
};

class ToolRegistry {
 public:
  // Takes ownership. Throws intern::Error when a tool of the same name is already registered.
  void Register(std::unique_ptr<Tool> tool);

  // Adds a source of tools (kept alive by the registry, shared with whoever else holds it).
  void AddSource(std::shared_ptr<ToolSource> source);
  const std::vector<std::shared_ptr<ToolSource>>& sources() const { return sources_; }

  // The tool called `name`, or nullptr.
  Tool* Find(const std::string& name) const;
  // Every tool: the registered ones in registration order, then each source's current ones.
  std::vector<Tool*> List() const;
  // The registered tools only (no source's).
  std::vector<Tool*> Registered() const;

  ToolResult Invoke(const std::string& name, const std::string& arguments_json,
                    ToolContext& ctx) const;

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
  std::vector<std::shared_ptr<ToolSource>> sources_;
};

// The parsed, validated and defaulted arguments for `tool`, or a failure (kInvalidArgument) whose
// message is the text the model gets back. Exposed for the CLI's `tools run` and for tests.
Result<nlohmann::json> ParseToolArguments(const Tool& tool, const std::string& arguments_json);

}  // namespace intern::tools
