#pragma once
// Building providers from the configuration (DESIGN §2, §3): `providers.default`,
// `providers.openai.*`, `providers.anthropic.*`, `providers.fallback` and the `http.*`
// deadlines and retry count.
//
// Wiring in main (the key travels as a per-host credential of the HTTP client, never through
// the provider):
//   tools::HttpClientOptions http_options = ...;
//   AddProviderCredentials(cfg, http_options.credentials);
//   tools::BeastHttpClient http(std::move(http_options));
//   Result<std::unique_ptr<LlmProvider>> llm = MakeProvider(cfg, "", "", http, clock);
//
// Thread safety: pure functions of their arguments.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/message.h"
#include "agent/providers/fallback_provider.h"
#include "agent/providers/provider_options.h"
#include "config/catalog.h"
#include "config/clock.h"
#include "config/config.h"
#include "config/result.h"
#include "tools/http/credentials.h"
#include "tools/http/http_client.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent {

// What the offline researcher reads (agent/providers/offline_provider.h). Both must outlive the
// provider. Without them, "" and "offline" are unavailable (kUnavailable, sentence below).
struct OfflineSources {
  const config::Catalog* catalog = nullptr;
  const sessions::Store* store = nullptr;
};

// "anthropic", "offline", "openai": every name providers.default accepts besides "".
const std::vector<std::string>& ProviderNames();

// The options of provider `name` ("openai" or "anthropic") from the config, with `model`
// replacing the configured model when not empty. Deadlines from http.*; attempts =
// http.max_retries + 1; the OpenAI organisation as an OpenAI-Organization header.
// Failure (kInvalidArgument): any other name, in the sentence of MakeProvider.
Result<ProviderOptions> ProviderOptionsFor(const config::Config& config, std::string_view name,
                                           std::string_view model);

// Registers the key of every configured provider (openai, anthropic) as a per-host credential
// for the host and port of its base_url. Providers without a key or with an unparsable
// base_url are skipped (MakeProvider reports those).
void AddProviderCredentials(const config::Config& config, tools::CredentialStore& store);

// "provider:model" -> {provider, model}. Failure (kInvalidArgument):
//   "providers.fallback: \"x\" is not provider:model (e.g. \"openai:gpt-4.1\")".
Result<std::pair<std::string, std::string>> ParseFallbackEntry(std::string_view entry);

// One provider, no fallback. `name` "" means providers.default; `model` "" the configured model.
// Failures, each one sentence:
//   kInvalidArgument  "unknown provider \"x\": choose one of anthropic, offline, openai"
//   kUnavailable      "the offline researcher is not available as an LLM provider yet: set
//                      providers.default to \"anthropic\" or \"openai\"" (for "" or "offline"
//                      when `offline` lacks its catalog or store; with them: an OfflineProvider)
//   kUnauthorized     "anthropic needs an API key: set ANTHROPIC_API_KEY" (OpenAI likewise with
//                      OPENAI_API_KEY, but only for api.openai.com: local servers need none)
// `http` and `clock` are borrowed and must outlive the provider.
Result<std::unique_ptr<LlmProvider>> MakeSingleProvider(const config::Config& config,
                                                        std::string_view name,
                                                        std::string_view model,
                                                        tools::HttpClient& http, Clock& clock,
                                                        const OfflineSources& offline = {});

// MakeSingleProvider, wrapped in a FallbackProvider with the providers.fallback entries after it
// when that list is not empty. Failure: the first entry that cannot be built, with its error
// (a fallback entry's message starts "providers.fallback: ").
Result<std::unique_ptr<LlmProvider>> MakeProvider(const config::Config& config,
                                                  std::string_view name, std::string_view model,
                                                  tools::HttpClient& http, Clock& clock,
                                                  FallbackProvider::Observer on_fallback = {},
                                                  const OfflineSources& offline = {});

// True when `name` ("" = providers.default) means the offline researcher because no provider is
// configured at all (the workflow then prints a one-line notice).
bool OfflineByDefault(const config::Config& config, std::string_view name);

}  // namespace intern::agent
