// Tool names on the wire: MCP tools are registered as `server.tool`, which neither vendor API
// accepts (^[a-zA-Z0-9_-]{1,64}$). The converters send a mapped name and read answers back.

#include "agent/providers/wire_tool_names.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/providers/anthropic_wire.h"
#include "agent/providers/openai_wire.h"
#include "tests/support/fake_llm.h"

namespace intern::agent {
namespace {

using nlohmann::json;

// 70 characters, all of them allowed: too long only.
const std::string kLongName = "research_" + std::string(61, 'a');
// Its wire name: 55 characters kept, then "_" and 8 hex digits of the FNV-1a hash.
const std::string kLongWire = kLongName.substr(0, 55) + "_f532c23c";

LlmRequest NamesRequest() {
  LlmRequest r;
  r.model = "m";
  Message assistant;
  assistant.role = Role::kAssistant;
  assistant.content = {ToolUseBlock{"c1", "docs.search", R"({"q":"x"})"}};
  r.messages = {Message::User("Start."), assistant,
                Message::ToolResults({ToolResultBlock{"c1", "found", false}})};
  r.tools = {ToolSpec{"docs.search", "", ""}, ToolSpec{"docs/search", "", ""},
             ToolSpec{"submit_draft", "", ""}, ToolSpec{kLongName, "", ""}};
  r.tool_choice = ToolChoice::Only("docs/search");
  return r;
}

std::vector<std::string> OpenAiToolNames(const json& body) {
  std::vector<std::string> out;
  for (const auto& t : body["tools"]) out.push_back(t["function"]["name"]);
  return out;
}

std::vector<std::string> AnthropicToolNames(const json& body) {
  std::vector<std::string> out;
  for (const auto& t : body["tools"]) out.push_back(t["name"]);
  return out;
}

const std::vector<std::string> kWireNames = {"docs_search_8340bc08", "docs_search_f9cdb167",
                                             "submit_draft", kLongWire};

}  // namespace

TEST_CASE("tool names: valid names pass unchanged, others become sanitised names with a hash") {
  CHECK(kLongName.size() == 70);
  wire::ToolNames names(NamesRequest());
  CHECK(names.ToWire("submit_draft") == "submit_draft");
  CHECK(names.ToWire("docs.search") == "docs_search_8340bc08");
  CHECK(names.ToWire("docs/search") == "docs_search_f9cdb167");
  CHECK(names.ToWire(kLongName) == kLongWire);
  CHECK(kLongWire.size() == 64);
  for (const std::string& wire_name : kWireNames) CHECK(wire::IsValidWireToolName(wire_name));
  CHECK(names.FromWire("docs_search_8340bc08") == "docs.search");
  CHECK(names.FromWire("docs_search_f9cdb167") == "docs/search");
  CHECK(names.FromWire(kLongWire) == kLongName);
  CHECK(names.FromWire("submit_draft") == "submit_draft");
  CHECK(names.FromWire("no_such_tool") == "no_such_tool");
  CHECK(names.FromWire("other.tool") == "other.tool");
}

TEST_CASE("tool names: a registry name equal to another's wire name is stepped around") {
  LlmRequest r;
  r.tools = {ToolSpec{"docs.search", "", ""}, ToolSpec{"docs_search_8340bc08", "", ""}};
  wire::ToolNames names(r);
  CHECK(names.ToWire("docs_search_8340bc08") == "docs_search_8340bc08");
  CHECK(names.ToWire("docs.search") == "docs_search_b0fe936f");
  CHECK(names.FromWire("docs_search_b0fe936f") == "docs.search");
  CHECK(names.FromWire("docs_search_8340bc08") == "docs_search_8340bc08");
}

TEST_CASE("tool names: a name outside the request's map still goes out valid") {
  wire::ToolNames names(LlmRequest{});
  CHECK(names.ToWire("srv.echo") == "srv_echo_c3486075");
  CHECK(names.ToWire("") == "_84222325");
  CHECK(wire::IsValidWireToolName(names.ToWire("")));
  CHECK_FALSE(wire::IsValidWireToolName(""));
  CHECK_FALSE(wire::IsValidWireToolName(std::string(65, 'a')));
  CHECK(wire::IsValidWireToolName(std::string(64, 'a')));
}

TEST_CASE("openai request: tools, history tool_calls and tool_choice carry wire names") {
  json body = json::parse(openai::RequestBody(NamesRequest(), {0, false}));
  CHECK(OpenAiToolNames(body) == kWireNames);
  CHECK(body["messages"][1]["tool_calls"][0]["function"]["name"] == "docs_search_8340bc08");
  CHECK(body["tool_choice"]["function"]["name"] == "docs_search_f9cdb167");
  CHECK(testing::CheckOpenAiRequest(body) == "");
}

TEST_CASE("openai answer: wire names map back to registry names, unknown ones pass through") {
  wire::ToolNames names(NamesRequest());
  Result<Response> r = openai::ParseResponse(
      R"({"choices":[{"finish_reason":"tool_calls","message":{"content":null,"tool_calls":[
          {"id":"a","type":"function","function":{"name":"docs_search_f9cdb167","arguments":"{}"}},
          {"id":"b","type":"function","function":{"name":")" +
          kLongWire + R"(","arguments":"{}"}},
          {"id":"c","type":"function","function":{"name":"made_up","arguments":"{}"}}]}}]})",
      names);
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{ToolUseBlock{"a", "docs/search", "{}"},
                                                        ToolUseBlock{"b", kLongName, "{}"},
                                                        ToolUseBlock{"c", "made_up", "{}"}});
}

