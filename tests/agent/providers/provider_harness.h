#pragma once
// Shared set-up of the provider tests: a FakeLlm, the real BeastHttpClient carrying the key as a
// per-host credential, a FakeClock for the retry waits, and short deadlines so stall tests end
// in a fraction of a second.

#include <memory>
#include <string>
#include <vector>

#include "agent/providers/anthropic_provider.h"
#include "agent/providers/openai_provider.h"
#include "config/clock.h"
#include "tests/support/fake_llm.h"
#include "tools/http/beast_http_client.h"

namespace intern::agent::testing {

inline constexpr const char* kSecret = "sk-test-Zq7vDISTINCTIVEkey93xw";

// Client options for plain http on loopback: loading the system CA store costs tens of ms.
inline tools::HttpClientOptions LoopbackOptions() {
  tools::HttpClientOptions options;
  options.use_system_cas = false;
  return options;
}

enum class Wire { kAnthropic, kOpenAi };

inline const char* WireName(Wire wire) { return wire == Wire::kAnthropic ? "anthropic" : "openai"; }

struct Harness {
  Harness(Wire wire, bool stream, std::vector<intern::testing::FakeTurn> script,
          std::string server_key = kSecret)
      : wire(wire), llm(std::move(script), intern::testing::FakeLlmOptions{std::move(server_key)}) {
    options.name = WireName(wire);
    options.base_url = wire == Wire::kAnthropic ? llm.url() : llm.openai_base_url();
    options.api_key = kSecret;
    options.key_hint = wire == Wire::kAnthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
    options.model = wire == Wire::kAnthropic ? "claude-test" : "gpt-test";
    options.stream = stream;
    options.max_tokens = 1024;
    // Generous, so a loaded machine does not turn a normal answer into a timeout; stall tests
    // call ShortDeadlines().
    options.timeouts = {std::chrono::milliseconds(3000), std::chrono::milliseconds(3000),
                        std::chrono::milliseconds(3000), std::chrono::milliseconds(10000)};
    options.retry.max_attempts = 3;
    options.retry.base_delay = std::chrono::milliseconds(100);
    options.retry.max_delay = std::chrono::milliseconds(1000);
    options.retry_seed = 7;
  }

  // First-byte and idle deadlines short enough for stall tests to end quickly.
  void ShortDeadlines() {
    options.timeouts.first_byte = std::chrono::milliseconds(250);
    options.timeouts.idle = std::chrono::milliseconds(250);
  }

  LlmProvider& provider() {
    if (!provider_) {
      tools::HttpClientOptions http_options = LoopbackOptions();
      if (auto credential = ProviderCredential(options, wire == Wire::kAnthropic)) {
        http_options.credentials.Add(*credential);
      }
      http = std::make_unique<tools::BeastHttpClient>(std::move(http_options));
      if (wire == Wire::kAnthropic) {
        provider_ = std::make_unique<AnthropicProvider>(options, *http, clock);
      } else {
        provider_ = std::make_unique<OpenAiProvider>(options, *http, clock);
      }
    }
    return *provider_;
  }

  // Runs one call, collecting the deltas.
  Result<Response> Complete(const LlmRequest& request) {
    return provider().Complete(request, [this](std::string_view d) { deltas.emplace_back(d); });
  }

  std::string AllDeltas() const {
    std::string out;
    for (const auto& d : deltas) out += d;
    return out;
  }

  Wire wire;
  intern::testing::FakeLlm llm;
  FakeClock clock;
  ProviderOptions options;
  std::unique_ptr<tools::BeastHttpClient> http;
  std::vector<std::string> deltas;

 private:
  std::unique_ptr<LlmProvider> provider_;
};

// A request with a system prompt, one user message and two tools.
inline LlmRequest BasicRequest() {
  LlmRequest request;
  request.system = "You research AI tools.";
  request.messages = {Message::User("Compare A and B.")};
  request.tools = {
      ToolSpec{"web_search", "Search the web",
               R"({"type":"object","properties":{"q":{"type":"string"}},"required":["q"]})"},
      ToolSpec{"read_page", "Read a page",
               R"({"type":"object","properties":{"url":{"type":"string"}}})"}};
  request.max_tokens = 2048;
  return request;
}

}  // namespace intern::agent::testing
