#include "agent/providers/anthropic_wire.h"

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
  r.model = "claude-test";
  r.system = "Be brief.";
  Message assistant;
  assistant.role = Role::kAssistant;
  assistant.content = {TextBlock{"Checking."}, ToolUseBlock{"tu_1", "web_search", R"({"q":"x"})"},
                       ToolUseBlock{"tu_2", "read_page", "not json"}};
  Message results = Message::ToolResults(
      {ToolResultBlock{"tu_1", "found", false}, ToolResultBlock{"tu_2", "bad arguments", true}});
  r.messages = {Message::User("Start."), assistant, results, Message::User("Keep going.")};
  r.tools = {ToolSpec{"web_search", "Search", R"({"type":"object"})"},
             ToolSpec{"read_page", "", "not a schema"}};
  return r;
}

json Body(const LlmRequest& r, anthropic::RequestSettings s) {
  return json::parse(anthropic::RequestBody(r, s));
}

std::vector<Status> FeedAll(anthropic::StreamDecoderImpl& d, const std::vector<std::string>& data,
                            std::string* text) {
  std::string ignored;
  if (text == nullptr) text = &ignored;
  std::vector<Status> out;
  for (const auto& payload : data) {
    tools::SseEvent e;
    e.event = json::parse(payload, nullptr, false).is_discarded()
                  ? "message"
                  : json::parse(payload).value("type", "message");
    e.data = payload;
    out.push_back(d.OnEvent(e, [&](std::string_view t) { *text += t; }));
  }
  return out;
}

}  // namespace

TEST_CASE("anthropic request: tool results go back first in one user turn after their tool_use") {
  json body = Body(ToolRound(), {1000, false, false});
  json expected_messages = json::parse(R"([
    {"role":"user","content":[{"type":"text","text":"Start."}]},
    {"role":"assistant","content":[{"type":"text","text":"Checking."},
      {"type":"tool_use","id":"tu_1","name":"web_search","input":{"q":"x"}},
      {"type":"tool_use","id":"tu_2","name":"read_page","input":{}}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"tu_1","content":"found"},
      {"type":"tool_result","tool_use_id":"tu_2","content":"bad arguments","is_error":true},
      {"type":"text","text":"Keep going."}]}])");
  CHECK(body["messages"] == expected_messages);
  CHECK(body["system"] == "Be brief.");
  CHECK(body["max_tokens"] == 1000);
  CHECK(body["model"] == "claude-test");
  CHECK_FALSE(body.contains("stream"));
  CHECK(body["tools"] == json::parse(R"([
    {"name":"web_search","description":"Search","input_schema":{"type":"object"}},
    {"name":"read_page","input_schema":{"type":"object"}}])"));
  CHECK(body["tool_choice"] == json::parse(R"({"type":"auto"})"));
  CHECK(testing::CheckAnthropicRequest(body) == "");
}

TEST_CASE("anthropic request: prompt caching marks system, the last tool and the rolling tail") {
  json body = Body(ToolRound(), {1000, true, true});
  json ephemeral = json::parse(R"({"type":"ephemeral"})");
  CHECK(
      body["system"] ==
      json::parse(R"([{"type":"text","text":"Be brief.","cache_control":{"type":"ephemeral"}}])"));
  CHECK_FALSE(body["tools"][0].contains("cache_control"));
  CHECK(body["tools"][1]["cache_control"] == ephemeral);
  const json& tail = body["messages"].back()["content"];
  CHECK(tail.back()["cache_control"] == ephemeral);
  CHECK_FALSE(tail[0].contains("cache_control"));
  CHECK_FALSE(body["messages"][0]["content"][0].contains("cache_control"));
  CHECK(body["stream"] == true);
  CHECK(body.dump().find("cache_control") != std::string::npos);
  CHECK(testing::CheckAnthropicRequest(body) == "");
}

TEST_CASE("anthropic request: the tail mark lands on the tool results when they are last") {
  LlmRequest r = ToolRound();
  r.messages.pop_back();
  json body = Body(r, {1000, true, false});
  const json& tail = body["messages"].back()["content"];
  CHECK(tail.back()["tool_use_id"] == "tu_2");
  CHECK(tail.back()["cache_control"] == json::parse(R"({"type":"ephemeral"})"));
}

TEST_CASE("anthropic request: system messages join the system prompt, empty text is left out") {
  LlmRequest r;
  r.model = "m";
  r.system = "One.";
  r.messages = {Message::System("Two."), Message::User("Hi"), Message::Assistant(""),
                Message::User("Again")};
  json body = Body(r, {10, false, false});
  CHECK(body["system"] == "One.\n\nTwo.");
  CHECK(body["messages"] == json::parse(R"([{"role":"user","content":[{"type":"text","text":"Hi"},
                                              {"type":"text","text":"Again"}]}])"));
  CHECK_FALSE(body.contains("tools"));
  CHECK_FALSE(body.contains("tool_choice"));
}

