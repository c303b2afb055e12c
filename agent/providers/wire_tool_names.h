#pragma once
// Tool names as the vendor APIs accept them. The Anthropic Messages API and OpenAI Chat
// Completions both refuse a tool (and a function call in the history) whose name does not match
// ^[a-zA-Z0-9_-]{1,64}$, while the registry names MCP tools `server.tool`. The converters map
// names at the wire edge only: the rest of the program never sees a wire name.
//
// The mapping of one name depends only on that name, so the same tool keeps its wire name from
// request to request (and across the history): a valid name is sent unchanged; any other name
// has each character outside the set replaced by '_', is cut to 55 characters, and gets "_" and
// 8 hex digits of a hash of the original name (64 characters at most). Two names of one request
// that would still share a wire name (a hash collision, or a registry name that already looks
// like another's wire name) are told apart by re-hashing with a counter, so the map of one
// request is always collision-free and reversible.
//
// Thread safety: a const object may be shared.

#include <map>
#include <string>
#include <string_view>

#include "agent/message.h"

namespace intern::agent::wire {

// True when `name` matches ^[a-zA-Z0-9_-]{1,64}$.
bool IsValidWireToolName(std::string_view name);

class ToolNames {
 public:
  // The identity map: every name is sent and read back as it is.
  ToolNames() = default;
  // The map of one request: its tools first (so their wire names do not depend on the history),
  // then the tool calls in its history and the tool_choice name.
  explicit ToolNames(const LlmRequest& request);

  // The wire name of a registry name. A name the map was not built from gets its one-name
  // mapping (still a valid wire name).
  std::string ToWire(const std::string& name) const;
  // The registry name of a wire name from an answer; an unknown wire name passes through
  // unchanged, so the loop reports it as the unknown tool the model asked for.
  std::string FromWire(const std::string& wire_name) const;

 private:
  void Add(const std::string& name);

  bool identity_ = true;
  std::map<std::string, std::string> to_wire_;
  std::map<std::string, std::string> from_wire_;
};

}  // namespace intern::agent::wire
