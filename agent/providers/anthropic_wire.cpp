#include "agent/providers/anthropic_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace intern::agent::anthropic {
namespace {

using wire::Json;

const Json kEphemeral = Json{{"type", "ephemeral"}};

Json ToolUseJson(const ToolUseBlock& block, const wire::ToolNames& names) {
  Json input = wire::ParseLenient(block.input);
  if (input.is_discarded() || !input.is_object()) input = Json::object();
  return Json{
      {"type", "tool_use"}, {"id", block.id}, {"name", names.ToWire(block.name)}, {"input", input}};
}

Json ToolResultJson(const ToolResultBlock& block) {
  Json out{{"type", "tool_result"}, {"tool_use_id", block.tool_use_id}};
  // The API takes a result without content; an empty text block it would refuse.
  if (!block.content.empty()) out["content"] = block.content;
  if (block.is_error) out["is_error"] = true;
  return out;
}

// The blocks of one message in the order the API wants them.
Json ContentOf(const Message& message, const wire::ToolNames& names) {
  Json blocks = Json::array();
  if (message.role == Role::kTool || message.role == Role::kUser) {
    for (const auto& block : message.content) {
      if (const auto* r = std::get_if<ToolResultBlock>(&block))
        blocks.push_back(ToolResultJson(*r));
    }
  }
  for (const auto& block : message.content) {
    if (const auto* t = std::get_if<TextBlock>(&block)) {
      if (!t->text.empty()) blocks.push_back(Json{{"type", "text"}, {"text", t->text}});
    } else if (const auto* u = std::get_if<ToolUseBlock>(&block)) {
      if (message.role == Role::kAssistant) blocks.push_back(ToolUseJson(*u, names));
    }
  }
  return blocks;
}

Result<Response> ProtocolError(std::string what) {
  return Fail(ErrorCode::kProtocol, "anthropic: " + std::move(what));
}

void ReadUsage(const Json& usage, Usage& out) {
  if (!usage.is_object()) return;
  out.input = wire::GetCount(usage, "input_tokens", out.input);
  out.output = wire::GetCount(usage, "output_tokens", out.output);
  out.cache_read = wire::GetCount(usage, "cache_read_input_tokens", out.cache_read);
  out.cache_write = wire::GetCount(usage, "cache_creation_input_tokens", out.cache_write);
}

// A tool's input as the model wrote it, compact when it is valid JSON.
std::string NormaliseInput(const std::string& text) {
  Json parsed = wire::ParseLenient(text);
  return parsed.is_discarded() ? text : wire::Dump(parsed);
}

Failure StreamedError(const Json& data) {
  wire::VendorError error = wire::VendorErrorFrom(wire::GetObject(data, "error"));
  ErrorCode code =
      IsContextLengthError(error) ? ErrorCode::kContextLength : wire::CodeForVendorType(error);
  return Fail(code, fmt::format("anthropic: the stream reported {}: {}",
                                error.type.empty() ? "an error" : error.type,
                                error.message.empty() ? "(no message)" : error.message));
}

}  // namespace

