#include "agent/message_json.h"

#include <nlohmann/json.hpp>
#include <type_traits>

namespace intern::agent {
namespace {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json BlockToJson(const ContentBlock& block) {
  return std::visit(
      [](const auto& b) -> json {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, TextBlock>) {
          return json{{"type", "text"}, {"text", b.text}};
        } else if constexpr (std::is_same_v<T, ToolUseBlock>) {
          return json{{"type", "tool_use"}, {"id", b.id}, {"name", b.name}, {"input", b.input}};
        } else {
          return json{{"type", "tool_result"},
                      {"tool_use_id", b.tool_use_id},
                      {"content", b.content},
                      {"is_error", b.is_error}};
        }
      },
      block);
}

json ToJson(const Message& m) {
  json content = json::array();
  for (const auto& block : m.content) content.push_back(BlockToJson(block));
  return json{{"role", RoleName(m.role)}, {"content", content}};
}

// Lenient readers: a value of the wrong type reads as the default.
std::string StringOr(const json& obj, const char* key, std::string fallback = "") {
  auto it = obj.find(key);
  if (it == obj.end()) return fallback;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_null()) return fallback;
  return Dump(*it);
}

bool BoolOr(const json& obj, const char* key, bool fallback) {
  auto it = obj.find(key);
  return (it != obj.end() && it->is_boolean()) ? it->get<bool>() : fallback;
}

std::int64_t IntOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  return (it != obj.end() && it->is_number()) ? it->get<std::int64_t>() : 0;
}

Result<Message> FromJson(const json& j) {
  if (!j.is_object()) return Fail(ErrorCode::kInvalidArgument, "message JSON: expected an object");
  Message m;
  std::string role = StringOr(j, "role", "user");
  if (role == "system") {
    m.role = Role::kSystem;
  } else if (role == "user") {
    m.role = Role::kUser;
  } else if (role == "assistant") {
    m.role = Role::kAssistant;
  } else if (role == "tool") {
    m.role = Role::kTool;
  } else {
    return Fail(ErrorCode::kInvalidArgument, "message JSON: unknown role \"" + role + "\"");
  }
  auto content = j.find("content");
  if (content == j.end() || content->is_null()) return m;
  if (content->is_string()) {  // a bare string is one text block
    m.content.emplace_back(TextBlock{content->get<std::string>()});
    return m;
  }
  if (!content->is_array()) return m;
  for (const auto& b : *content) {
    if (!b.is_object()) continue;
    std::string type = StringOr(b, "type", "text");
    if (type == "text") {
      m.content.emplace_back(TextBlock{StringOr(b, "text")});
    } else if (type == "tool_use") {
      m.content.emplace_back(
          ToolUseBlock{StringOr(b, "id"), StringOr(b, "name"), StringOr(b, "input")});
    } else if (type == "tool_result") {
      m.content.emplace_back(ToolResultBlock{StringOr(b, "tool_use_id"), StringOr(b, "content"),
                                             BoolOr(b, "is_error", false)});
    }
  }
  return m;
}

Result<json> Parse(std::string_view text, const char* what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return Fail(ErrorCode::kInvalidArgument, std::string(what) + ": not valid JSON");
  return j;
}

}  // namespace

std::string MessageToJson(const Message& message) { return Dump(ToJson(message)); }

std::string MessagesToJson(const std::vector<Message>& messages) {
  json arr = json::array();
  for (const auto& m : messages) arr.push_back(ToJson(m));
  return Dump(arr);
}

Result<Message> MessageFromJson(std::string_view text) {
  auto j = Parse(text, "message JSON");
  if (!j) return j.failure();
  return FromJson(*j);
}

Result<std::vector<Message>> MessagesFromJson(std::string_view text) {
  auto j = Parse(text, "messages JSON");
  if (!j) return j.failure();
  if (!j->is_array()) return Fail(ErrorCode::kInvalidArgument, "messages JSON: expected an array");
  std::vector<Message> out;
  for (const auto& item : *j) {
    auto m = FromJson(item);
    if (!m) return m.failure();
    out.push_back(std::move(*m));
  }
  return out;
}

std::string UsageToJson(const Usage& usage) {
  return Dump(json{{"input", usage.input},
                   {"output", usage.output},
                   {"cache_read", usage.cache_read},
                   {"cache_write", usage.cache_write}});
}

Result<Usage> UsageFromJson(std::string_view text) {
  auto j = Parse(text, "usage JSON");
  if (!j) return j.failure();
  if (!j->is_object()) return Fail(ErrorCode::kInvalidArgument, "usage JSON: expected an object");
  return Usage{IntOr(*j, "input"), IntOr(*j, "output"), IntOr(*j, "cache_read"),
               IntOr(*j, "cache_write")};
}

}  // namespace intern::agent
