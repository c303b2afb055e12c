#include "agent/providers/openai_wire.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/fake_llm.h"

namespace intern::agent {
namespace {

using nlohmann::json;

LlmRequest ToolRound() {
  LlmRequest r;
  r.model = "gpt-test";
  r.system = "Be brief.";
  Message assistant;
  assistant.role = Role::kAssistant;
  assistant.content = {ToolUseBlock{"call_1", "web_search", R"({"q":"x"})"},
                       ToolUseBlock{"call_2", "read_page", "not json"}};
  Message results = Message::ToolResults({ToolResultBlock{"call_1", "found", false},
                                          ToolResultBlock{"call_2", "bad arguments", true}});
  results.content.push_back(TextBlock{"Keep going."});
  r.messages = {Message::User("Start."), assistant, results};
  r.tools = {ToolSpec{"web_search", "Search", R"({"type":"object"})"},
             ToolSpec{"read_page", "", "not a schema"}};
  return r;
}

json Body(const LlmRequest& r, openai::RequestSettings s) {
  return json::parse(openai::RequestBody(r, s));
}

std::vector<Status> FeedAll(openai::StreamDecoderImpl& d, const std::vector<std::string>& data,
                            std::string& text, const std::string& event = "message") {
  std::vector<Status> out;
  for (const auto& payload : data) {
    tools::SseEvent e;
    e.event = event;
    e.data = payload;
    out.push_back(d.OnEvent(e, [&](std::string_view t) { text += t; }));
  }
  return out;
}

}  // namespace

TEST_CASE("openai request: one tool message per result after the assistant's tool_calls") {
  json body = Body(ToolRound(), {0, false});
  CHECK(body["messages"] == json::parse(R"([
    {"role":"system","content":"Be brief."},
    {"role":"user","content":"Start."},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_1","type":"function","function":{"name":"web_search","arguments":"{\"q\":\"x\"}"}},
      {"id":"call_2","type":"function","function":{"name":"read_page","arguments":"not json"}}]},
    {"role":"tool","tool_call_id":"call_1","content":"found"},
    {"role":"tool","tool_call_id":"call_2","content":"Error: bad arguments"},
    {"role":"user","content":"Keep going."}])"));
  CHECK(body["tools"] == json::parse(R"([
    {"type":"function","function":{"name":"web_search","description":"Search","parameters":{"type":"object"}}},
    {"type":"function","function":{"name":"read_page","parameters":{"type":"object"}}}])"));
  CHECK(body["tool_choice"] == "auto");
  CHECK_FALSE(body.contains("stream"));
  CHECK_FALSE(body.contains("stream_options"));
  CHECK_FALSE(body.contains("max_completion_tokens"));
  CHECK(testing::CheckOpenAiRequest(body) == "");
}

TEST_CASE("openai request: streaming asks for usage, a cap is sent as max_completion_tokens") {
  json body = Body(ToolRound(), {512, true});
  CHECK(body["stream"] == true);
  CHECK(body["stream_options"] == json::parse(R"({"include_usage":true})"));
  CHECK(body["max_completion_tokens"] == 512);
  CHECK(testing::CheckOpenAiRequest(body) == "");
}

TEST_CASE("openai request: tool_choice none and a named function, no tools, no tool_choice") {
  LlmRequest r = ToolRound();
  r.tool_choice = ToolChoice::None();
  CHECK(Body(r, {})["tool_choice"] == "none");
  r.tool_choice = ToolChoice::Only("read_page");
  CHECK(Body(r, {})["tool_choice"] ==
        json::parse(R"({"type":"function","function":{"name":"read_page"}})"));
  r.tools.clear();
  CHECK_FALSE(Body(r, {}).contains("tool_choice"));
}

TEST_CASE("openai request: an assistant message with text keeps it next to its tool calls") {
  LlmRequest r;
  r.model = "m";
  Message a;
  a.role = Role::kAssistant;
  a.content = {TextBlock{"Looking."}, ToolUseBlock{"c", "f", "{}"}};
  r.messages = {Message::System("Rules."), Message::User("Hi"), a, Message::Assistant("")};
  json m = Body(r, {})["messages"];
  CHECK(m[0] == json::parse(R"({"role":"system","content":"Rules."})"));
  CHECK(m[2]["content"] == "Looking.");
  CHECK(m[3] == json::parse(R"({"role":"assistant","content":""})"));
}