std::string RequestBody(const LlmRequest& request, const RequestSettings& settings) {
  const wire::ToolNames names(request);
  Json body = Json::object();
  body["model"] = request.model;
  body["max_tokens"] = settings.max_tokens;

  std::string system = request.system;
  struct Turn {
    std::string role;
    Json content;
  };
  std::vector<Turn> turns;
  for (const Message& message : request.messages) {
    if (message.role == Role::kSystem) {
      std::string text = message.Text();
      if (text.empty()) continue;
      system += system.empty() ? text : "\n\n" + text;
      continue;
    }
    std::string role = message.role == Role::kAssistant ? "assistant" : "user";
    Json content = ContentOf(message, names);
    if (content.empty()) continue;
    if (!turns.empty() && turns.back().role == role) {
      for (auto& block : content) turns.back().content.push_back(std::move(block));
    } else {
      turns.push_back({role, std::move(content)});
    }
  }
  if (settings.prompt_cache) {
    for (auto it = turns.rbegin(); it != turns.rend(); ++it) {
      if (it->role == "user") {
        it->content.back()["cache_control"] = kEphemeral;
        break;
      }
    }
  }
  if (!system.empty()) {
    if (settings.prompt_cache) {
      body["system"] =
          Json::array({Json{{"type", "text"}, {"text", system}, {"cache_control", kEphemeral}}});
    } else {
      body["system"] = system;
    }
  }
  Json messages = Json::array();
  for (auto& turn : turns) {
    messages.push_back(Json{{"role", turn.role}, {"content", std::move(turn.content)}});
  }
  body["messages"] = std::move(messages);

  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const ToolSpec& tool : request.tools) {
      Json t{{"name", names.ToWire(tool.name)},
             {"input_schema", wire::SchemaObject(tool.json_schema)}};
      if (!tool.description.empty()) t["description"] = tool.description;
      tools.push_back(std::move(t));
    }
    if (settings.prompt_cache) tools.back()["cache_control"] = kEphemeral;
    body["tools"] = std::move(tools);
    switch (request.tool_choice.mode) {
      case ToolChoice::Mode::kAuto:
        body["tool_choice"] = Json{{"type", "auto"}};
        break;
      case ToolChoice::Mode::kNone:
        body["tool_choice"] = Json{{"type", "none"}};
        break;
      case ToolChoice::Mode::kTool:
        body["tool_choice"] =
            Json{{"type", "tool"}, {"name", names.ToWire(request.tool_choice.tool_name)}};
        break;
    }
  }
  if (settings.stream) body["stream"] = true;
  return wire::Dump(body);
}

StopReason StopReasonFromWire(std::string_view reason) {
  if (reason == "end_turn") return StopReason::kEndTurn;
  if (reason == "tool_use") return StopReason::kToolUse;
  if (reason == "max_tokens") return StopReason::kMaxTokens;
  if (reason == "stop_sequence") return StopReason::kStopSequence;
  if (reason == "refusal") return StopReason::kRefusal;
  return StopReason::kOther;
}

bool IsContextLengthError(const wire::VendorError& error) {
  if (error.type != "invalid_request_error") return false;
  std::string lower = error.message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("prompt is too long") != std::string::npos ||
         lower.find("exceed context limit") != std::string::npos ||
         lower.find("context window") != std::string::npos;
}

Result<Response> ParseResponse(std::string_view body, const wire::ToolNames& names) {
  Json doc = wire::ParseLenient(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return ProtocolError(fmt::format("the answer is not a JSON object ({} bytes)", body.size()));
  }
  if (wire::GetString(doc, "type") == "error") return StreamedError(doc);
  auto content = doc.find("content");
  if (content == doc.end() || !content->is_array()) {
    return ProtocolError("the answer has no content array");
  }
  Response out;
  out.message.role = Role::kAssistant;
  out.model = wire::GetString(doc, "model");
  out.stop_reason = StopReasonFromWire(wire::GetString(doc, "stop_reason"));
  ReadUsage(wire::GetObject(doc, "usage"), out.usage);
  for (const Json& block : *content) {
    std::string type = wire::GetString(block, "type");
    if (type == "text") {
      std::string text = wire::GetString(block, "text");
      if (!text.empty()) out.message.content.push_back(TextBlock{std::move(text)});
    } else if (type == "tool_use") {
      Json input = block.is_object() && block.contains("input") ? block["input"] : Json::object();
      out.message.content.push_back(ToolUseBlock{wire::GetString(block, "id"),
                                                 names.FromWire(wire::GetString(block, "name")),
                                                 wire::Dump(input)});
    } else if (type == "thinking" || type == "redacted_thinking") {
      continue;
    } else {
      return ProtocolError(fmt::format("unknown content block type \"{}\"", type));
    }
  }
  return out;
}