TEST_CASE("openai stream: a wire name split across deltas maps back once assembled") {
  openai::StreamDecoderImpl d{wire::ToolNames(NamesRequest())};
  std::vector<std::string> chunks = {
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"docs_sea","arguments":""}}]}}]})",
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"rch_8340bc08","arguments":"{}"}}]}}]})",
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"made_up","arguments":"{}"}}]}}]})",
      R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})", "[DONE]"};
  for (const auto& data : chunks) {
    tools::SseEvent e;
    e.event = "message";
    e.data = data;
    REQUIRE(d.OnEvent(e, [](std::string_view) {}).ok());
  }
  Result<Response> r = d.Finish();
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{ToolUseBlock{"a", "docs.search", "{}"},
                                                        ToolUseBlock{"b", "made_up", "{}"}});
}

TEST_CASE("anthropic request: tools, history tool_use and tool_choice carry wire names") {
  json body = json::parse(anthropic::RequestBody(NamesRequest(), {1024, false, false}));
  CHECK(AnthropicToolNames(body) == kWireNames);
  CHECK(body["messages"][1]["content"][0]["name"] == "docs_search_8340bc08");
  CHECK(body["tool_choice"] == json{{"type", "tool"}, {"name", "docs_search_f9cdb167"}});
  CHECK(testing::CheckAnthropicRequest(body) == "");
}

TEST_CASE("anthropic answer: wire names map back to registry names, unknown ones pass through") {
  wire::ToolNames names(NamesRequest());
  Result<Response> r = anthropic::ParseResponse(
      R"({"type":"message","stop_reason":"tool_use","content":[
          {"type":"tool_use","id":"a","name":"docs_search_8340bc08","input":{}},
          {"type":"tool_use","id":"b","name":"made_up","input":{}}]})",
      names);
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{ToolUseBlock{"a", "docs.search", "{}"},
                                                        ToolUseBlock{"b", "made_up", "{}"}});
}

TEST_CASE("anthropic stream: tool_use names map back to registry names") {
  anthropic::StreamDecoderImpl d{wire::ToolNames(NamesRequest())};
  std::vector<std::string> events = {
      R"({"type":"message_start","message":{"model":"m"}})",
      R"({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"a","name":")" +
          kLongWire + R"(","input":{}}})",
      R"({"type":"content_block_stop","index":0})",
      R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"b","name":"made_up","input":{}}})",
      R"({"type":"content_block_stop","index":1})",
      R"({"type":"message_delta","delta":{"stop_reason":"tool_use"}})",
      R"({"type":"message_stop"})"};
  for (const auto& data : events) {
    tools::SseEvent e;
    e.event = json::parse(data)["type"];
    e.data = data;
    REQUIRE(d.OnEvent(e, [](std::string_view) {}).ok());
  }
  Result<Response> r = d.Finish();
  REQUIRE(r.ok());
  CHECK(r->message.content == std::vector<ContentBlock>{ToolUseBlock{"a", kLongName, "{}"},
                                                        ToolUseBlock{"b", "made_up", "{}"}});
}

TEST_CASE("fake llm: both wires refuse a tool name outside the vendor pattern") {
  json openai_body = json::parse(
      R"({"model":"m","messages":[{"role":"user","content":"hi"}],
          "tools":[{"type":"function","function":{"name":"docs.search","parameters":{}}}]})");
  CHECK(testing::CheckOpenAiRequest(openai_body) ==
        "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that "
        "matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.");
  json anthropic_body = json::parse(
      R"({"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}],
          "tools":[{"name":"docs.search","input_schema":{}}]})");
  CHECK(testing::CheckAnthropicRequest(anthropic_body) ==
        "tools.0.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
}

}  // namespace intern::agent
