#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/agent/providers/provider_harness.h"

namespace intern::agent::testing {
namespace {

using intern::testing::FakeToolCall;
using intern::testing::FakeTurn;
using nlohmann::json;

}  // namespace

TEST_CASE("openai provider sends the key as Authorization: Bearer only") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kOpenAi, stream, {FakeTurn::Say({"ok"})});
  h.options.extra_headers = {{"OpenAI-Organization", "org-test"}};
  REQUIRE(h.Complete(BasicRequest()).ok());
  auto raw = h.llm.raw_requests();
  REQUIRE(raw.size() == 1);
  CHECK(raw[0].Header("Authorization") == "Bearer " + std::string(kSecret));
  CHECK_FALSE(raw[0].Header("x-api-key").has_value());
  CHECK(raw[0].Header("OpenAI-Organization") == "org-test");
  CHECK(raw[0].Header("accept") == (stream ? "text/event-stream" : "application/json"));
  CHECK(raw[0].path == "/v1/chat/completions");
}

TEST_CASE("openai provider asks for streamed usage only when streaming") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kOpenAi, stream, {FakeTurn::Say({"ok"}, Usage{10, 2, 0, 0})});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->usage == Usage{10, 2, 0, 0});
  json b = h.llm.requests().at(0);
  if (stream) {
    CHECK(b["stream"] == true);
    CHECK(b["stream_options"] == json::parse(R"({"include_usage":true})"));
  } else {
    CHECK_FALSE(b.contains("stream"));
    CHECK_FALSE(b.contains("stream_options"));
  }
}

TEST_CASE("openai provider feeds each tool result back as a tool message") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kOpenAi, stream,
            {FakeTurn::Call({FakeToolCall{"call_a", "web_search", R"({"q":"x"})"},
                             FakeToolCall{"call_b", "read_page", R"({"url":"u"})"}}),
             FakeTurn::Say({"done"})});
  LlmRequest request = BasicRequest();
  Result<Response> first = h.Complete(request);
  REQUIRE(first.ok());
  request.messages.push_back(first->message);
  request.messages.push_back(Message::ToolResults(
      {ToolResultBlock{"call_a", "hits", false}, ToolResultBlock{"call_b", "timeout", true}}));
  REQUIRE(h.Complete(request).ok());
  CHECK(h.llm.rejections().empty());
  json m = h.llm.requests().at(1)["messages"];
  CHECK(m == json::parse(R"([
    {"role":"system","content":"You research AI tools."},
    {"role":"user","content":"Compare A and B."},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_a","type":"function","function":{"name":"web_search","arguments":"{\"q\":\"x\"}"}},
      {"id":"call_b","type":"function","function":{"name":"read_page","arguments":"{\"url\":\"u\"}"}}]},
    {"role":"tool","tool_call_id":"call_a","content":"hits"},
    {"role":"tool","tool_call_id":"call_b","content":"Error: timeout"}])"));
}

TEST_CASE("openai provider counts cached prompt tokens apart from input") {
  bool stream = GENERATE(true, false);
  Harness h(Wire::kOpenAi, stream, {FakeTurn::Say({"ok"}, Usage{232, 20, 768, 0})});
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->usage == Usage{232, 20, 768, 0});
}

TEST_CASE("openai provider sends max_completion_tokens only when a cap is configured") {
  Harness h(Wire::kOpenAi, false, {FakeTurn::Say({"a"}), FakeTurn::Say({"b"})});
  LlmRequest request = BasicRequest();
  REQUIRE(h.Complete(request).ok());
  CHECK(h.llm.requests()[0]["max_completion_tokens"] == 1024);

  Harness uncapped(Wire::kOpenAi, false, {FakeTurn::Say({"a"})});
  uncapped.options.max_tokens = 0;
  REQUIRE(uncapped.Complete(request).ok());
  CHECK_FALSE(uncapped.llm.requests()[0].contains("max_completion_tokens"));
}

TEST_CASE("openai provider works without a key against a local server") {
  Harness h(Wire::kOpenAi, true, {FakeTurn::Say({"local"})}, "");
  h.options.api_key.clear();
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->message.Text() == "local");
  CHECK_FALSE(h.llm.raw_requests()[0].Header("Authorization").has_value());
}

}  // namespace intern::agent::testing

namespace intern::agent::testing {

TEST_CASE("openai provider reads a JSON answer from a server that ignores stream: true") {
  intern::testing::FakeHttpServer server;
  server.On("POST", "/v1/chat/completions",
            {intern::testing::FakeResponse::Json(
                200, R"({"model":"local-llm","choices":[{"index":0,"message":{"role":"assistant",
                     "content":"not streamed"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":4,"completion_tokens":2}})")});
  Harness h(Wire::kOpenAi, true, {});
  h.options.base_url = server.url() + "/v1";
  Result<Response> r = h.Complete(BasicRequest());
  REQUIRE(r.ok());
  CHECK(r->message == Message::Assistant("not streamed"));
  CHECK(r->usage == Usage{4, 2, 0, 0});
  CHECK(r->model == "local-llm");
  CHECK(h.deltas == std::vector<std::string>{"not streamed"});
}

}  // namespace intern::agent::testing
