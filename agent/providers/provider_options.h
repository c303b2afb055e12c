#pragma once
// ProviderOptions — what one wire-protocol provider (openai, anthropic) needs to know, with every
// default in place. Built from the config by agent/providers/factory.h; tests fill it by hand.
//
// The API key does not travel through the provider: it is a per-host credential of the
// HttpClient (ProviderCredential below; DESIGN §5 "a token is only ever sent to the host it
// belongs to"), so a redirect to another host can never carry it. The provider keeps the key
// only to scrub it out of every error message it returns, whatever a server echoed back.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tools/http/credentials.h"
#include "tools/http/http_client.h"
#include "tools/http/retry.h"

namespace intern::agent {

struct ProviderOptions {
  // "openai" or "anthropic" (or a label of the caller's choice): starts every error message.
  std::string name;
  // OpenAI: ".../v1" (requests go to base_url + "/chat/completions");
  // Anthropic: the host root (requests go to base_url + "/v1/messages").
  std::string base_url;
  // The secret. Only used to build ProviderCredential and to redact messages; may be empty
  // (local OpenAI-compatible servers need none).
  std::string api_key;
  // Where the key is set, named in the 401/403 sentence: "ANTHROPIC_API_KEY".
  std::string key_hint;
  // The model used when LlmRequest::model is empty.
  std::string model;
  // Server-sent events (true) or one JSON answer (false). Off for OpenAI-compatible servers that
  // cannot stream tool calls.
  bool stream = true;
  // Output cap. Anthropic: max_tokens is min(this, request.max_tokens) (request.max_tokens alone
  // when this is 0). OpenAI: 0 sends no cap (the server's default); otherwise
  // max_completion_tokens = min(this, request.max_tokens).
  int max_tokens = 0;
  // Anthropic only: cache_control breakpoints on the system prompt, the last tool and the last
  // user/tool message.
  bool prompt_cache = true;
  // Sent with every request after the protocol's own headers (e.g. OpenAI-Organization).
  tools::HttpHeaders extra_headers;
  // Deadlines per attempt (0 fields: the HttpClient's defaults).
  tools::HttpTimeouts timeouts;
  // Attempts and backoff; see WireProvider for what is retried.
  tools::RetryPolicy retry;
  // Seed of the backoff jitter (tests fix it; production passes something random).
  std::uint32_t retry_seed = 0;
  // Told before each retry wait, for a progress line: the retry number (0-based), the wait, and
  // why (the failed attempt's message, key redacted). May be empty.
  std::function<void(int retry, std::chrono::milliseconds delay, const std::string& reason)>
      on_retry;
};

// The per-host credential carrying options.api_key to the host and port of options.base_url, as
// `x-api-key` (anthropic_style) or `Authorization: Bearer` (otherwise). nullopt when the key is
// empty or the URL does not parse. Plain http is allowed only for loopback hosts (127.0.0.1, ::1,
// localhost), where local servers and the tests live.
std::optional<tools::Credential> ProviderCredential(const ProviderOptions& options,
                                                    bool anthropic_style);

}  // namespace intern::agent
