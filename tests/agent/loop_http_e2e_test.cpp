// The agent loop end to end through the real HTTP path: RunSession drives a real provider
// (Anthropic or OpenAI wire, streamed or not) over the real BeastHttpClient to a FakeLlm on
// loopback, with the real store in a temp folder and small fake tools.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/loop.h"
#include "agent/models.h"
#include "tests/agent/loop_test_support.h"
#include "tests/agent/providers/provider_harness.h"
#include "tests/support/fake_llm.h"

namespace intern::testing {
namespace {

using agent::testing::Harness;
using agent::testing::Wire;
using agent::testing::WireName;
using nlohmann::json;

struct ScriptedRound {
  const char* call_id;
  const char* tool;
  const char* args;
  agent::Usage usage;
};

// Three rounds: lookup a, lookup b, submit_draft. OpenAI cannot report cache writes, so its
// usage has none.
std::vector<ScriptedRound> Rounds(Wire wire) {
  if (wire == Wire::kAnthropic) {
    return {{"toolu_01", "lookup", R"({"q":"a"})", agent::Usage{1200, 80, 300, 40}},
            {"toolu_02", "lookup", R"({"q":"b"})", agent::Usage{1500, 90, 1200, 0}},
            {"toolu_03", "submit_draft", R"({"q":"good draft"})", agent::Usage{1800, 120, 1500, 0}}};
  }
  return {{"call_1", "lookup", R"({"q":"a"})", agent::Usage{1100, 70, 256, 0}},
          {"call_2", "lookup", R"({"q":"b"})", agent::Usage{1400, 95, 1024, 0}},
          {"call_3", "submit_draft", R"({"q":"good draft"})", agent::Usage{1700, 130, 1280, 0}}};
}

std::vector<FakeTurn> Script(Wire wire) {
  std::vector<FakeTurn> turns;
  for (const auto& round : Rounds(wire)) {
    turns.push_back(FakeTurn::Call({FakeToolCall{round.call_id, round.tool, round.args}},
                                   {"Looking."}, round.usage));
  }
  return turns;
}

const char* ModelFor(Wire wire) {
  return wire == Wire::kAnthropic ? "claude-sonnet-5" : "gpt-5-mini";
}

// One finished run: the loop fixture, the provider harness, and what RunSession returned.
struct HttpRun {
  HttpRun(Wire wire, bool stream) : h(wire, stream, Script(wire)) {
    lookup = &f.AddTool("lookup", tools::ApprovalClass::kRead, /*record_evidence=*/false);
    f.tools.Register(std::make_unique<FakeSubmitDraft>());
    f.models = agent::ModelCatalog::Embedded();
    f.options.model = ModelFor(wire);
    f.options.compaction_model = ModelFor(wire);
    f.options.provider_name = WireName(wire);
    h.options.model = ModelFor(wire);
    id = f.NewSession();
    outcome = f.Run(h.provider(), id);
  }

  LoopFixture f;
  Harness h;
  FakeTool* lookup = nullptr;
  std::string id;
  agent::LoopOutcome outcome;
};

}  // namespace

TEST_CASE(
    "a three-round session over the real HTTP path ends done and stores each step's usage and "
    "cost",
    "[loop][http]") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  bool stream = GENERATE(true, false);
  CAPTURE(WireName(wire), stream);
  HttpRun run(wire, stream);

  CHECK(run.h.llm.rejections().empty());
  CHECK(run.h.llm.turns_served() == 3);
  CHECK(run.outcome.status == sessions::SessionStatus::kDone);
  CHECK(run.outcome.iterations == 3);
  CHECK(run.outcome.sentence == "Done: the draft was submitted after 3 iterations (exit 0).");
  CHECK(run.lookup->runs() == 2);

