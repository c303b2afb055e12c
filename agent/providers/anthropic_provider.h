#pragma once
// AnthropicProvider — LlmProvider over the Anthropic Messages API (POST base_url/v1/messages),
// streamed or not (options.stream), with prompt caching (options.prompt_cache). The wire mapping
// is in anthropic_wire.h; retries, the no-duplicate-text rule and secret scrubbing in
// wire_provider.h.
//
// The key goes as `x-api-key`, a per-host credential of the HttpClient
// (ProviderCredential(options, true)); the provider adds only `anthropic-version: 2023-06-01`,
// content-type and accept.
//
// Error classification of an HTTP answer (after retries where they apply):
//   400 invalid_request_error "prompt is too long..."  kContextLength
//   400 other                                          kInvalidArgument, quoting the server
//   401 / 403                                          kUnauthorized / kForbidden, naming
//                                                      options.key_hint, never quoting the body
//   404 kNotFound (names the model) · 413 kTooLarge · 429 kRateLimited
//   500-599, 529 overloaded_error                      kServer
// Transport failures keep the HttpClient's code (kConnection, kTimeout); malformed or truncated
// answers are kProtocol.

#include "agent/providers/wire_provider.h"

namespace intern::agent {

class AnthropicProvider final : public WireProvider {
 public:
  AnthropicProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock);

 protected:
  std::string Url() const override;
  tools::HttpHeaders Headers(bool stream) const override;
  std::string Body(const LlmRequest& request, bool stream) const override;
  std::unique_ptr<StreamDecoder> NewDecoder(const wire::ToolNames& names) const override;
  Result<Response> ParseBody(std::string_view body, const wire::ToolNames& names) const override;
  bool IsContextLengthError(const wire::VendorError& error) const override;
};

}  // namespace intern::agent
