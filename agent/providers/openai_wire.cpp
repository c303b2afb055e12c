#include "agent/providers/openai_wire.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace intern::agent::openai {
namespace {

using wire::Json;

Result<Response> ProtocolError(std::string what) {
  return Fail(ErrorCode::kProtocol, "openai: " + std::move(what));
}

void ReadUsage(const Json& usage, Usage& out) {
  if (!usage.is_object()) return;
  std::int64_t prompt = wire::GetCount(usage, "prompt_tokens");
  std::int64_t cached = std::min(
      prompt, wire::GetCount(wire::GetObject(usage, "prompt_tokens_details"), "cached_tokens"));
  out.input = std::max<std::int64_t>(prompt - cached, 0);
  out.cache_read = cached;
  out.cache_write = 0;
  out.output = wire::GetCount(usage, "completion_tokens");
}

Failure ReportedError(const Json& error) {
  wire::VendorError vendor = error.is_object() ? wire::VendorErrorFrom(error)
                                               : wire::VendorError{"", "", wire::Dump(error)};
  ErrorCode code =
      IsContextLengthError(vendor) ? ErrorCode::kContextLength : wire::CodeForVendorType(vendor);
  std::string kind = !vendor.code.empty() ? vendor.code : vendor.type;
  return Fail(code,
              fmt::format("openai: the server reported {}: {}", kind.empty() ? "an error" : kind,
                          vendor.message.empty() ? "(no message)" : vendor.message));
}

Json AssistantJson(const Message& message, const wire::ToolNames& names) {
  std::string text = message.Text();
  Json out{{"role", "assistant"}};
  out["content"] = text.empty() ? Json(nullptr) : Json(text);
  Json calls = Json::array();
  for (const auto& block : message.content) {
    if (const auto* u = std::get_if<ToolUseBlock>(&block)) {
      calls.push_back(
          Json{{"id", u->id},
               {"type", "function"},
               {"function", {{"name", names.ToWire(u->name)}, {"arguments", u->input}}}});
    }
  }
  if (!calls.empty()) out["tool_calls"] = std::move(calls);
  return out;
}

}  // namespace

std::string RequestBody(const LlmRequest& request, const RequestSettings& settings) {
  const wire::ToolNames names(request);
  Json body = Json::object();
  body["model"] = request.model;
  Json messages = Json::array();
  if (!request.system.empty()) {
    messages.push_back(Json{{"role", "system"}, {"content", request.system}});
  }
  for (const Message& message : request.messages) {
    switch (message.role) {
      case Role::kSystem:
        messages.push_back(Json{{"role", "system"}, {"content", message.Text()}});
        break;
      case Role::kUser:
        messages.push_back(Json{{"role", "user"}, {"content", message.Text()}});
        break;
      case Role::kAssistant: {
        Json m = AssistantJson(message, names);
        if (m["content"].is_null() && !m.contains("tool_calls")) m["content"] = "";
        messages.push_back(std::move(m));
        break;
      }
      case Role::kTool: {
        for (const auto& block : message.content) {
          if (const auto* r = std::get_if<ToolResultBlock>(&block)) {
            std::string content = r->is_error ? "Error: " + r->content : r->content;
            messages.push_back(
                Json{{"role", "tool"}, {"tool_call_id", r->tool_use_id}, {"content", content}});
          }
        }
        std::string text = message.Text();
        if (!text.empty()) messages.push_back(Json{{"role", "user"}, {"content", text}});
        break;
      }
    }
  }
  body["messages"] = std::move(messages);
  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const ToolSpec& tool : request.tools) {
      Json function{{"name", names.ToWire(tool.name)},
                    {"parameters", wire::SchemaObject(tool.json_schema)}};
      if (!tool.description.empty()) function["description"] = tool.description;
      tools.push_back(Json{{"type", "function"}, {"function", std::move(function)}});
    }
    body["tools"] = std::move(tools);
    switch (request.tool_choice.mode) {
      case ToolChoice::Mode::kAuto:
        body["tool_choice"] = "auto";
        break;
      case ToolChoice::Mode::kNone:
        body["tool_choice"] = "none";
        break;
      case ToolChoice::Mode::kTool:
        body["tool_choice"] =
            Json{{"type", "function"},
                 {"function", {{"name", names.ToWire(request.tool_choice.tool_name)}}}};
        break;
    }
  }
  if (settings.max_tokens > 0) body["max_completion_tokens"] = settings.max_tokens;
  if (settings.stream) {
    body["stream"] = true;
    body["stream_options"] = Json{{"include_usage", true}};
  }
  return wire::Dump(body);
}

StopReason StopReasonFromWire(std::string_view reason) {
  if (reason == "stop") return StopReason::kEndTurn;
  if (reason == "tool_calls" || reason == "function_call") return StopReason::kToolUse;
  if (reason == "length") return StopReason::kMaxTokens;
  if (reason == "content_filter") return StopReason::kRefusal;
  return StopReason::kOther;
}