  auto history = run.f.store.LoadHistory(run.id);
  REQUIRE(history);
  CHECK(history->session.status == sessions::SessionStatus::kDone);
  REQUIRE(history->steps.size() == 3);
  agent::ModelInfo model = run.f.models.Find(ModelFor(wire));
  REQUIRE(model.known);
  std::vector<ScriptedRound> rounds = Rounds(wire);
  double total_cost = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    const auto& step = history->steps[i];
    const agent::Usage& want = rounds[i].usage;
    CHECK(step.n == static_cast<std::int64_t>(i + 1));
    CHECK(step.provider == WireName(wire));
    CHECK(step.model == ModelFor(wire));
    CHECK(step.usage ==
          sessions::Usage{want.input, want.output, want.cache_read, want.cache_write});
    double cost = agent::CostUsd(want, model);
    CHECK(cost > 0.0);
    CHECK(step.cost_usd == cost);
    total_cost += cost;
    REQUIRE(step.tool_calls.size() == 1);
    CHECK(step.tool_calls[0].call_id == rounds[i].call_id);
    CHECK(step.tool_calls[0].tool == rounds[i].tool);
    CHECK_FALSE(step.tool_calls[0].is_error);
  }
  CHECK(history->steps[0].tool_calls[0].result == "lookup: a");
  CHECK(history->steps[1].tool_calls[0].result == "lookup: b");
  CHECK(history->steps[2].tool_calls[0].result == "draft accepted");
  CHECK(history->session.cost_usd == Approx(total_cost).epsilon(1e-12));

  std::vector<json> bodies = run.h.llm.requests();
  REQUIRE(bodies.size() == 3);
  for (const auto& body : bodies) CHECK(body["model"] == ModelFor(wire));
}

TEST_CASE(
    "anthropic: the loop feeds a tool result back as a user tool_result block naming the "
    "previous turn's tool_use id",
    "[loop][http]") {
  bool stream = GENERATE(true, false);
  CAPTURE(stream);
  HttpRun run(Wire::kAnthropic, stream);
  REQUIRE(run.outcome.status == sessions::SessionStatus::kDone);
  std::vector<json> bodies = run.h.llm.requests();
  REQUIRE(bodies.size() == 3);

  // Request n+1 ends with the assistant's tool_use of turn n and the user's tool_result for it.
  const char* expected_results[] = {"lookup: a", "lookup: b"};
  const char* expected_args[] = {"a", "b"};
  for (std::size_t turn = 0; turn < 2; ++turn) {
    CAPTURE(turn);
    const json& messages = bodies[turn + 1]["messages"];
    REQUIRE(messages.size() >= 3);
    const json& assistant = messages[messages.size() - 2];
    const json& user = messages.back();
    CHECK(assistant["role"] == "assistant");
    json tool_use;
    for (const auto& block : assistant["content"]) {
      if (block["type"] == "tool_use") tool_use = block;
    }
    REQUIRE(tool_use.is_object());
    CHECK(tool_use["id"] == Rounds(Wire::kAnthropic)[turn].call_id);
    CHECK(tool_use["name"] == "lookup");
    CHECK(tool_use["input"] == json{{"q", expected_args[turn]}});

    CHECK(user["role"] == "user");
    REQUIRE(user["content"].size() == 1);
    const json& result = user["content"][0];
    CHECK(result["type"] == "tool_result");
    CHECK(result["tool_use_id"] == tool_use["id"]);
    CHECK(result["content"] == expected_results[turn]);
    CHECK(result.value("is_error", false) == false);
  }
}

TEST_CASE(
    "openai: the loop feeds a tool result back as a role tool message after the assistant's "
    "tool_calls",
    "[loop][http]") {
  bool stream = GENERATE(true, false);
  CAPTURE(stream);
  HttpRun run(Wire::kOpenAi, stream);
  REQUIRE(run.outcome.status == sessions::SessionStatus::kDone);
  std::vector<json> bodies = run.h.llm.requests();
  REQUIRE(bodies.size() == 3);

  const char* expected_results[] = {"lookup: a", "lookup: b"};
  const char* expected_args[] = {"a", "b"};
  for (std::size_t turn = 0; turn < 2; ++turn) {
    CAPTURE(turn);
    const json& messages = bodies[turn + 1]["messages"];
    REQUIRE(messages.size() >= 3);
    const json& assistant = messages[messages.size() - 2];
    const json& tool = messages.back();
    CHECK(assistant["role"] == "assistant");
    REQUIRE(assistant["tool_calls"].size() == 1);
    const json& call = assistant["tool_calls"][0];
    CHECK(call["id"] == Rounds(Wire::kOpenAi)[turn].call_id);
    CHECK(call["type"] == "function");
    CHECK(call["function"]["name"] == "lookup");
    CHECK(json::parse(call["function"]["arguments"].get<std::string>()) ==
          json{{"q", expected_args[turn]}});

    CHECK(tool["role"] == "tool");
    CHECK(tool["tool_call_id"] == call["id"]);
    CHECK(tool["content"] == expected_results[turn]);
  }
}

}  // namespace intern::testing
