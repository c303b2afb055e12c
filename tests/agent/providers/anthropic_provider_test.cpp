#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/agent/providers/provider_harness.h"

namespace intern::agent::testing {
namespace {

using intern::testing::FakeHttpServer;
using intern::testing::FakeLlm;
using intern::testing::FakeResponse;
using intern::testing::FakeToolCall;
using intern::testing::FakeTurn;
using intern::testing::LlmFault;
using nlohmann::json;

const json kEphemeral = json::parse(R"({"type":"ephemeral"})");

}  // namespace

TEST_CASE("anthropic provider sends anthropic-version and the key as x-api-key only") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kAnthropic, stream, {FakeTurn::Say({"ok"})});
  REQUIRE(h.Complete(BasicRequest()).ok());
  auto raw = h.llm.raw_requests();
  REQUIRE(raw.size() == 1);
  CHECK(raw[0].Header("anthropic-version") == "2023-06-01");
  CHECK(raw[0].Header("x-api-key") == std::string(kSecret));
  CHECK_FALSE(raw[0].Header("Authorization").has_value());
  CHECK(raw[0].Header("content-type") == "application/json");
  CHECK(raw[0].Header("accept") == (stream ? "text/event-stream" : "application/json"));
  CHECK(raw[0].path == "/v1/messages");
}

TEST_CASE("anthropic provider feeds tool results back and marks the cache breakpoints") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kAnthropic, stream,
            {FakeTurn::Call({FakeToolCall{"toolu_1", "web_search", R"({"q":"x"})"}}),
             FakeTurn::Say({"done"})});
  LlmRequest request = BasicRequest();
  Result<Response> first = h.Complete(request);
  REQUIRE(first.ok());
  request.messages.push_back(first->message);
  request.messages.push_back(
      Message::ToolResults({ToolResultBlock{"toolu_1", "three hits", false}}));
  REQUIRE(h.Complete(request).ok());
  CHECK(h.llm.rejections().empty());

  std::vector<json> bodies = h.llm.requests();
  REQUIRE(bodies.size() == 2);
  const json& b = bodies[1];
  CHECK(b["system"] == json::parse(R"([{"type":"text","text":"You research AI tools.",
                                         "cache_control":{"type":"ephemeral"}}])"));
  CHECK(b["tools"][1]["cache_control"] == kEphemeral);
  CHECK_FALSE(b["tools"][0].contains("cache_control"));
  CHECK(b["messages"] == json::parse(R"([
    {"role":"user","content":[{"type":"text","text":"Compare A and B."}]},
    {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"web_search","input":{"q":"x"}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"three hits",
                               "cache_control":{"type":"ephemeral"}}]}])"));
  // On the first request the tail is the user's question.
  CHECK(bodies[0]["messages"][0]["content"][0]["cache_control"] == kEphemeral);
  CHECK(b["model"] == "claude-test");
  CHECK(b["max_tokens"] == 1024);
  CHECK(b.contains("stream") == stream);
}

TEST_CASE("anthropic provider sends no cache_control when prompt_cache is off") {
  Harness h(Wire::kAnthropic, true, {FakeTurn::Say({"ok"})});
  h.options.prompt_cache = false;
  REQUIRE(h.Complete(BasicRequest()).ok());
  json b = h.llm.requests().at(0);
  CHECK(b.dump().find("cache_control") == std::string::npos);
  CHECK(b["system"] == "You research AI tools.");
}

TEST_CASE("anthropic provider reports cache reads and writes exactly as the wire does") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kAnthropic, stream, {FakeTurn::Say({"ok"}, Usage{3, 50, 1800, 250})});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->usage == Usage{3, 50, 1800, 250});
}

TEST_CASE("anthropic provider sends the smaller of the request's and the configured max_tokens") {
  Harness h(Wire::kAnthropic, false, {FakeTurn::Say({"a"}), FakeTurn::Say({"b"})});
  LlmRequest request = BasicRequest();
  request.max_tokens = 512;
  request.model = "claude-other";
  REQUIRE(h.Complete(request).ok());
  request.max_tokens = 4000;
  REQUIRE(h.Complete(request).ok());
  CHECK(h.llm.requests()[0]["max_tokens"] == 512);
  CHECK(h.llm.requests()[1]["max_tokens"] == 1024);
  CHECK(h.llm.requests()[0]["model"] == "claude-other");
}

TEST_CASE("anthropic provider fails on an unknown content block type, streamed or not") {
  bool stream = GENERATE(true, false);
  FakeTurn odd = FakeTurn::Say({"partial"});
  odd.fault = LlmFault::kUnknownBlock;
  Harness h(Wire::kAnthropic, stream, {odd, FakeTurn::Say({"unused"})});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kProtocol);
  std::string expected = "anthropic: unknown content block type \"future_block\"";
  if (stream) {
    expected +=
        " (the answer was cut off after part of it was shown; not retried, so no text is "
        "repeated)";
  }
  CHECK(r.message() == expected);
  CHECK(h.llm.turns_served() == 1);
}

TEST_CASE("anthropic provider's key does not follow a redirect to another host") {
  FakeLlm other({FakeTurn::Say({"from the other host"})}, intern::testing::FakeLlmOptions{});
  FakeHttpServer redirector;
  redirector.On("POST", "/v1/messages",
                {FakeResponse::Status(307).WithHeader("Location", other.url() + "/v1/messages")});
  Harness h(Wire::kAnthropic, true, {});
  h.options.base_url = redirector.url();
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->message.Text() == "from the other host");
  REQUIRE(redirector.requests().size() == 1);
  CHECK(redirector.requests()[0].Header("x-api-key") == std::string(kSecret));
  REQUIRE(other.raw_requests().size() == 1);
  CHECK_FALSE(other.raw_requests()[0].Header("x-api-key").has_value());
}

}  // namespace intern::agent::testing
