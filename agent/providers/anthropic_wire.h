#pragma once
// The Anthropic Messages API on the wire (https://docs.anthropic.com/en/api/messages): request
// bodies from the provider-neutral model, and answers (one JSON document or an event stream) back
// into it. Pure functions and one decoder object, so they are tested without HTTP.
//
// Request mapping:
// - request.system and any kSystem messages (joined with a blank line) become `system`;
// - kUser -> "user" with text blocks; kAssistant -> "assistant" with text and tool_use blocks
//   (`input` is the model's JSON text parsed; text that is not a JSON object is sent as {} —
//   the tool layer has already told the model its arguments were invalid); kTool -> "user" with
//   its tool_result blocks first (is_error kept), then any text;
// - consecutive messages of one role are merged (the API wants strict alternation, and tool
//   results plus a guard message form one user turn); empty text blocks are left out;
// - prompt_cache: cache_control {"type":"ephemeral"} on the system prompt (then sent as an array
//   of one text block), on the last tool, and on the last block of the last user message (the
//   rolling tail): three of the four breakpoints the API allows;
// - tool_choice {"type":"auto"|"none"|"tool","name"} only when tools are offered.
//
// Answer mapping: text and tool_use blocks in index order (empty text left out; a streamed
// tool_use's input is its assembled input_json_delta text, re-serialised compactly when it is
// valid JSON so a streamed and a non-streamed answer are identical); thinking blocks ignored;
// usage input_tokens / output_tokens / cache_read_input_tokens / cache_creation_input_tokens
// taken as reported (message_delta's fields override message_start's); stop_reason end_turn,
// tool_use, max_tokens, stop_sequence, refusal mapped, anything else kOther.
//
// Unknown things (Anthropic's versioning policy says new event types may appear): a well-formed
// event of an unknown type is ignored; an unknown content block type or delta type is a
// kProtocol failure, because the answer would be silently incomplete; so is event data that is
// not JSON, a delta for a block never started, and a stream that ends before message_stop.
// An `error` event becomes the failure it reports (overloaded_error -> kServer, ...).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/message.h"
#include "agent/providers/wire_common.h"
#include "agent/providers/wire_provider.h"
#include "agent/providers/wire_tool_names.h"
#include "config/result.h"

namespace intern::agent::anthropic {

inline constexpr const char* kApiVersion = "2023-06-01";

struct RequestSettings {
  int max_tokens = 4096;
  bool prompt_cache = true;
  bool stream = true;
};

// The JSON text of a Messages API request (request.model must be set). Tool names (offered, in
// the history's tool_use blocks, in tool_choice) are sent as wire::ToolNames(request) maps them.
std::string RequestBody(const LlmRequest& request, const RequestSettings& settings);

// A non-streamed answer; tool_use names are mapped back with `names` (the map of the request
// this answers). Failure: kProtocol ("anthropic: the answer is not JSON ...", unknown
// content block type), or the classified error of a 200 answer that carries an error document.
Result<Response> ParseResponse(std::string_view body, const wire::ToolNames& names = {});

StopReason StopReasonFromWire(std::string_view reason);

// invalid_request_error whose message says "prompt is too long" (or that input and max_tokens
// exceed the context limit).
bool IsContextLengthError(const wire::VendorError& error);

// Assembles one event stream.
class StreamDecoderImpl final : public StreamDecoder {
 public:
  // `names`: the map of the request this stream answers, to read tool_use names back.
  explicit StreamDecoderImpl(wire::ToolNames names = {}) : names_(std::move(names)) {}
  Status OnEvent(const tools::SseEvent& event, const wire::TextSink& on_text) override;
  Result<Response> Finish() override;

 private:
  struct Block {
    enum class Kind { kText, kToolUse, kIgnored } kind = Kind::kText;
    std::string text;
    std::string id;
    std::string name;
    std::string partial_json;
    std::string initial_input = "{}";
  };
  wire::ToolNames names_;
  bool started_ = false;
  bool stopped_ = false;
  std::map<std::int64_t, Block> blocks_;
  Usage usage_;
  std::string model_;
  std::string stop_reason_;
};

}  // namespace intern::agent::anthropic