bool IsContextLengthError(const wire::VendorError& error) {
  if (error.code == "context_length_exceeded") return true;
  std::string lower = error.message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("maximum context length") != std::string::npos ||
         lower.find("context_length_exceeded") != std::string::npos;
}

Result<Response> ParseResponse(std::string_view body, const wire::ToolNames& names) {
  Json doc = wire::ParseLenient(body);
  if (doc.is_discarded() || !doc.is_object()) {
    return ProtocolError(fmt::format("the answer is not a JSON object ({} bytes)", body.size()));
  }
  if (doc.contains("error") && !doc["error"].is_null()) return ReportedError(doc["error"]);
  const Json& choices = wire::GetArray(doc, "choices");
  if (choices.empty() || !choices[0].is_object()) {
    return ProtocolError("the answer has no choices");
  }
  const Json& choice = choices[0];
  const Json& message = wire::GetObject(choice, "message");
  Response out;
  out.message.role = Role::kAssistant;
  out.model = wire::GetString(doc, "model");
  out.stop_reason = StopReasonFromWire(wire::GetString(choice, "finish_reason"));
  ReadUsage(wire::GetObject(doc, "usage"), out.usage);
  std::string text = wire::GetString(message, "content");
  if (std::string refusal = wire::GetString(message, "refusal"); !refusal.empty()) {
    text += refusal;
    out.stop_reason = StopReason::kRefusal;
  }
  if (!text.empty()) out.message.content.push_back(TextBlock{std::move(text)});
  for (const Json& call : wire::GetArray(message, "tool_calls")) {
    const Json& function = wire::GetObject(call, "function");
    out.message.content.push_back(ToolUseBlock{wire::GetString(call, "id"),
                                               names.FromWire(wire::GetString(function, "name")),
                                               wire::GetString(function, "arguments")});
  }
  return out;
}

Status StreamDecoderImpl::OnEvent(const tools::SseEvent& event, const wire::TextSink& on_text) {
  if (done_) return Status::Ok();
  if (event.event != "message" && event.event != "error") return Status::Ok();
  if (event.data == "[DONE]") {
    done_ = true;
    return Status::Ok();
  }
  Json chunk = wire::ParseLenient(event.data);
  if (chunk.is_discarded() || !chunk.is_object()) {
    return Fail(ErrorCode::kProtocol, "openai: the data of a stream event is not a JSON object");
  }
  if (chunk.contains("error") && !chunk["error"].is_null()) return ReportedError(chunk["error"]);
  std::string model = wire::GetString(chunk, "model");
  if (!model.empty()) model_ = model;
  if (chunk.contains("usage") && chunk["usage"].is_object()) ReadUsage(chunk["usage"], usage_);
  for (const Json& choice : wire::GetArray(chunk, "choices")) {
    if (wire::GetInt(choice, "index", 0) != 0) continue;
    const Json& delta = wire::GetObject(choice, "delta");
    std::string text = wire::GetString(delta, "content");
    if (std::string refusal = wire::GetString(delta, "refusal"); !refusal.empty()) {
      text += refusal;
      refused_ = true;
    }
    if (!text.empty()) {
      text_ += text;
      on_text(text);
    }
    for (const Json& call : wire::GetArray(delta, "tool_calls")) {
      std::int64_t index = wire::GetInt(call, "index", -1);
      if (index < 0) {
        return Fail(ErrorCode::kProtocol, "openai: a streamed tool call has no index");
      }
      Call& c = calls_[index];
      std::string id = wire::GetString(call, "id");
      if (!id.empty()) c.id = id;
      const Json& function = wire::GetObject(call, "function");
      c.name += wire::GetString(function, "name");
      c.arguments += wire::GetString(function, "arguments");
    }
    std::string reason = wire::GetString(choice, "finish_reason");
    if (!reason.empty()) {
      finish_reason_ = reason;
      finished_ = true;
    }
  }
  return Status::Ok();
}

Result<Response> StreamDecoderImpl::Finish() {
  if (!done_ && !finished_) {
    return ProtocolError("the event stream ended before a finish_reason and [DONE] (truncated)");
  }
  Response out;
  out.message.role = Role::kAssistant;
  out.model = model_;
  out.usage = usage_;
  out.stop_reason = refused_ ? StopReason::kRefusal : StopReasonFromWire(finish_reason_);
  if (!text_.empty()) out.message.content.push_back(TextBlock{std::move(text_)});
  for (auto& [index, call] : calls_) {
    out.message.content.push_back(
        ToolUseBlock{std::move(call.id), names_.FromWire(call.name), std::move(call.arguments)});
  }
  return out;
}

}  // namespace intern::agent::openai
