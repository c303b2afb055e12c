// The request rules FakeLlm enforces: the basic checks the real Messages and Chat Completions
// APIs make, worded like theirs, so a converter bug fails a test instead of passing silently.

#include <fmt/format.h>

#include <set>
#include <string>

#include "tests/support/fake_llm.h"

namespace intern::testing {
namespace {

using Json = nlohmann::json;

bool IsNonEmptyString(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() &&
         !j[key].get<std::string>().empty();
}

int CountCacheControl(const Json& j) {
  int n = 0;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "cache_control") {
        ++n;
      } else {
        n += CountCacheControl(*it);
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) n += CountCacheControl(e);
  }
  return n;
}

// Both APIs refuse a tool or function name outside ^[a-zA-Z0-9_-]{1,64}$.
bool IsValidToolName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string AnthropicNameError(const std::string& where) {
  return where + ": String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
}

std::string OpenAiNameError(const std::string& where) {
  return "Invalid '" + where +
         "': string does not match pattern. Expected a string that matches the pattern "
         "'^[a-zA-Z0-9_-]{1,64}$'.";
}

}  // namespace

std::string CheckAnthropicRequest(const Json& body) {
  if (!body.is_object()) return "request body must be a JSON object";
  if (!IsNonEmptyString(body, "model")) return "model: Field required";
  if (!body.contains("max_tokens") || !body["max_tokens"].is_number_integer() ||
      body["max_tokens"].get<long long>() < 1) {
    return "max_tokens: Field required (a positive integer)";
  }
  if (body.contains("stream") && !body["stream"].is_boolean()) return "stream: must be a boolean";
  if (body.contains("system")) {
    const Json& system = body["system"];
    if (system.is_array()) {
      for (const auto& b : system) {
        if (!b.is_object() || b.value("type", "") != "text" || !IsNonEmptyString(b, "text")) {
          return "system: blocks must be non-empty text blocks";
        }
      }
    } else if (!system.is_string()) {
      return "system: must be a string or an array of text blocks";
    }
  }
  std::set<std::string> tool_names;
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "tools: must be an array";
    for (const auto& t : body["tools"]) {
      if (!IsNonEmptyString(t, "name")) return "tools: each tool needs a name";
      if (!t.contains("input_schema") || !t["input_schema"].is_object()) {
        return fmt::format("tools.{}.input_schema: Field required", t["name"].get<std::string>());
      }
      if (!IsValidToolName(t["name"].get<std::string>())) {
        return AnthropicNameError(fmt::format("tools.{}.name", tool_names.size()));
      }
      tool_names.insert(t["name"].get<std::string>());
    }
  }
  if (body.contains("tool_choice")) {
    const Json& choice = body["tool_choice"];
    std::string type = choice.is_object() ? choice.value("type", "") : "";
    if (type != "auto" && type != "any" && type != "none" && type != "tool") {
      return "tool_choice: type must be one of auto, any, none, tool";
    }
    if (type == "tool" && !tool_names.count(choice.value("name", ""))) {
      return "tool_choice: names a tool that is not in tools";
    }
  }
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return "messages: at least one message is required";
  }
  const Json& messages = body["messages"];
  if (messages[0].value("role", "") != "user")
    return "messages: the first message must use the user role";
  std::set<std::string> open_calls;  // tool_use ids of the previous assistant message
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    std::string role = m.is_object() ? m.value("role", "") : "";
    if (role != "user" && role != "assistant") {
      return fmt::format("messages.{}.role: must be user or assistant, not \"{}\"", i, role);
    }
    if (!m.contains("content")) return fmt::format("messages.{}.content: Field required", i);
    const Json& content = m["content"];
    std::set<std::string> answered;
    std::set<std::string> calls;
    if (content.is_string()) {
      if (content.get<std::string>().empty()) {
        return fmt::format("messages.{}: content must be non-empty", i);
      }
    } else if (content.is_array()) {
      if (content.empty()) return fmt::format("messages.{}: content must be non-empty", i);
      bool seen_other = false;
      for (std::size_t k = 0; k < content.size(); ++k) {
        const Json& b = content[k];
        std::string type = b.is_object() ? b.value("type", "") : "";
        std::string where = fmt::format("messages.{}.content.{}", i, k);
        if (type == "text") {
          if (!IsNonEmptyString(b, "text"))
            return where + ": text content blocks must be non-empty";
          seen_other = true;
        } else if (type == "tool_use") {
          if (role != "assistant") return where + ": tool_use blocks belong to assistant messages";
          if (!IsNonEmptyString(b, "id") || !IsNonEmptyString(b, "name")) {
            return where + ": tool_use needs id and name";
          }
          if (!IsValidToolName(b["name"].get<std::string>())) {
            return AnthropicNameError(where + ".name");
          }
          if (!b.contains("input") || !b["input"].is_object()) {
            return where + ".input: must be an object";
          }
          calls.insert(b["id"].get<std::string>());
          seen_other = true;
        } else if (type == "tool_result") {
          if (role != "user") return where + ": tool_result blocks belong to user messages";
          if (seen_other) {
            return where + ": tool_result blocks must come first in the content of a user message";
          }
          std::string id = b.value("tool_use_id", "");
          if (!open_calls.count(id)) {
            return fmt::format(
                "{}: unexpected `tool_use_id` found in `tool_result` blocks: {}. "
                "Each `tool_result` block must have a corresponding `tool_use` "
                "block in the previous message.",
                where, id);
          }
          if (b.contains("content") && !b["content"].is_string() && !b["content"].is_array()) {
            return where + ".content: must be a string or an array";
          }
          answered.insert(id);
        } else {
          return fmt::format("{}: unknown block type \"{}\"", where, type);
        }
      }
    } else {
      return fmt::format("messages.{}.content: must be a string or an array", i);
    }
    for (const auto& id : open_calls) {
      if (!answered.count(id)) {
        return fmt::format(
            "messages.{}: `tool_use` ids were found without `tool_result` blocks "
            "immediately after: {}",
            i, id);
      }
    }
    open_calls = calls;
  }
  if (int n = CountCacheControl(body); n > 4) {
    return fmt::format("A maximum of 4 blocks with cache_control may be provided. Found {}.", n);
  }
  return "";
}

