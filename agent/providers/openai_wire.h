#pragma once
// OpenAI Chat Completions on the wire (https://platform.openai.com/docs/api-reference/chat), as
// spoken by OpenAI and the compatible servers (OpenRouter, Ollama, vLLM, llama.cpp, LM Studio,
// Gemini's compatible endpoint). Pure functions and one decoder object, tested without HTTP.
//
// Request mapping:
// - request.system first as a "system" message; kSystem messages as "system" messages in place;
// - kUser -> "user" with the text; kAssistant -> "assistant" with its text (null when it has
//   none) and tool_calls [{id, type:"function", function:{name, arguments}}] (arguments passed as
//   the model's text, unchanged); kTool -> one "tool" message per result {tool_call_id,
//   content} (the protocol has no error flag: an is_error result's content is prefixed
//   "Error: "), then its text, if any, as a "user" message;
// - tools [{type:"function", function:{name, description, parameters}}] and tool_choice
//   "auto" | "none" | {type:"function", function:{name}} only when tools are offered;
// - max_completion_tokens only when settings.max_tokens > 0;
// - stream: true with stream_options {include_usage: true} when streaming.
//
// Answer mapping: the first choice's text, then its tool calls in index order (streamed
// tool-call deltas are assembled by `index`: id and type from the first delta that carries them,
// name and arguments concatenated); finish_reason stop -> kEndTurn, tool_calls / function_call
// -> kToolUse, length -> kMaxTokens, content_filter -> kRefusal, else kOther; a `refusal`
// (message or delta) is kept as text and makes the stop reason kRefusal. Usage: input =
// prompt_tokens - prompt_tokens_details.cached_tokens, cache_read = cached_tokens, output =
// completion_tokens, cache_write = 0 (the protocol does not report writes).
//
// Unknown things: a chunk without choices, usage or error (or an SSE event with a name other
// than "message", which OpenAI never sends) is ignored. Event data that is not JSON, a chunk
// carrying an `error` object (how compatible servers report a failure mid-stream), and a stream
// that ends before both a finish_reason and "[DONE]" are failures; a stream with a
// finish_reason but no "[DONE]" (some compatible servers) is accepted.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "agent/message.h"
#include "agent/providers/wire_common.h"
#include "agent/providers/wire_provider.h"
#include "agent/providers/wire_tool_names.h"
#include "config/result.h"

namespace intern::agent::openai {

struct RequestSettings {
  int max_tokens = 0;  // 0: send no cap
  bool stream = true;
};

// The JSON text of a Chat Completions request (request.model must be set). Tool names (offered,
// in the history's tool_calls, in tool_choice) are sent as wire::ToolNames(request) maps them.
std::string RequestBody(const LlmRequest& request, const RequestSettings& settings);

// A non-streamed answer; tool call names are mapped back with `names` (the map of the request
// this answers). Failure: kProtocol (not JSON, no choices), or the classified error of a
// 200 answer that carries an error object.
Result<Response> ParseResponse(std::string_view body, const wire::ToolNames& names = {});

StopReason StopReasonFromWire(std::string_view reason);

// code "context_length_exceeded", or a message about the maximum context length (vLLM and other
// compatible servers say so without the code).
bool IsContextLengthError(const wire::VendorError& error);

class StreamDecoderImpl final : public StreamDecoder {
 public:
  // `names`: the map of the request this stream answers, to read tool call names back.
  explicit StreamDecoderImpl(wire::ToolNames names = {}) : names_(std::move(names)) {}
  Status OnEvent(const tools::SseEvent& event, const wire::TextSink& on_text) override;
  Result<Response> Finish() override;

 private:
  struct Call {
    std::string id;
    std::string name;
    std::string arguments;
  };
  wire::ToolNames names_;
  bool done_ = false;
  bool finished_ = false;  // a finish_reason arrived
  bool refused_ = false;   // a refusal arrived
  std::string text_;
  std::map<std::int64_t, Call> calls_;
  Usage usage_;
  std::string model_;
  std::string finish_reason_;
};

}  // namespace intern::agent::openai
