#include "agent/providers/openai_provider.h"

#include <algorithm>

#include "agent/providers/openai_wire.h"

namespace intern::agent {

OpenAiProvider::OpenAiProvider(ProviderOptions options, tools::HttpClient& http, Clock& clock)
    : WireProvider(std::move(options), http, clock) {}

std::string OpenAiProvider::Url() const {
  std::string base = options().base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/chat/completions";
}

tools::HttpHeaders OpenAiProvider::Headers(bool stream) const {
  return {{"content-type", "application/json"},
          {"accept", stream ? "text/event-stream" : "application/json"}};
}

std::string OpenAiProvider::Body(const LlmRequest& request, bool stream) const {
  openai::RequestSettings settings;
  if (options().max_tokens > 0) {
    settings.max_tokens = request.max_tokens > 0
                              ? std::min(options().max_tokens, request.max_tokens)
                              : options().max_tokens;
  }
  settings.stream = stream;
  return openai::RequestBody(request, settings);
}

std::unique_ptr<StreamDecoder> OpenAiProvider::NewDecoder(const wire::ToolNames& names) const {
  return std::make_unique<openai::StreamDecoderImpl>(names);
}

Result<Response> OpenAiProvider::ParseBody(std::string_view body,
                                           const wire::ToolNames& names) const {
  return openai::ParseResponse(body, names);
}

bool OpenAiProvider::IsContextLengthError(const wire::VendorError& error) const {
  return openai::IsContextLengthError(error);
}

}  // namespace intern::agent
