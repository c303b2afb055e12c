// Pins the scripted fake LLM itself: the API rules it enforces (so converter bugs show up as
// 400s), and the wire shapes of its answers and faults.

#include "tests/support/fake_llm.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/http/beast_http_client.h"

namespace intern::testing {
namespace {

using nlohmann::json;

tools::HttpRequest Post(const std::string& url, const json& body, tools::HttpHeaders headers) {
  tools::HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.body = body.dump();
  r.headers = std::move(headers);
  r.headers.emplace_back("content-type", "application/json");
  return r;
}

tools::HttpClientOptions Loopback() {
  tools::HttpClientOptions options;
  options.use_system_cas = false;  // plain http only; loading the CA store is slow
  return options;
}

const tools::HttpHeaders kAnthropicHeaders = {{"anthropic-version", "2023-06-01"},
                                              {"x-api-key", "k1"}};
const tools::HttpHeaders kOpenAiHeaders = {{"Authorization", "Bearer k1"}};

json AnthropicBody(bool stream) {
  json b = json::parse(R"({"model":"m","max_tokens":100,
                           "messages":[{"role":"user","content":"hi"}]})");
  if (stream) b["stream"] = true;
  return b;
}

json OpenAiBody(bool stream, bool usage) {
  json b = json::parse(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})");
  if (stream) b["stream"] = true;
  if (usage) b["stream_options"] = {{"include_usage", true}};
  return b;
}

}  // namespace

TEST_CASE("fake llm rule: a tool_result must answer a tool_use of the previous message") {
  json b = json::parse(R"({"model":"m","max_tokens":5,"messages":[
    {"role":"user","content":"hi"},
    {"role":"assistant","content":[{"type":"text","text":"ok"}]},
    {"role":"user","content":[{"type":"tool_result","tool_use_id":"t9","content":"x"}]}]})");
  CHECK(CheckAnthropicRequest(b) ==
        "messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t9. Each "
        "`tool_result` block must have a corresponding `tool_use` block in the previous "
        "message.");
}

TEST_CASE("fake llm rule: every tool_use needs its tool_result in the next message") {
  json b = json::parse(R"({"model":"m","max_tokens":5,"messages":[
    {"role":"user","content":"hi"},
    {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
    {"role":"user","content":[{"type":"text","text":"no results"}]}]})");
  CHECK(CheckAnthropicRequest(b) ==
        "messages.2: `tool_use` ids were found without `tool_result` blocks immediately after: t1");
}

TEST_CASE("fake llm rule: tool_result blocks come first, text blocks are not empty") {
  json late = json::parse(R"({"model":"m","max_tokens":5,"messages":[
    {"role":"user","content":"hi"},
    {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
    {"role":"user","content":[{"type":"text","text":"a"},{"type":"tool_result","tool_use_id":"t1"}]}]})");
  CHECK(
      CheckAnthropicRequest(late) ==
      "messages.2.content.1: tool_result blocks must come first in the content of a user message");
  json empty = json::parse(R"({"model":"m","max_tokens":5,"messages":[
    {"role":"user","content":[{"type":"text","text":""}]}]})");
  CHECK(CheckAnthropicRequest(empty) ==
        "messages.0.content.0: text content blocks must be non-empty");
}

TEST_CASE("fake llm rule: at most four cache_control breakpoints") {
  json b = AnthropicBody(false);
  json block = {{"type", "text"}, {"text", "x"}, {"cache_control", {{"type", "ephemeral"}}}};
  b["messages"][0]["content"] = json::array({block, block, block, block, block});
  CHECK(CheckAnthropicRequest(b) ==
        "A maximum of 4 blocks with cache_control may be provided. Found 5.");
}

TEST_CASE("fake llm rule: OpenAI tool messages answer the preceding tool_calls, all of them") {
  json orphan = json::parse(R"({"model":"m","messages":[
    {"role":"user","content":"hi"},
    {"role":"tool","tool_call_id":"c1","content":"x"}]})");
  CHECK(CheckOpenAiRequest(orphan) ==
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message "
        "with 'tool_calls'.");
  json unanswered = json::parse(R"({"model":"m","messages":[
    {"role":"user","content":"hi"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
    {"role":"user","content":"next"}]})");
  CHECK(CheckOpenAiRequest(unanswered) ==
        "An assistant message with 'tool_calls' must be followed by tool messages responding to "
        "each 'tool_call_id'. The following tool_call_ids did not have response messages: c1");
}

TEST_CASE("fake llm rule: OpenAI stream_options only with stream, null content needs tool_calls") {
  CHECK(CheckOpenAiRequest(OpenAiBody(false, true)) ==
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
  json b = json::parse(R"({"model":"m","messages":[{"role":"user","content":"hi"},
                                                   {"role":"assistant","content":null}]})");
  CHECK(CheckOpenAiRequest(b) == "messages[1]: content is required unless tool_calls is specified");
  CHECK(CheckOpenAiRequest(OpenAiBody(true, true)) == "");
}

