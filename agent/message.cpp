#include "agent/message.h"

#include <type_traits>

namespace intern::agent {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kSystem:
      return "system";
    case Role::kUser:
      return "user";
    case Role::kAssistant:
      return "assistant";
    case Role::kTool:
      return "tool";
  }
  return "user";
}

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kEndTurn:
      return "end_turn";
    case StopReason::kToolUse:
      return "tool_use";
    case StopReason::kMaxTokens:
      return "max_tokens";
    case StopReason::kStopSequence:
      return "stop_sequence";
    case StopReason::kRefusal:
      return "refusal";
    case StopReason::kOther:
      return "other";
  }
  return "other";
}

Message Message::System(std::string text) {
  return Message{Role::kSystem, {TextBlock{std::move(text)}}};
}

Message Message::User(std::string text) {
  return Message{Role::kUser, {TextBlock{std::move(text)}}};
}

Message Message::Assistant(std::string text) {
  return Message{Role::kAssistant, {TextBlock{std::move(text)}}};
}

Message Message::ToolResults(std::vector<ToolResultBlock> results) {
  Message m{Role::kTool, {}};
  for (auto& r : results) m.content.emplace_back(std::move(r));
  return m;
}

std::string Message::Text() const {
  std::string out;
  bool first = true;
  for (const auto& block : content) {
    if (const auto* t = std::get_if<TextBlock>(&block)) {
      if (!first) out += '\n';
      out += t->text;
      first = false;
    }
  }
  return out;
}

std::vector<ToolCall> Message::ToolCalls() const {
  std::vector<ToolCall> calls;
  for (const auto& block : content) {
    if (const auto* u = std::get_if<ToolUseBlock>(&block)) {
      calls.push_back(ToolCall{u->id, u->name, u->input});
    }
  }
  return calls;
}

bool Message::HasToolUse() const {
  for (const auto& block : content) {
    if (std::holds_alternative<ToolUseBlock>(block)) return true;
  }
  return false;
}

bool Message::HasToolResult() const {
  for (const auto& block : content) {
    if (std::holds_alternative<ToolResultBlock>(block)) return true;
  }
  return false;
}

std::size_t Message::CharCount() const {
  std::size_t n = 0;
  for (const auto& block : content) {
    std::visit(
        [&n](const auto& b) {
          using T = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<T, TextBlock>) {
            n += b.text.size();
          } else if constexpr (std::is_same_v<T, ToolUseBlock>) {
            n += b.id.size() + b.name.size() + b.input.size();
          } else {
            n += b.tool_use_id.size() + b.content.size();
          }
        },
        block);
  }
  return n;
}

Usage& Usage::operator+=(const Usage& other) {
  input += other.input;
  output += other.output;
  cache_read += other.cache_read;
  cache_write += other.cache_write;
  return *this;
}

}  // namespace intern::agent