TEST_CASE("openai answer: text, tool calls and usage with cached tokens taken out of input") {
  Result<Response> r = openai::ParseResponse(R"({
    "id":"x","object":"chat.completion","model":"gpt-x",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hi",
      "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\": 1}"}}]},
      "finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":1000,"completion_tokens":20,"total_tokens":1020,
             "prompt_tokens_details":{"cached_tokens":768}}})");
  REQUIRE(r.ok());
  CHECK(r->message.content ==
        std::vector<ContentBlock>{TextBlock{"Hi"}, ToolUseBlock{"c1", "f", R"({"a": 1})"}});
  CHECK(r->usage == Usage{232, 20, 768, 0});
  CHECK(r->stop_reason == StopReason::kToolUse);
  CHECK(r->model == "gpt-x");
}

TEST_CASE("openai answer: lenient about missing usage and null content") {
  Result<Response> r = openai::ParseResponse(
      R"({"choices":[{"message":{"content":null},"finish_reason":"length"}]})");
  REQUIRE(r.ok());
  CHECK(r->message.content.empty());
  CHECK(r->usage == Usage{});
  CHECK(r->stop_reason == StopReason::kMaxTokens);
}

TEST_CASE("openai answer: no choices, not JSON, or an error object are failures") {
  CHECK(openai::ParseResponse(R"({"choices":[]})").message() ==
        "openai: the answer has no choices");
  CHECK(openai::ParseResponse("<html>").message() ==
        "openai: the answer is not a JSON object (6 bytes)");
  Result<Response> e = openai::ParseResponse(
      R"({"error":{"message":"maximum context length is 8192 tokens","type":"invalid_request_error","code":null}})");
  CHECK(e.code() == ErrorCode::kContextLength);
  CHECK(e.message() ==
        "openai: the server reported invalid_request_error: maximum context length is 8192 tokens");
}

TEST_CASE("openai finish reasons map, unknown ones to kOther") {
  CHECK(openai::StopReasonFromWire("stop") == StopReason::kEndTurn);
  CHECK(openai::StopReasonFromWire("function_call") == StopReason::kToolUse);
  CHECK(openai::StopReasonFromWire("content_filter") == StopReason::kRefusal);
  CHECK(openai::StopReasonFromWire("eos") == StopReason::kOther);
}

TEST_CASE("openai context-length errors are recognised by code or by message") {
  CHECK(openai::IsContextLengthError({"invalid_request_error", "context_length_exceeded", "x"}));
  CHECK(openai::IsContextLengthError(
      {"BadRequestError", "400", "This model's maximum context length is 4096 tokens."}));
  CHECK_FALSE(openai::IsContextLengthError({"invalid_request_error", "", "bad messages"}));
}

TEST_CASE("openai stream: tool-call deltas are assembled by index, even interleaved") {
  openai::StreamDecoderImpl d;
  std::string text;
  auto s = FeedAll(
      d,
      {R"({"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})",
       R"({"choices":[{"index":0,"delta":{"content":"Hel"}}]})",
       R"({"choices":[{"index":0,"delta":{"content":"lo"}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c2","type":"function","function":{"name":"g","arguments":""}}]}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]})",
       R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
       R"({"choices":[],"usage":{"prompt_tokens":50,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":10}}})",
       "[DONE]"},
      text);
  for (const auto& st : s) CHECK(st.ok());
  CHECK(text == "Hello");
  Result<Response> r = d.Finish();
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{TextBlock{"Hello"},
                                                        ToolUseBlock{"c1", "f", R"({"a":1})"},
                                                        ToolUseBlock{"c2", "g", "{}"}});
  CHECK(r->usage == Usage{40, 9, 10, 0});
  CHECK(r->stop_reason == StopReason::kToolUse);
  CHECK(r->model == "gpt-x");
}