TEST_CASE("anthropic request: tool_choice none and a named tool") {
  LlmRequest r = ToolRound();
  r.tool_choice = ToolChoice::None();
  CHECK(Body(r, {10, false, false})["tool_choice"] == json::parse(R"({"type":"none"})"));
  r.tool_choice = ToolChoice::Only("read_page");
  CHECK(Body(r, {10, false, false})["tool_choice"] ==
        json::parse(R"({"type":"tool","name":"read_page"})"));
}

TEST_CASE("anthropic answer: text and tool_use blocks with usage exactly as reported") {
  Result<Response> r = anthropic::ParseResponse(R"({
    "id":"msg_1","type":"message","role":"assistant","model":"claude-x",
    "content":[{"type":"thinking","thinking":"hm","signature":"s"},
               {"type":"text","text":"Hi"},
               {"type":"tool_use","id":"tu","name":"web_search","input":{"q":"a","n":2}}],
    "stop_reason":"tool_use","stop_sequence":null,
    "usage":{"input_tokens":11,"output_tokens":7,"cache_read_input_tokens":300,
             "cache_creation_input_tokens":40}})");
  REQUIRE(r.ok());
  CHECK(r->message.content ==
        std::vector<ContentBlock>{TextBlock{"Hi"},
                                  ToolUseBlock{"tu", "web_search", R"({"n":2,"q":"a"})"}});
  CHECK(r->usage == Usage{11, 7, 300, 40});
  CHECK(r->stop_reason == StopReason::kToolUse);
  CHECK(r->model == "claude-x");
}

TEST_CASE("anthropic answer: an unknown content block type is a protocol error") {
  Result<Response> r =
      anthropic::ParseResponse(R"({"type":"message","content":[{"type":"hologram"}],"usage":{}})");
  REQUIRE_FALSE(r.ok());
  CHECK(r.code() == ErrorCode::kProtocol);
  CHECK(r.message() == "anthropic: unknown content block type \"hologram\"");
}

TEST_CASE("anthropic answer: a 200 error document and a document without content are failures") {
  Result<Response> overloaded = anthropic::ParseResponse(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  CHECK(overloaded.code() == ErrorCode::kServer);
  CHECK(overloaded.message() == "anthropic: the stream reported overloaded_error: Overloaded");
  Result<Response> empty = anthropic::ParseResponse(R"({"type":"message"})");
  CHECK(empty.code() == ErrorCode::kProtocol);
  CHECK(empty.message() == "anthropic: the answer has no content array");
}

TEST_CASE("anthropic answer: stop reasons map, unknown ones to kOther") {
  CHECK(anthropic::StopReasonFromWire("end_turn") == StopReason::kEndTurn);
  CHECK(anthropic::StopReasonFromWire("max_tokens") == StopReason::kMaxTokens);
  CHECK(anthropic::StopReasonFromWire("stop_sequence") == StopReason::kStopSequence);
  CHECK(anthropic::StopReasonFromWire("refusal") == StopReason::kRefusal);
  CHECK(anthropic::StopReasonFromWire("pause_turn") == StopReason::kOther);
}

TEST_CASE("anthropic context-length errors are recognised from the error body") {
  CHECK(anthropic::IsContextLengthError(
      {"invalid_request_error", "", "prompt is too long: 201000 tokens > 200000 maximum"}));
  CHECK(anthropic::IsContextLengthError(
      {"invalid_request_error", "",
       "input length and `max_tokens` exceed context limit: 199000 + 8192 > 200000"}));
  CHECK_FALSE(anthropic::IsContextLengthError({"invalid_request_error", "", "messages: bad"}));
  CHECK_FALSE(anthropic::IsContextLengthError({"api_error", "", "prompt is too long"}));
}

TEST_CASE("anthropic stream: input_json_delta pieces assemble into the tool input") {
  anthropic::StreamDecoderImpl d;
  std::string text;
  auto statuses = FeedAll(
      d,
      {R"({"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":5,"cache_read_input_tokens":9,"cache_creation_input_tokens":3,"output_tokens":1}}})",
       R"({"type":"ping"})",
       R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}})",
       R"({"type":"content_block_stop","index":0})",
       R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"tu","name":"s","input":{}}})",
       R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})",
       R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"q\": \"ab"}})",
       R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"c\"}"}})",
       R"({"type":"content_block_stop","index":1})",
       R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"tv","name":"t","input":{}}})",
       R"({"type":"content_block_stop","index":2})",
       R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":42}})",
       R"({"type":"message_stop"})"},
      &text);
  for (const auto& s : statuses) CHECK(s.ok());
  CHECK(text == "Hello");
  Result<Response> r = d.Finish();
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{TextBlock{"Hello"},
                                                        ToolUseBlock{"tu", "s", R"({"q":"abc"})"},
                                                        ToolUseBlock{"tv", "t", "{}"}});
  CHECK(r->usage == Usage{5, 42, 9, 3});
  CHECK(r->stop_reason == StopReason::kToolUse);
  CHECK(r->model == "claude-x");
}

