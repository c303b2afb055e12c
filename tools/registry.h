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
// Thread safety: Register before use; afterwards Find/List/Invoke may be called concurrently.

#include <memory>
#include <string>
#include <vector>

#include "tools/tool.h"

namespace intern::tools {

class ToolRegistry {
 public:
  // Takes ownership. Throws intern::Error when a tool of the same name is already registered.
  void Register(std::unique_ptr<Tool> tool);

  // The tool called `name`, or nullptr.
  Tool* Find(const std::string& name) const;
  // Every tool, in registration order.
  std::vector<Tool*> List() const;

  ToolResult Invoke(const std::string& name, const std::string& arguments_json,
                    ToolContext& ctx) const;

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
};

// The parsed, validated and defaulted arguments for `tool`, or a failure (kInvalidArgument) whose
// message is the text the model gets back. Exposed for the CLI's `tools run` and for tests.
Result<nlohmann::json> ParseToolArguments(const Tool& tool, const std::string& arguments_json);

}  // namespace intern::tools
