#include "agent/message.h"

#include <catch2/catch.hpp>

#include "agent/message_json.h"

namespace intern::agent {
namespace {

Message AssistantWithCalls() {
  Message m{Role::kAssistant, {}};
  m.content.emplace_back(TextBlock{"Looking both up."});
  m.content.emplace_back(ToolUseBlock{"t1", "web_search", R"({"q": "gemma 3n"})"});
  m.content.emplace_back(ToolUseBlock{"t2", "hub_lookup", R"({"id":"google/gemma-3n"})"});
  return m;
}

TEST_CASE("a message exposes its text and its tool calls in order") {
  Message m = AssistantWithCalls();
  CHECK(m.Text() == "Looking both up.");
  CHECK(m.HasToolUse());
  CHECK_FALSE(m.HasToolResult());
  auto calls = m.ToolCalls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0] == ToolCall{"t1", "web_search", R"({"q": "gemma 3n"})"});
  CHECK(calls[1].name == "hub_lookup");
}

TEST_CASE("CharCount counts text, tool input and tool result characters") {
  Message m = Message::ToolResults({ToolResultBlock{"t1", "12345", false}});
  CHECK(m.CharCount() == 2 + 5);
  CHECK(Message::User("hello").CharCount() == 5);
}

TEST_CASE("usage adds up field by field and reports total and prompt size") {
  Usage a{100, 20, 300, 40};
  a += Usage{1, 2, 3, 4};
  CHECK(a == Usage{101, 22, 303, 44});
  CHECK(a.Total() == 470);
  CHECK(a.Prompt() == 448);
}

TEST_CASE("tool choice helpers build the three modes") {
  CHECK(ToolChoice::Auto().mode == ToolChoice::Mode::kAuto);
  CHECK(ToolChoice::None().mode == ToolChoice::Mode::kNone);
  CHECK(ToolChoice::Only("submit_draft") == ToolChoice{ToolChoice::Mode::kTool, "submit_draft"});
}

TEST_CASE("messages round-trip through storage JSON unchanged, tool input byte for byte") {
  std::vector<Message> conversation = {
      Message::System("You research tools."),
      Message::User("Compare A and B"),
      AssistantWithCalls(),
      Message::ToolResults(
          {ToolResultBlock{"t1", "results...", false}, ToolResultBlock{"t2", "404", true}}),
  };
  std::string text = MessagesToJson(conversation);
  auto back = MessagesFromJson(text);
  REQUIRE(back.ok());
  CHECK(*back == conversation);
  auto one = MessageFromJson(MessageToJson(conversation[2]));
  REQUIRE(one.ok());
  CHECK(std::get<ToolUseBlock>(one->content[1]).input == R"({"q": "gemma 3n"})");
}

TEST_CASE("reading storage JSON fills missing fields with defaults and skips unknown blocks") {
  auto m = MessageFromJson(R"({"content":[{"type":"image","url":"x"},{"text":"hi"},
      {"type":"tool_result","tool_use_id":"t9"},{"type":"tool_use","id":"t1","name":"f","input":{"b":1,"a":2}}]})");
  REQUIRE(m.ok());
  CHECK(m->role == Role::kUser);
  REQUIRE(m->content.size() == 3);
  CHECK(std::get<TextBlock>(m->content[0]).text == "hi");
  CHECK(std::get<ToolResultBlock>(m->content[1]) == ToolResultBlock{"t9", "", false});
  CHECK(std::get<ToolUseBlock>(m->content[2]).input == R"({"a":2,"b":1})");
  auto bare = MessageFromJson(R"({"role":"assistant","content":"plain"})");
  REQUIRE(bare.ok());
  CHECK(*bare == Message::Assistant("plain"));
}

TEST_CASE("storage JSON that is broken or names an unknown role fails with a sentence") {
  auto bad = MessageFromJson("{not json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.code() == ErrorCode::kInvalidArgument);
  CHECK(bad.message() == "message JSON: not valid JSON");
  auto role = MessageFromJson(R"({"role":"robot"})");
  REQUIRE_FALSE(role.ok());
  CHECK(role.message() == "message JSON: unknown role \"robot\"");
  auto arr = MessagesFromJson(R"({"role":"user"})");
  REQUIRE_FALSE(arr.ok());
  CHECK(arr.message() == "messages JSON: expected an array");
}

TEST_CASE("dumping a message replaces invalid UTF-8 instead of failing") {
  Message m = Message::User(std::string("caf\xC3") + "!");
  std::string text = MessageToJson(m);
  CHECK(text ==
        "{\"content\":[{\"text\":\"caf\xEF\xBF\xBD!\",\"type\":\"text\"}],\"role\":\"user\"}");
  auto back = MessageFromJson(text);
  REQUIRE(back.ok());
  CHECK(back->Text() == "caf\xEF\xBF\xBD!");
}

TEST_CASE("usage round-trips through JSON and missing counts read as zero") {
  Usage u{1, 2, 3, 4};
  auto back = UsageFromJson(UsageToJson(u));
  REQUIRE(back.ok());
  CHECK(*back == u);
  auto partial = UsageFromJson(R"({"output":7})");
  REQUIRE(partial.ok());
  CHECK(*partial == Usage{0, 7, 0, 0});
}

}  // namespace
}  // namespace intern::agent