Status StreamDecoderImpl::OnEvent(const tools::SseEvent& event, const wire::TextSink& on_text) {
  if (stopped_) return Status::Ok();
  Json data = wire::ParseLenient(event.data);
  if (data.is_discarded() || !data.is_object()) {
    return Fail(
        ErrorCode::kProtocol,
        fmt::format("anthropic: the data of a \"{}\" event is not a JSON object", event.event));
  }
  std::string type = wire::GetString(data, "type", event.event);
  if (type == "ping") return Status::Ok();
  if (type == "error") return StreamedError(data);
  if (type == "message_start") {
    const Json& message = wire::GetObject(data, "message");
    started_ = true;
    model_ = wire::GetString(message, "model");
    ReadUsage(wire::GetObject(message, "usage"), usage_);
    return Status::Ok();
  }
  bool ours = type == "content_block_start" || type == "content_block_delta" ||
              type == "content_block_stop" || type == "message_delta" || type == "message_stop";
  if (!ours) return Status::Ok();  // an event type newer than this code: ignore it
  if (!started_) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("anthropic: a \"{}\" event came before message_start", type));
  }
  if (type == "message_stop") {
    stopped_ = true;
    return Status::Ok();
  }
  if (type == "message_delta") {
    std::string reason = wire::GetString(wire::GetObject(data, "delta"), "stop_reason");
    if (!reason.empty()) stop_reason_ = reason;
    ReadUsage(wire::GetObject(data, "usage"), usage_);
    return Status::Ok();
  }
  std::int64_t index = wire::GetInt(data, "index", -1);
  if (index < 0) {
    return Fail(ErrorCode::kProtocol,
                fmt::format("anthropic: a \"{}\" event has no block index", type));
  }
  if (type == "content_block_start") {
    const Json& block = wire::GetObject(data, "content_block");
    std::string kind = wire::GetString(block, "type");
    Block b;
    if (kind == "text") {
      b.kind = Block::Kind::kText;
      b.text = wire::GetString(block, "text");
      if (!b.text.empty()) on_text(b.text);
    } else if (kind == "tool_use") {
      b.kind = Block::Kind::kToolUse;
      b.id = wire::GetString(block, "id");
      b.name = names_.FromWire(wire::GetString(block, "name"));
      if (block.contains("input")) b.initial_input = wire::Dump(block["input"]);
    } else if (kind == "thinking" || kind == "redacted_thinking") {
      b.kind = Block::Kind::kIgnored;
    } else {
      return Fail(ErrorCode::kProtocol,
                  fmt::format("anthropic: unknown content block type \"{}\"", kind));
    }
    blocks_[index] = std::move(b);
    return Status::Ok();
  }
  auto it = blocks_.find(index);
  if (it == blocks_.end()) {
    return Fail(
        ErrorCode::kProtocol,
        fmt::format("anthropic: a \"{}\" event names block {}, which never started", type, index));
  }
  if (type == "content_block_stop") return Status::Ok();
  // content_block_delta
  const Json& delta = wire::GetObject(data, "delta");
  std::string delta_type = wire::GetString(delta, "type");
  Block& block = it->second;
  if (delta_type == "text_delta" && block.kind == Block::Kind::kText) {
    std::string text = wire::GetString(delta, "text");
    block.text += text;
    on_text(text);
  } else if (delta_type == "input_json_delta" && block.kind == Block::Kind::kToolUse) {
    block.partial_json += wire::GetString(delta, "partial_json");
  } else if (delta_type == "thinking_delta" || delta_type == "signature_delta" ||
             delta_type == "citations_delta") {
    // Not used by this client.
  } else {
    return Fail(
        ErrorCode::kProtocol,
        fmt::format("anthropic: unexpected delta type \"{}\" for block {}", delta_type, index));
  }
  return Status::Ok();
}

Result<Response> StreamDecoderImpl::Finish() {
  if (!stopped_) {
    return ProtocolError(started_ ? "the event stream ended before message_stop (truncated)"
                                  : "the event stream ended before message_start (truncated)");
  }
  Response out;
  out.message.role = Role::kAssistant;
  out.model = model_;
  out.usage = usage_;
  out.stop_reason = StopReasonFromWire(stop_reason_);
  for (auto& [index, block] : blocks_) {
    if (block.kind == Block::Kind::kText) {
      if (!block.text.empty()) out.message.content.push_back(TextBlock{std::move(block.text)});
    } else if (block.kind == Block::Kind::kToolUse) {
      std::string input =
          block.partial_json.empty() ? block.initial_input : NormaliseInput(block.partial_json);
      out.message.content.push_back(
          ToolUseBlock{std::move(block.id), std::move(block.name), std::move(input)});
    }
  }
  return out;
}

}  // namespace intern::agent::anthropic
