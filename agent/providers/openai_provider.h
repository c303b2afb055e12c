#pragma once
// OpenAiProvider — LlmProvider over OpenAI Chat Completions (POST base_url/chat/completions) and
// compatible servers, streamed or not (options.stream; turn it off for servers that cannot
// stream tool calls). The wire mapping is in openai_wire.h; retries, the no-duplicate-text rule
// and secret scrubbing in wire_provider.h.
//
// The key goes as `Authorization: Bearer`, a per-host credential of the HttpClient
// (ProviderCredential(options, false)); the provider adds only content-type and accept.
//
// Error classification of an HTTP answer (after retries where they apply):
//   400 code context_length_exceeded (or "maximum context length")  kContextLength
//   400 other                                          kInvalidArgument, quoting the server
//   401 / 403                                          kUnauthorized / kForbidden, naming
//                                                      options.key_hint, never quoting the body
//                                                      (OpenAI echoes part of the key there)
//   404 kNotFound (names the model) · 413 kTooLarge · 429 kRateLimited · 5xx kServer
// Transport failures keep the HttpClient's code (kConnection, kTimeout); malformed or truncated
// answers are kProtocol.

#include "agent/providers/wire_provider.h"

namespace intern::agent {

class OpenAiProvider final : public WireProvider {
 public:
  OpenAiProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock);

 protected:
  std::string Url() const override;
  tools::HttpHeaders Headers(bool stream) const override;
  std::string Body(const LlmRequest& request, bool stream) const override;
  std::unique_ptr<StreamDecoder> NewDecoder(const wire::ToolNames& names) const override;
  Result<Response> ParseBody(std::string_view body, const wire::ToolNames& names) const override;
  bool IsContextLengthError(const wire::VendorError& error) const override;
};

}  // namespace intern::agent