TEST_CASE("fake llm answers a rule-breaking request 400 without consuming a turn") {
  FakeLlm llm({FakeTurn::Say({"hello"})}, FakeLlmOptions{"k1"});
  tools::BeastHttpClient http(Loopback());
  Result<tools::HttpResponse> r =
      http.Send(Post(llm.url() + "/v1/messages", AnthropicBody(false), {{"x-api-key", "k1"}}));
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(json::parse(r->body) ==
        json::parse(R"({"type":"error","error":{"type":"invalid_request_error",
                        "message":"anthropic-version: header is required"}})"));
  CHECK(llm.rejections() == std::vector<std::string>{"anthropic-version: header is required"});
  CHECK(llm.turns_served() == 0);
  Result<tools::HttpResponse> ok =
      http.Send(Post(llm.url() + "/v1/messages", AnthropicBody(false), kAnthropicHeaders));
  REQUIRE(ok.ok());
  CHECK(ok->status == 200);
  CHECK(json::parse(ok->body)["content"] == json::parse(R"([{"type":"text","text":"hello"}])"));
}

TEST_CASE("fake llm answers 400 once the script is exhausted, 401 for a wrong key") {
  FakeLlm llm({}, FakeLlmOptions{"k1"});
  tools::BeastHttpClient http(Loopback());
  Result<tools::HttpResponse> r = http.Send(
      Post(llm.openai_base_url() + "/chat/completions", OpenAiBody(false, false), kOpenAiHeaders));
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"]["message"] == "fake llm: the script has no turn 1");
  Result<tools::HttpResponse> bad =
      http.Send(Post(llm.openai_base_url() + "/chat/completions", OpenAiBody(false, false),
                     {{"Authorization", "Bearer wrong-key"}}));
  REQUIRE(bad.ok());
  CHECK(bad->status == 401);
  CHECK(json::parse(bad->body)["error"]["message"] ==
        "Incorrect API key provided: wrong-key. You can find your API key at "
        "https://platform.openai.com.");
}

TEST_CASE("fake llm streams Anthropic events in protocol order") {
  FakeTurn t = FakeTurn::Call({FakeToolCall{"tu", "f", R"({"a":1})"}}, {"Hi"}, {1, 2, 3, 4});
  FakeLlm llm({t});
  tools::BeastHttpClient http(Loopback());
  std::string body;
  Result<tools::HttpResponse> r = http.Stream(
      Post(llm.url() + "/v1/messages", AnthropicBody(true), {{"anthropic-version", "2023-06-01"}}),
      [&](std::string_view chunk) {
        body += chunk;
        return true;
      });
  REQUIRE(r.ok());
  CHECK(r->Header("content-type") == "text/event-stream");
  std::vector<std::string> names;
  for (std::size_t pos = body.find("event: "); pos != std::string::npos;
       pos = body.find("event: ", pos + 1)) {
    names.push_back(body.substr(pos + 7, body.find('\n', pos) - pos - 7));
  }
  CHECK(names == std::vector<std::string>{
                     "message_start", "ping", "content_block_start", "content_block_delta",
                     "content_block_stop", "content_block_start", "content_block_delta",
                     "content_block_delta", "content_block_stop", "message_delta", "message_stop"});
  CHECK(
      body.find(
          R"("usage":{"cache_creation_input_tokens":4,"cache_read_input_tokens":3,"input_tokens":1,"output_tokens":1})") !=
      std::string::npos);
}

TEST_CASE("fake llm sends the OpenAI usage chunk only when include_usage is asked for") {
  bool usage = GENERATE(true, false);
  FakeLlm llm({FakeTurn::Say({"Hi"}, {5, 6, 0, 0})});
  tools::BeastHttpClient http(Loopback());
  std::string body;
  Result<tools::HttpResponse> r =
      http.Stream(Post(llm.openai_base_url() + "/chat/completions", OpenAiBody(true, usage), {}),
                  [&](std::string_view chunk) {
                    body += chunk;
                    return true;
                  });
  REQUIRE(r.ok());
  CHECK((body.find(R"("completion_tokens":6)") != std::string::npos) == usage);
  CHECK(body.size() >= 14);
  CHECK(body.substr(body.size() - 14) == "data: [DONE]\n\n");
}

TEST_CASE("fake llm sends retry-after with a 429") {
  FakeTurn t = FakeTurn::Fault(LlmFault::kRateLimited);
  t.retry_after = "3";
  FakeLlm llm({t});
  tools::BeastHttpClient http(Loopback());
  Result<tools::HttpResponse> r =
      http.Send(Post(llm.url() + "/v1/messages", AnthropicBody(false), kAnthropicHeaders));
  REQUIRE(r.ok());
  CHECK(r->status == 429);
  CHECK(r->Header("retry-after") == "3");
  CHECK(json::parse(r->body)["error"]["type"] == "rate_limit_error");
}

}  // namespace intern::testing
