#include "agent/providers/factory.h"

#include <fmt/format.h>

#include <random>

#include "agent/providers/anthropic_provider.h"
#include "agent/providers/offline_provider.h"
#include "agent/providers/openai_provider.h"
#include "tools/http/url.h"

namespace intern::agent {
namespace {

Failure UnknownProvider(std::string_view name) {
  return Fail(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown provider \"{}\": choose one of anthropic, offline, openai", name));
}

tools::HttpTimeouts TimeoutsOf(const config::Config& config) {
  return {config.http.connect_timeout, config.http.first_byte_timeout, config.http.idle_timeout,
          config.http.total_timeout};
}

}  // namespace

const std::vector<std::string>& ProviderNames() {
  static const std::vector<std::string> kNames = {"anthropic", "offline", "openai"};
  return kNames;
}

Result<ProviderOptions> ProviderOptionsFor(const config::Config& config, std::string_view name,
                                           std::string_view model) {
  ProviderOptions o;
  o.name = std::string(name);
  if (name == "anthropic") {
    const config::AnthropicConfig& c = config.providers.anthropic;
    o.base_url = c.base_url;
    o.api_key = c.api_key;
    o.key_hint = "ANTHROPIC_API_KEY";
    o.model = c.model;
    o.stream = c.stream;
    o.max_tokens = c.max_tokens;
    o.prompt_cache = c.prompt_cache;
  } else if (name == "openai") {
    const config::OpenAiConfig& c = config.providers.openai;
    o.base_url = c.base_url;
    o.api_key = c.api_key;
    o.key_hint = "OPENAI_API_KEY";
    o.model = c.model;
    o.stream = c.stream;
    o.max_tokens = c.max_output_tokens;
    o.prompt_cache = false;
    if (!c.organization.empty())
      o.extra_headers.emplace_back("OpenAI-Organization", c.organization);
  } else {
    return UnknownProvider(name);
  }
  if (!model.empty()) o.model = std::string(model);
  o.timeouts = TimeoutsOf(config);
  o.retry.max_attempts = std::max(config.http.max_retries, 0) + 1;
  o.retry_seed = std::random_device{}();
  return o;
}

void AddProviderCredentials(const config::Config& config, tools::CredentialStore& store) {
  for (const char* name : {"anthropic", "openai"}) {
    Result<ProviderOptions> options = ProviderOptionsFor(config, name, "");
    if (!options) continue;
    if (auto credential = ProviderCredential(*options, std::string_view(name) == "anthropic")) {
      store.Add(*credential);
    }
  }
}

Result<std::pair<std::string, std::string>> ParseFallbackEntry(std::string_view entry) {
  std::size_t colon = entry.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == entry.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("providers.fallback: \"{}\" is not provider:model (e.g. "
                            "\"openai:gpt-4.1\")",
                            entry));
  }
  return std::pair<std::string, std::string>(std::string(entry.substr(0, colon)),
                                             std::string(entry.substr(colon + 1)));
}

Result<std::unique_ptr<LlmProvider>> MakeSingleProvider(const config::Config& config,
                                                        std::string_view name,
                                                        std::string_view model,
                                                        tools::HttpClient& http, Clock& clock,
                                                        const OfflineSources& offline) {
  if (name.empty()) name = config.providers.default_provider;
  if ((name.empty() || name == "offline") && offline.catalog != nullptr &&
      offline.store != nullptr) {
    return std::unique_ptr<LlmProvider>(
        std::make_unique<OfflineProvider>(*offline.catalog, *offline.store, clock));
  }
  if (name.empty() || name == "offline") {
    return Fail(ErrorCode::kUnavailable,
                "the offline researcher is not available as an LLM provider yet: set "
                "providers.default to \"anthropic\" or \"openai\"");
  }
  Result<ProviderOptions> options = ProviderOptionsFor(config, name, model);
  if (!options) return options.failure();
  if (Result<tools::Url> url = tools::ParseUrl(options->base_url); !url) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("providers.{}.base_url: {}", name, url.message()));
  }
  std::unique_ptr<LlmProvider> provider;
  if (name == "anthropic") {
    if (options->api_key.empty()) {
      return Fail(ErrorCode::kUnauthorized, "anthropic needs an API key: set ANTHROPIC_API_KEY");
    }
    provider = std::make_unique<AnthropicProvider>(std::move(*options), http, clock);
  } else {
    Result<tools::Url> url = tools::ParseUrl(options->base_url);
    if (options->api_key.empty() && url->host == "api.openai.com") {
      return Fail(ErrorCode::kUnauthorized, "openai needs an API key: set OPENAI_API_KEY");
    }
    provider = std::make_unique<OpenAiProvider>(std::move(*options), http, clock);
  }
  return provider;
}

bool OfflineByDefault(const config::Config& config, std::string_view name) {
  return name.empty() && config.providers.default_provider.empty();
}

Result<std::unique_ptr<LlmProvider>> MakeProvider(const config::Config& config,
                                                  std::string_view name, std::string_view model,
                                                  tools::HttpClient& http, Clock& clock,
                                                  FallbackProvider::Observer on_fallback,
                                                  const OfflineSources& offline) {
  if (name.empty()) name = config.providers.default_provider;
  Result<std::unique_ptr<LlmProvider>> primary =
      MakeSingleProvider(config, name, model, http, clock, offline);
  // The offline researcher needs no fallback: it cannot fail the way a remote model does.
  if (!primary || config.providers.fallback.empty() || name.empty() || name == "offline") {
    return primary;
  }
  std::vector<FallbackEntry> chain;
  chain.push_back(FallbackEntry{std::string(name), "", std::move(*primary)});
  for (const std::string& text : config.providers.fallback) {
    Result<std::pair<std::string, std::string>> entry = ParseFallbackEntry(text);
    if (!entry) return entry.failure();
    Result<std::unique_ptr<LlmProvider>> llm =
        MakeSingleProvider(config, entry->first, entry->second, http, clock);
    if (!llm) {
      return Fail(llm.code(), fmt::format("providers.fallback: \"{}\": {}", text, llm.message()));
    }
    chain.push_back(FallbackEntry{entry->first, entry->second, std::move(*llm)});
  }
  return std::unique_ptr<LlmProvider>(
      std::make_unique<FallbackProvider>(std::move(chain), std::move(on_fallback)));
}

}  // namespace intern::agent