TEST_CASE("openai stream: unknown chunks and named events are ignored, bad data is not") {
  openai::StreamDecoderImpl d;
  std::string text;
  auto named =
      FeedAll(d, {R"({"choices":[{"index":0,"delta":{"content":"no"}}]})"}, text, "future");
  CHECK(named[0].ok());
  auto s = FeedAll(
      d,
      {R"({"object":"future.thing"})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"x"}}]}}]})",
       "{cut", R"({"error":{"message":"boom","type":"server_error"}})"},
      text);
  CHECK(s[0].ok());
  CHECK(s[1].message() == "openai: a streamed tool call has no index");
  CHECK(s[2].message() == "openai: the data of a stream event is not a JSON object");
  CHECK(s[3].code() == ErrorCode::kServer);
  CHECK(s[3].message() == "openai: the server reported server_error: boom");
  CHECK(text.empty());
}

TEST_CASE("openai stream: a finish_reason without [DONE] is accepted, neither is truncation") {
  openai::StreamDecoderImpl finished;
  std::string text;
  FeedAll(finished,
          {R"({"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]})"}, text);
  Result<Response> r = finished.Finish();
  REQUIRE(r.ok());
  CHECK(r->message == Message::Assistant("ok"));

  openai::StreamDecoderImpl cut;
  FeedAll(cut, {R"({"choices":[{"index":0,"delta":{"content":"o"}}]})"}, text);
  CHECK(cut.Finish().message() ==
        "openai: the event stream ended before a finish_reason and [DONE] (truncated)");
}

}  // namespace intern::agent

namespace intern::agent {

TEST_CASE("openai request: invalid UTF-8 from a tool is replaced, never thrown") {
  LlmRequest r;
  r.model = "m";
  Message assistant;
  assistant.role = Role::kAssistant;
  assistant.content = {ToolUseBlock{"t", "f", "{}"}};
  r.messages = {Message::User("hi"), assistant,
                Message::ToolResults({ToolResultBlock{"t", "ok \xff end", false}})};
  json body = json::parse(openai::RequestBody(r, {}));
  CHECK(body["messages"][2]["content"] == "ok \xEF\xBF\xBD end");
}

TEST_CASE("openai stream: the same answer at every split of the byte stream") {
  std::string stream;
  for (
      const char* data :
      {R"({"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Grüße "}}]})",
       R"({"choices":[{"index":0,"delta":{"content":"✓"}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{\"k\":"}}]}}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"v\"}"}}]}}]})",
       R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})",
       R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}})", "[DONE]"}) {
    stream += intern::testing::SseFrame("", data);
  }
  Response expected;
  expected.message.role = Role::kAssistant;
  expected.message.content = {TextBlock{"Grüße ✓"}, ToolUseBlock{"c", "f", R"({"k":"v"})"}};
  expected.usage = Usage{3, 4, 0, 0};
  expected.stop_reason = StopReason::kToolUse;
  expected.model = "m";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    tools::SseParser parser;
    openai::StreamDecoderImpl decoder;
    std::string text;
    for (std::string_view part :
         {std::string_view(stream).substr(0, cut), std::string_view(stream).substr(cut)}) {
      std::vector<tools::SseEvent> events;
      REQUIRE(parser.Feed(part, events).ok());
      for (const auto& e : events)
        REQUIRE(decoder.OnEvent(e, [&](std::string_view t) { text += t; }).ok());
    }
    REQUIRE(parser.Finish().ok());
    Result<Response> r = decoder.Finish();
    REQUIRE(r.ok());
    CHECK(*r == expected);
    CHECK(text == "Grüße ✓");
  }
}

}  // namespace intern::agent

namespace intern::agent {

TEST_CASE("openai answer: a refusal is kept as text with stop reason kRefusal") {
  Result<Response> r = openai::ParseResponse(
      R"({"choices":[{"message":{"content":null,"refusal":"I can't help."},"finish_reason":"stop"}]})");
  REQUIRE(r.ok());
  CHECK(r->message == Message::Assistant("I can't help."));
  CHECK(r->stop_reason == StopReason::kRefusal);

  openai::StreamDecoderImpl d;
  std::string text;
  tools::SseEvent e;
  e.data = R"({"choices":[{"index":0,"delta":{"refusal":"No."},"finish_reason":"stop"}]})";
  REQUIRE(d.OnEvent(e, [&](std::string_view t) { text += t; }).ok());
  Result<Response> streamed = d.Finish();
  REQUIRE(streamed.ok());
  CHECK(text == "No.");
  CHECK(streamed->stop_reason == StopReason::kRefusal);
}

}  // namespace intern::agent
