#pragma once
// The provider-neutral conversation model (DESIGN §3). Plain structs with operator==; the wire
// formats of each provider and the storage JSON live in converters at the edge
// (agent/message_json.h for storage; the provider adapters for the wire).
//
// A conversation is a vector<Message>. An assistant message may carry ToolUseBlocks; their
// results come back in the next message, of role kTool, as ToolResultBlocks naming the
// tool_use id. (OpenAI's one-message-per-result and Anthropic's results-inside-a-user-message are
// both mapped onto this shape by the provider converters.)

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/result.h"

namespace intern::agent {

enum class Role { kSystem, kUser, kAssistant, kTool };

// "system", "user", "assistant", "tool".
const char* RoleName(Role role);

struct TextBlock {
  std::string text;
  bool operator==(const TextBlock&) const = default;
};

// The model asks for a tool call. `input` is the arguments as JSON text, exactly as the model
// produced it (it may be invalid JSON: the tool layer reports that back to the model).
struct ToolUseBlock {
  std::string id;
  std::string name;
  std::string input;
  bool operator==(const ToolUseBlock&) const = default;
};

struct ToolResultBlock {
  std::string tool_use_id;
  std::string content;
  bool is_error = false;
  bool operator==(const ToolResultBlock&) const = default;
};

using ContentBlock = std::variant<TextBlock, ToolUseBlock, ToolResultBlock>;

// A tool call as the loop handles it (the same data as a ToolUseBlock, by another name).
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text
  bool operator==(const ToolCall&) const = default;
};

struct Message {
  Role role = Role::kUser;
  std::vector<ContentBlock> content;

  bool operator==(const Message&) const = default;

  static Message System(std::string text);
  static Message User(std::string text);
  static Message Assistant(std::string text);
  static Message ToolResults(std::vector<ToolResultBlock> results);

  // The text blocks joined with "\n" (tool blocks left out).
  std::string Text() const;
  // The tool_use blocks, in order, as ToolCalls.
  std::vector<ToolCall> ToolCalls() const;
  bool HasToolUse() const;
  bool HasToolResult() const;
  // Characters of every block's text, tool input and tool result: the basis of the token
  // estimate (agent/compaction.h).
  std::size_t CharCount() const;
};

// A tool as offered to the model.
struct ToolSpec {
  std::string name;
  std::string description;
  std::string json_schema;  // JSON Schema of the arguments object, as JSON text
  bool operator==(const ToolSpec&) const = default;
};

// Token counts of one call (or, summed with +=, of a session). `input` counts the prompt tokens
// billed at the normal rate only: cache reads and cache writes are counted apart, because they
// are priced apart (the OpenAI converter subtracts cached tokens from prompt_tokens).
struct Usage {
  std::int64_t input = 0;
  std::int64_t output = 0;
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;

  // Every token of the call: what the token budget counts.
  std::int64_t Total() const { return input + output + cache_read + cache_write; }
  // The size of the prompt as the provider saw it (input + cache read + cache write).
  std::int64_t Prompt() const { return input + cache_read + cache_write; }

  Usage& operator+=(const Usage& other);
  bool operator==(const Usage&) const = default;
};

enum class StopReason {
  kEndTurn,       // the model finished its answer
  kToolUse,       // the model wants tool results
  kMaxTokens,     // the output limit cut the answer
  kStopSequence,  // a stop sequence matched
  kRefusal,       // the provider refused to answer
  kOther,         // anything a provider reports that none of the above covers
};

// "end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal", "other".
const char* StopReasonName(StopReason reason);

struct Response {
  Message message;  // role kAssistant
  Usage usage;
  StopReason stop_reason = StopReason::kEndTurn;
  std::string model;  // the model that answered, as the provider names it
  bool operator==(const Response&) const = default;
};

// Which tools the model may call on this turn.
struct ToolChoice {
  enum class Mode { kAuto, kNone, kTool };
  Mode mode = Mode::kAuto;
  std::string tool_name;  // only for kTool: the one tool the model must call

  static ToolChoice Auto() { return {}; }
  static ToolChoice None() { return {Mode::kNone, ""}; }
  static ToolChoice Only(std::string name) { return {Mode::kTool, std::move(name)}; }
  bool operator==(const ToolChoice&) const = default;
};

struct LlmRequest {
  std::string model;
  std::string system;  // the system prompt; providers place it where their protocol wants it
  std::vector<Message> messages;
  std::vector<ToolSpec> tools;
  int max_tokens = 4096;
  ToolChoice tool_choice;
};

// One wire protocol (openai, anthropic, offline). Implementations live beside this header.
class LlmProvider {
 public:
  virtual ~LlmProvider() = default;

  // Sends `request` and returns the whole assistant answer with its usage. Text is also handed
  // to `on_delta` piece by piece as it streams (may be called zero or more times, on the calling
  // thread, before Complete returns; an empty function is allowed).
  // Failure: a Failure whose code says what to do (kRateLimited and kServer were already retried;
  // kContextLength asks the loop to compact; kUnauthorized names the env var to set).
  // Thread safety: one call at a time per provider object.
  virtual Result<Response> Complete(
      const LlmRequest& request,
      const std::function<void(std::string_view text_delta)>& on_delta) = 0;
};

}  // namespace intern::agent