TEST_CASE("anthropic stream: unknown events are ignored, unknown blocks and deltas are not") {
  anthropic::StreamDecoderImpl d;
  std::string text;
  auto statuses = FeedAll(
      d,
      {R"({"type":"message_start","message":{"model":"m","usage":{}}})",
       R"({"type":"future_event","anything":[1,2]})",
       R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"sparkle_delta"}})",
       R"({"type":"content_block_start","index":1,"content_block":{"type":"hologram"}})",
       R"({"type":"content_block_delta","index":7,"delta":{"type":"text_delta","text":"x"}})",
       R"({"type":"content_block_delta","delta":{"type":"text_delta","text":"x"}})", R"(not json)"},
      &text);
  REQUIRE(statuses.size() == 8);
  CHECK(statuses[1].ok());
  CHECK(statuses[3].message() == "anthropic: unexpected delta type \"sparkle_delta\" for block 0");
  CHECK(statuses[4].message() == "anthropic: unknown content block type \"hologram\"");
  CHECK(statuses[5].message() ==
        "anthropic: a \"content_block_delta\" event names block 7, which never started");
  CHECK(statuses[6].message() == "anthropic: a \"content_block_delta\" event has no block index");
  CHECK(statuses[7].code() == ErrorCode::kProtocol);
  CHECK(statuses[7].message() == "anthropic: the data of a \"message\" event is not a JSON object");
}

TEST_CASE("anthropic stream: content before message_start and a missing message_stop fail") {
  anthropic::StreamDecoderImpl early;
  std::string text;
  auto s = FeedAll(early,
                   {R"({"type":"content_block_start","index":0,"content_block":{"type":"text"}})"},
                   &text);
  CHECK(s[0].message() == "anthropic: a \"content_block_start\" event came before message_start");
  CHECK(early.Finish().message() ==
        "anthropic: the event stream ended before message_start (truncated)");

  anthropic::StreamDecoderImpl cut;
  FeedAll(cut, {R"({"type":"message_start","message":{}})"}, &text);
  CHECK(cut.Finish().message() ==
        "anthropic: the event stream ended before message_stop (truncated)");
}

TEST_CASE("anthropic stream: an error event becomes the failure it reports") {
  anthropic::StreamDecoderImpl d;
  std::string text;
  auto s = FeedAll(
      d,
      {R"({"type":"message_start","message":{}})",
       R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
       R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 5 > 4"}})"},
      &text);
  CHECK(s[1].code() == ErrorCode::kServer);
  CHECK(s[1].message() == "anthropic: the stream reported overloaded_error: Overloaded");
  CHECK(s[2].code() == ErrorCode::kContextLength);
}

}  // namespace intern::agent

namespace intern::agent {

TEST_CASE("anthropic request: invalid UTF-8 from a tool is replaced, never thrown") {
  LlmRequest r;
  r.model = "m";
  Message assistant;
  assistant.role = Role::kAssistant;
  assistant.content = {ToolUseBlock{"t", "f", "{}"}};
  r.messages = {Message::User("hi"), assistant,
                Message::ToolResults({ToolResultBlock{"t", "ok \xff end", false}})};
  json body = json::parse(anthropic::RequestBody(r, {10, false, false}));
  CHECK(body["messages"][2]["content"][0]["content"] == "ok \xEF\xBF\xBD end");
}

TEST_CASE("anthropic stream: the same answer at every split of the byte stream") {
  std::string stream;
  for (
      const auto& [name, data] : std::vector<std::pair<std::string, std::string>>{
          {"message_start",
           R"({"type":"message_start","message":{"model":"m","usage":{"input_tokens":2}}})"},
          {"content_block_start",
           R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
          {"content_block_delta",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Grüße "}})"},
          {"content_block_delta",
           R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"✓"}})"},
          {"content_block_start",
           R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}})"},
          {"content_block_delta",
           R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"k\":"}})"},
          {"content_block_delta",
           R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\"v\"}"}})"},
          {"message_delta",
           R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})"},
          {"message_stop", R"({"type":"message_stop"})"}}) {
    stream += intern::testing::SseFrame(name, data);
  }
  Response expected;
  expected.message.role = Role::kAssistant;
  expected.message.content = {TextBlock{"Grüße ✓"}, ToolUseBlock{"t", "f", R"({"k":"v"})"}};
  expected.usage = Usage{2, 9, 0, 0};
  expected.stop_reason = StopReason::kToolUse;
  expected.model = "m";
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    tools::SseParser parser;
    anthropic::StreamDecoderImpl decoder;
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