std::string CheckOpenAiRequest(const Json& body) {
  if (!body.is_object()) return "request body must be a JSON object";
  if (!IsNonEmptyString(body, "model")) return "you must provide a model parameter";
  bool stream =
      body.contains("stream") && body["stream"].is_boolean() && body["stream"].get<bool>();
  if (body.contains("stream_options") && !stream) {
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  }
  std::set<std::string> tool_names;
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "'tools' must be an array";
    for (const auto& t : body["tools"]) {
      if (!t.is_object() || t.value("type", "") != "function" ||
          !IsNonEmptyString(t.value("function", Json::object()), "name")) {
        return "tools: each tool needs type \"function\" and function.name";
      }
      if (t["function"].contains("parameters") && !t["function"]["parameters"].is_object()) {
        return "tools: function.parameters must be an object";
      }
      if (!IsValidToolName(t["function"]["name"].get<std::string>())) {
        return OpenAiNameError(fmt::format("tools[{}].function.name", tool_names.size()));
      }
      tool_names.insert(t["function"]["name"].get<std::string>());
    }
  }
  if (body.contains("tool_choice")) {
    const Json& c = body["tool_choice"];
    if (c.is_string()) {
      std::string s = c.get<std::string>();
      if (s != "auto" && s != "none" && s != "required") return "tool_choice: invalid value";
    } else if (!c.is_object() || c.value("type", "") != "function" ||
               !tool_names.count(c.value("function", Json::object()).value("name", ""))) {
      return "tool_choice: must name a function in tools";
    }
    if (!body.contains("tools")) return "'tool_choice' is only allowed when 'tools' are specified";
  }
  if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
    return "'messages' must contain at least one message";
  }
  const Json& messages = body["messages"];
  std::set<std::string> open_calls;  // ids of the last assistant tool_calls not yet answered
  std::set<std::string> known_calls;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const Json& m = messages[i];
    std::string role = m.is_object() ? m.value("role", "") : "";
    std::string where = fmt::format("messages[{}]", i);
    if (role != "tool" && !open_calls.empty()) {
      return "An assistant message with 'tool_calls' must be followed by tool messages "
             "responding to each 'tool_call_id'. The following tool_call_ids did not have "
             "response messages: " +
             *open_calls.begin();
    }
    if (role == "system" || role == "developer" || role == "user") {
      if (!m.contains("content") || !m["content"].is_string()) {
        return where + ".content: must be a string";
      }
    } else if (role == "assistant") {
      bool has_calls = m.contains("tool_calls");
      if (!m.contains("content") || !(m["content"].is_string() || m["content"].is_null())) {
        return where + ".content: must be a string or null";
      }
      if (m["content"].is_null() && !has_calls) {
        return where + ": content is required unless tool_calls is specified";
      }
      known_calls.clear();
      if (has_calls) {
        if (!m["tool_calls"].is_array() || m["tool_calls"].empty()) {
          return where + ".tool_calls: must be a non-empty array";
        }
        for (const auto& c : m["tool_calls"]) {
          const Json f = c.is_object() ? c.value("function", Json()) : Json();
          if (!IsNonEmptyString(c, "id") || c.value("type", "") != "function" ||
              !IsNonEmptyString(f, "name") || !f.contains("arguments") ||
              !f["arguments"].is_string()) {
            return where +
                   ".tool_calls: each needs id, type \"function\", function.name and "
                   "function.arguments (a string)";
          }
          if (!IsValidToolName(f["name"].get<std::string>())) {
            return OpenAiNameError(where + ".tool_calls.function.name");
          }
          open_calls.insert(c["id"].get<std::string>());
          known_calls.insert(c["id"].get<std::string>());
        }
      }
    } else if (role == "tool") {
      std::string id = m.value("tool_call_id", "");
      if (!known_calls.count(id)) {
        return "Invalid parameter: messages with role 'tool' must be a response to a preceeding "
               "message with 'tool_calls'.";
      }
      if (!m.contains("content") || !m["content"].is_string()) {
        return where + ".content: must be a string";
      }
      open_calls.erase(id);
    } else {
      return fmt::format("{}.role: invalid role \"{}\"", where, role);
    }
  }
  if (!open_calls.empty()) {
    return "An assistant message with 'tool_calls' must be followed by tool messages responding "
           "to each 'tool_call_id'. The following tool_call_ids did not have response messages: " +
           *open_calls.begin();
  }
  return "";
}

}  // namespace intern::testing
