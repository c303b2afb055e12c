#pragma once
// WireProvider — what the openai and anthropic providers share: one HTTP call per attempt
// (streamed or not), error classification, retries and secret scrubbing. A subclass supplies the
// protocol: the URL, headers and body of a request, a decoder for the event stream, a parser for
// the one-shot answer, and how a context-window error looks in its error bodies.
//
// Retry rule (DESIGN §3), one attempt counter for everything (options.retry.max_attempts):
// - retried, with backoff honouring retry-after-ms / retry-after (RetryDelay): HTTP
//   408/409/429/5xx/529; transport failures kConnection and kTimeout (reset, stall); an error
//   event the stream itself reports as overloaded/server/rate-limit;
// - a response header `x-should-retry: true|false` (sent by the Anthropic and OpenAI APIs)
//   overrides the status table, except that a context-length error is never retried;
// - never retried: other 4xx, context-length errors, malformed JSON, truncated streams,
//   unknown content block types (kProtocol) — the same request would fail the same way;
// - never retried once any text has reached on_delta: the caller has shown it, and a second
//   attempt would show it again. The failure is returned with its own code and a message that
//   says the answer was cut off. (Tool-call fragments are not shown, so a stream that failed
//   while only those had arrived is still retried.)
// Every failure message starts with options.name and never contains options.api_key.
//
// Not streamed (options.stream false), the whole answer text goes to on_delta once, when the
// answer has arrived. Streamed, a 2xx answer of content type application/json (a compatible
// server that ignores "stream": true) is read as a one-shot answer the same way.
//
// Thread safety: one Complete at a time per object (LlmProvider's contract).

#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "agent/message.h"
#include "agent/providers/provider_options.h"
#include "agent/providers/wire_common.h"
#include "agent/providers/wire_tool_names.h"
#include "config/clock.h"
#include "tools/http/http_client.h"
#include "tools/http/sse_parser.h"

namespace intern::agent {

// Turns the events of one streamed answer into a Response.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Consumes one event; answer text goes to `on_text` as it arrives. Failure: kProtocol for an
  // event that breaks the protocol, or the classified error an error event reports.
  virtual Status OnEvent(const tools::SseEvent& event, const wire::TextSink& on_text) = 0;
  // The answer, once the body has ended. Failure (kProtocol): the stream ended before the
  // protocol's end marker.
  virtual Result<Response> Finish() = 0;
};

class WireProvider : public LlmProvider {
 public:
  // `http` and `clock` are borrowed and must outlive the provider.
  WireProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock);

  Result<Response> Complete(const LlmRequest& request,
                            const std::function<void(std::string_view text_delta)>& on_delta) final;

  const ProviderOptions& options() const { return options_; }

 protected:
  // The URL requests go to.
  virtual std::string Url() const = 0;
  // The protocol's headers (content type, version, accept), before options.extra_headers.
  virtual tools::HttpHeaders Headers(bool stream) const = 0;
  // The request body; `request.model` is already filled in.
  virtual std::string Body(const LlmRequest& request, bool stream) const = 0;
  // `names`: the tool name map of the request (wire::ToolNames(request)), to read tool call names
  // in the answer back as registry names.
  virtual std::unique_ptr<StreamDecoder> NewDecoder(const wire::ToolNames& names) const = 0;
  // Parses a 2xx one-shot answer. Failure: kProtocol (not JSON, wrong shape).
  virtual Result<Response> ParseBody(std::string_view body, const wire::ToolNames& names) const = 0;
  // True when an error body says the prompt exceeds the model's context window.
  virtual bool IsContextLengthError(const wire::VendorError& error) const = 0;

 private:
  struct Attempt;
  Attempt Once(const tools::HttpRequest& http_request, const std::string& model,
               const wire::ToolNames& names, const std::function<void(std::string_view)>& on_delta,
               bool& emitted);
  Attempt FromHttpError(const tools::HttpResponse& response, const std::string& model) const;

  ProviderOptions options_;
  tools::HttpClient& http_;
  Clock& clock_;
  std::mt19937 rng_;
};

}  // namespace intern::agent
