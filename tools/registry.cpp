#include "tools/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "config/error.h"
#include "tools/schema_validator.h"

namespace intern::tools {

void ToolRegistry::Register(std::unique_ptr<Tool> tool) {
  const bool taken = std::any_of(tools_.begin(), tools_.end(),
                                 [&](const auto& t) { return t->name() == tool->name(); });
  if (taken) throw Error(fmt::format("a tool named \"{}\" is already registered", tool->name()));
  tools_.push_back(std::move(tool));
}

void ToolRegistry::AddSource(std::shared_ptr<ToolSource> source) {
  sources_.push_back(std::move(source));
}

Tool* ToolRegistry::Find(const std::string& name) const {
  for (const auto& t : tools_)
    if (t->name() == name) return t.get();
  for (const auto& source : sources_)
    for (Tool* t : source->Tools())
      if (t->name() == name) return t;
  return nullptr;
}

std::vector<Tool*> ToolRegistry::Registered() const {
  std::vector<Tool*> out;
  for (const auto& t : tools_) out.push_back(t.get());
  return out;
}

std::vector<Tool*> ToolRegistry::List() const {
  std::vector<Tool*> out;
  std::set<std::string> names;
  for (const auto& t : tools_) {
    out.push_back(t.get());
    names.insert(t->name());
  }
  for (const auto& source : sources_)
    for (Tool* t : source->Tools())
      if (names.insert(t->name()).second) out.push_back(t);
  return out;
}

Result<nlohmann::json> ParseToolArguments(const Tool& tool, const std::string& arguments_json) {
  nlohmann::json args;
  // Models send "" for a call without arguments; treat it as {}.
  if (arguments_json.find_first_not_of(" \t\r\n") == std::string::npos) {
    args = nlohmann::json::object();
  } else {
    try {
      args = nlohmann::json::parse(arguments_json);
    } catch (const nlohmann::json::parse_error& e) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the arguments of {} are not valid JSON (at byte {}); send one JSON "
                              "object matching its schema",
                              tool.name(), e.byte));
    } catch (const nlohmann::json::out_of_range&) {
      // A number too large for a double ("1E34567") is refused by the parser with this, not
      // parse_error; found by fuzzing.
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the arguments of {} hold a number too large to read; send one JSON "
                              "object matching its schema",
                              tool.name()));
    }
  }
  if (!args.is_object())
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the arguments of {} must be a JSON object, got {}", tool.name(),
                            args.type_name()));
  std::vector<std::string> errors = ValidateAgainstSchema(args, tool.schema());
  if (!errors.empty()) {
    std::string text = fmt::format("invalid arguments for {}: ", tool.name());
    for (size_t i = 0; i < errors.size(); ++i) text += (i ? "; " : "") + errors[i];
    return Fail(ErrorCode::kInvalidArgument, text);
  }
  ApplyDefaults(args, tool.schema());
  return args;
}

ToolResult ToolRegistry::Invoke(const std::string& name, const std::string& arguments_json,
                                ToolContext& ctx) const {
  Tool* tool = Find(name);
  if (tool == nullptr) {
    std::string names;
    for (const auto& t : tools_) names += (names.empty() ? "" : ", ") + t->name();
    return ToolResult::Error(fmt::format("unknown tool \"{}\" (available: {})", name, names));
  }
  Result<nlohmann::json> args = ParseToolArguments(*tool, arguments_json);
  if (!args) return ToolResult::Error(args.message());
  try {
    return tool->Run(*args, ctx);
  } catch (const std::exception& e) {
    return ToolResult::Error(fmt::format("tool {} failed: {}", name, e.what()));
  }
}

}  // namespace intern::tools
