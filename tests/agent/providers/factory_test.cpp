#include "agent/providers/factory.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/agent/providers/provider_harness.h"
#include "tools/http/url.h"

namespace intern::agent::testing {
namespace {

using intern::testing::FakeTurn;
using intern::testing::LlmFault;

// Both providers pointed at one FakeLlm, one attempt each, short deadlines.
config::Config FakeConfig(const intern::testing::FakeLlm& llm) {
  config::Config c;
  c.providers.default_provider = "anthropic";
  c.providers.anthropic.base_url = llm.url();
  c.providers.anthropic.api_key = kSecret;
  c.providers.anthropic.model = "claude-cfg";
  c.providers.openai.base_url = llm.openai_base_url();
  c.providers.openai.api_key = kSecret;
  c.providers.openai.model = "gpt-cfg";
  c.http.max_retries = 0;
  return c;
}

}  // namespace

TEST_CASE("factory: options come from the provider's config section and http.*") {
  config::Config c;
  c.providers.openai.organization = "org-1";
  c.providers.openai.max_output_tokens = 777;
  c.providers.openai.stream = false;
  c.http.max_retries = 2;
  c.http.connect_timeout = std::chrono::milliseconds(1234);
  Result<ProviderOptions> o = ProviderOptionsFor(c, "openai", "gpt-override");
  REQUIRE(o.ok());
  CHECK(o->base_url == "https://api.openai.com/v1");
  CHECK(o->model == "gpt-override");
  CHECK(o->key_hint == "OPENAI_API_KEY");
  CHECK_FALSE(o->stream);
  CHECK(o->max_tokens == 777);
  CHECK(o->extra_headers == tools::HttpHeaders{{"OpenAI-Organization", "org-1"}});
  CHECK(o->retry.max_attempts == 3);
  CHECK(o->timeouts.connect == std::chrono::milliseconds(1234));

  Result<ProviderOptions> a = ProviderOptionsFor(c, "anthropic", "");
  REQUIRE(a.ok());
  CHECK(a->model == "claude-sonnet-5-5");
  CHECK(a->max_tokens == 8192);
  CHECK(a->prompt_cache);
  CHECK(a->key_hint == "ANTHROPIC_API_KEY");
}

TEST_CASE("factory: an unknown provider name lists the valid ones") {
  config::Config c;
  tools::BeastHttpClient http(LoopbackOptions());
  FakeClock clock;
  Result<std::unique_ptr<LlmProvider>> p = MakeProvider(c, "gemini", "", http, clock);
  REQUIRE_FALSE(p.ok());
  CHECK(p.code() == ErrorCode::kInvalidArgument);
  CHECK(p.message() == "unknown provider \"gemini\": choose one of anthropic, offline, openai");
}

TEST_CASE("factory: the offline researcher is not an LLM provider here yet") {
  config::Config c;
  tools::BeastHttpClient http(LoopbackOptions());
  FakeClock clock;
  std::string name = GENERATE("", "offline");
  Result<std::unique_ptr<LlmProvider>> p = MakeProvider(c, name, "", http, clock);
  REQUIRE_FALSE(p.ok());
  CHECK(p.code() == ErrorCode::kUnavailable);
  CHECK(p.message() ==
        "the offline researcher is not available as an LLM provider yet: set "
        "providers.default to \"anthropic\" or \"openai\"");
}

TEST_CASE("factory: a missing key names the env var, local OpenAI-compatible servers need none") {
  config::Config c;
  tools::BeastHttpClient http(LoopbackOptions());
  FakeClock clock;
  CHECK(MakeProvider(c, "anthropic", "", http, clock).message() ==
        "anthropic needs an API key: set ANTHROPIC_API_KEY");
  CHECK(MakeProvider(c, "openai", "", http, clock).message() ==
        "openai needs an API key: set OPENAI_API_KEY");
  c.providers.openai.base_url = "http://localhost:11434/v1";
  CHECK(MakeProvider(c, "openai", "", http, clock).ok());
}

TEST_CASE("factory: a fallback entry that is not provider:model is named") {
  config::Config c;
  c.providers.anthropic.api_key = "k";
  c.providers.fallback = {"openai"};
  tools::BeastHttpClient http(LoopbackOptions());
  FakeClock clock;
  Result<std::unique_ptr<LlmProvider>> p = MakeProvider(c, "anthropic", "", http, clock);
  CHECK(p.code() == ErrorCode::kInvalidArgument);
  CHECK(p.message() ==
        "providers.fallback: \"openai\" is not provider:model (e.g. "
        "\"openai:gpt-4.1\")");
  c.providers.fallback = {"mistral:large"};
  CHECK(MakeProvider(c, "anthropic", "", http, clock).message() ==
        "providers.fallback: \"mistral:large\": unknown provider \"mistral\": choose one of "
        "anthropic, offline, openai");
}

TEST_CASE("factory: credentials are registered per host, the key only for its own host") {
  config::Config c;
  c.providers.anthropic.api_key = kSecret;
  c.providers.openai.api_key = "sk-openai-other";
  tools::CredentialStore store;
  AddProviderCredentials(c, store);
  auto anthropic = tools::ParseUrl("https://api.anthropic.com/v1/messages");
  auto openai = tools::ParseUrl("https://api.openai.com/v1/chat/completions");
  auto elsewhere = tools::ParseUrl("https://example.com/v1/messages");
  CHECK(store.HeadersFor(*anthropic) == tools::HttpHeaders{{"x-api-key", kSecret}});
  CHECK(store.HeadersFor(*openai) ==
        tools::HttpHeaders{{"Authorization", "Bearer sk-openai-other"}});
  CHECK(store.HeadersFor(*elsewhere).empty());
  CHECK(store.HintFor(*anthropic) == "ANTHROPIC_API_KEY");
}

TEST_CASE(
    "factory: the fallback chain answers from the next provider when the first is overloaded") {
  intern::testing::FakeLlm llm(
      {FakeTurn::Fault(LlmFault::kOverloaded), FakeTurn::Say({"from openai"})},
      intern::testing::FakeLlmOptions{kSecret});
  config::Config c = FakeConfig(llm);
  c.providers.fallback = {"openai:gpt-fallback"};
  tools::HttpClientOptions http_options = LoopbackOptions();
  AddProviderCredentials(c, http_options.credentials);
  tools::BeastHttpClient http(std::move(http_options));
  FakeClock clock;
  std::vector<std::string> notes;
  Result<std::unique_ptr<LlmProvider>> p =
      MakeProvider(c, "", "", http, clock,
                   [&](const std::string& failed, const Failure&, const std::string& next) {
                     notes.push_back(failed + " -> " + next);
                   });
  REQUIRE(p.ok());
  LlmRequest request = BasicRequest();
  request.model = "claude-cfg";
  Result<Response> r = (*p)->Complete(request, {});
  REQUIRE(r.ok());
  CHECK(r->message.Text() == "from openai");
  CHECK(r->model == "openai/gpt-fallback");
  CHECK(notes == std::vector<std::string>{"anthropic:claude-cfg -> openai:gpt-fallback"});
  auto raw = llm.raw_requests();
  REQUIRE(raw.size() == 2);
  CHECK(raw[0].path == "/v1/messages");
  CHECK(raw[1].path == "/v1/chat/completions");
  CHECK(llm.requests()[1]["model"] == "gpt-fallback");
  CHECK(clock.sleeps().empty());
}

}  // namespace intern::agent::testing
