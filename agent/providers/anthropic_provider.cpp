#include "agent/providers/anthropic_provider.h"

#include <algorithm>

#include "agent/providers/anthropic_wire.h"

namespace intern::agent {

AnthropicProvider::AnthropicProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock)
    : WireProvider(std::move(options), http, clock) {}

std::string AnthropicProvider::Url() const {
  std::string base = options().base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/v1/messages";
}

tools::HttpHeaders AnthropicProvider::Headers(bool stream) const {
  return {{"content-type", "application/json"},
          {"anthropic-version", anthropic::kApiVersion},
          {"accept", stream ? "text/event-stream" : "application/json"}};
}

std::string AnthropicProvider::Body(const LlmRequest& request, bool stream) const {
  anthropic::RequestSettings settings;
  int wanted = request.max_tokens > 0 ? request.max_tokens : 4096;
  settings.max_tokens = options().max_tokens > 0 ? std::min(options().max_tokens, wanted) : wanted;
  settings.prompt_cache = options().prompt_cache;
  settings.stream = stream;
  return anthropic::RequestBody(request, settings);
}

std::unique_ptr<StreamDecoder> AnthropicProvider::NewDecoder(const wire::ToolNames& names) const {
  return std::make_unique<anthropic::StreamDecoderImpl>(names);
}

Result<Response> AnthropicProvider::ParseBody(std::string_view body,
                                              const wire::ToolNames& names) const {
  return anthropic::ParseResponse(body, names);
}

bool AnthropicProvider::IsContextLengthError(const wire::VendorError& error) const {
  return anthropic::IsContextLengthError(error);
}

}  // namespace intern::agent
