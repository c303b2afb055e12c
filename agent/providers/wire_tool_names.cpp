#include "agent/providers/wire_tool_names.h"

#include <fmt/format.h>

#include <cstdint>
#include <variant>

namespace intern::agent::wire {
namespace {

constexpr std::size_t kMaxWireName = 64;
constexpr std::size_t kSuffix = 9;  // "_" + 8 hex digits

bool IsWireChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// FNV-1a: small, stable across platforms and runs (std::hash is neither promised).
std::uint64_t Fnv1a(std::string_view text, std::uint64_t salt) {
  std::uint64_t h = 14695981039346656037ull ^ salt;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// The wire name of `name` on its own; `salt` > 0 only to break a collision inside one request.
std::string EncodeOne(const std::string& name, std::uint64_t salt) {
  if (salt == 0 && IsValidWireToolName(name)) return name;
  std::string base;
  for (char c : name) {
    if (base.size() == kMaxWireName - kSuffix) break;
    base += IsWireChar(c) ? c : '_';
  }
  return fmt::format("{}_{:08x}", base, Fnv1a(name, salt) & 0xffffffffu);
}

}  // namespace

bool IsValidWireToolName(std::string_view name) {
  if (name.empty() || name.size() > kMaxWireName) return false;
  for (char c : name) {
    if (!IsWireChar(c)) return false;
  }
  return true;
}

ToolNames::ToolNames(const LlmRequest& request) : identity_(false) {
  // Valid tool names first: they are sent unchanged, so an encoded name must step around them.
  for (const ToolSpec& tool : request.tools) {
    if (IsValidWireToolName(tool.name)) Add(tool.name);
  }
  for (const ToolSpec& tool : request.tools) Add(tool.name);
  for (const Message& message : request.messages) {
    for (const ContentBlock& block : message.content) {
      if (const auto* use = std::get_if<ToolUseBlock>(&block)) Add(use->name);
    }
  }
  if (request.tool_choice.mode == ToolChoice::Mode::kTool) Add(request.tool_choice.tool_name);
}

void ToolNames::Add(const std::string& name) {
  if (to_wire_.count(name)) return;
  for (std::uint64_t salt = 0;; ++salt) {
    std::string wire_name = EncodeOne(name, salt);
    if (from_wire_.emplace(wire_name, name).second) {
      to_wire_.emplace(name, std::move(wire_name));
      return;
    }
  }
}

std::string ToolNames::ToWire(const std::string& name) const {
  if (identity_) return name;
  auto it = to_wire_.find(name);
  return it != to_wire_.end() ? it->second : EncodeOne(name, 0);
}

std::string ToolNames::FromWire(const std::string& wire_name) const {
  if (identity_) return wire_name;
  auto it = from_wire_.find(wire_name);
  return it != from_wire_.end() ? it->second : wire_name;
}

}  // namespace intern::agent::wire
