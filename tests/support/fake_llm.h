#pragma once
// FakeLlm — a scripted LLM on a loopback FakeHttpServer that speaks both wire protocols the
// providers use, streamed and not, from one script:
//   POST /v1/messages           Anthropic Messages API   (anthropic base_url: url())
//   POST /v1/chat/completions   OpenAI Chat Completions  (openai base_url: url() + "/v1")
// Whether to stream is read from the request ("stream": true), as the real servers do.
//
// The script is a sequence of turns; every request that passes validation consumes the next one
// (a retry consumes the next turn too, so "429 then an answer" is two turns). A turn is an
// assistant answer (text pieces, each one streamed delta; tool calls; usage; stop reason) served
// as the turn's fault says. A request after the last turn is answered 400 "fake llm: the script
// has no turn N".
//
// Requests are checked against the real APIs' basic rules before a turn is consumed (well-formed
// JSON, model, roles, tool results following their tool calls, block types, cache_control
// count, stream_options only with stream, the anthropic-version header, and the API key when
// one is expected); a request that breaks one is answered 400 in the vendor's error shape and
// the reason is kept in rejections(), so converter bugs show up as failing tests.
//
// Every request's body is recorded parsed as JSON (null when it was not JSON), for assertions
// on the wire shape. Thread safety: every member may be called from any thread.

#include <cstddef>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/message.h"
#include "tests/support/fake_http_server.h"

namespace intern::testing {

enum class LlmFault {
  kNone,
  kStall,          // read the request, then say nothing (the client's first-byte deadline)
  kReset,          // read the request, then reset the connection
  kRateLimited,    // 429 rate_limit_error with retry-after: FakeTurn::retry_after
  kServerError,    // 500 api_error / server_error
  kOverloaded,     // 529 overloaded_error (Anthropic) / 503 "overloaded" server_error (OpenAI)
  kMalformedJson,  // stream: an event whose data is cut JSON; one-shot: a 200 body that is not JSON
  kTruncatedStream,  // stream: the body ends cleanly halfway, without message_stop / [DONE] or a
                     // finish_reason; one-shot: the JSON document cut in half
  kUnknownEvent,     // stream: an extra well-formed event of an unknown type after the start;
                     // one-shot: an extra unknown top-level field (both must be ignored)
  kUnknownBlock,     // Anthropic only: a content block of type "future_block" after the text
  kStreamError,      // stream: an overloaded error event after the start, then the end;
                     // one-shot: as kOverloaded
  kResetMidStream,   // the answer up to and including the first text piece, then a reset
  kStallMidStream,   // the answer up to and including the first text piece, then silence
  kContextLength,    // 400 with the vendor's context-window error body
  kUnauthorized,     // 401 in the vendor's shape, its message echoing the key the request carried
};

struct FakeToolCall {
  std::string id;
  std::string name;
  std::string arguments;  // JSON text, compact (so a streamed and a one-shot answer agree)
};

struct FakeTurn {
  std::vector<std::string> text;  // pieces of the answer text; each is one streamed delta
  std::vector<FakeToolCall> tool_calls;
  agent::Usage usage;       // OpenAI: cache_write must be 0 (not representable)
  std::string stop_reason;  // wire value; "": tool_use / tool_calls when there are
                            // tool calls, else end_turn / stop
  LlmFault fault = LlmFault::kNone;
  std::string retry_after = "1";  // kRateLimited: the retry-after header ("" = none)
  std::string retry_after_ms;     // kRateLimited: a retry-after-ms header when not empty
  std::string model;              // the model the answer names; "": the request's model

  static FakeTurn Say(std::vector<std::string> pieces, agent::Usage usage = {});
  static FakeTurn Call(std::vector<FakeToolCall> calls, std::vector<std::string> pieces = {},
                       agent::Usage usage = {});
  static FakeTurn Fault(LlmFault fault);
};

struct FakeLlmOptions {
  // When not empty, requests must carry it (x-api-key on /v1/messages, "Authorization: Bearer"
  // on /v1/chat/completions) or they are answered 401.
  std::string api_key;
};

class FakeLlm {
 public:
  explicit FakeLlm(std::vector<FakeTurn> script, FakeLlmOptions options = {});
  ~FakeLlm();
  FakeLlm(const FakeLlm&) = delete;
  FakeLlm& operator=(const FakeLlm&) = delete;

  // "http://127.0.0.1:PORT": the Anthropic base_url.
  std::string url() const;
  // url() + "/v1": the OpenAI base_url.
  std::string openai_base_url() const { return url() + "/v1"; }

  // Appends turns to the script.
  void Add(std::vector<FakeTurn> turns);

  // Every request's body parsed as JSON (null when not JSON), in arrival order.
  std::vector<nlohmann::json> requests() const;
  // The raw requests (headers included).
  std::vector<RecordedRequest> raw_requests() const;
  // Turns consumed so far.
  std::size_t turns_served() const;
  // The reasons requests were answered 400 for breaking an API rule, in order.
  std::vector<std::string> rejections() const;

  FakeHttpServer& server() { return server_; }

 private:
  enum class Protocol { kAnthropic, kOpenAi };
  FakeResponse Handle(Protocol protocol, const RecordedRequest& request);

  FakeHttpServer server_;
  FakeLlmOptions options_;
  mutable std::mutex mu_;
  std::vector<FakeTurn> script_;
  std::size_t next_ = 0;
  std::vector<nlohmann::json> bodies_;
  std::vector<std::string> rejections_;
};

// The wire-level rules FakeLlm checks, exposed for its own tests: "" when `body` is acceptable,
// else the reason the real API would give.
std::string CheckAnthropicRequest(const nlohmann::json& body);
std::string CheckOpenAiRequest(const nlohmann::json& body);

}  // namespace intern::testing
