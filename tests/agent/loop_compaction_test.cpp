// Context compaction inside the loop: the trigger, the ledger digest, the cheaper summariser,
// resume rebuilding what is sent, a context-length error, and the bounded fall-back ladder.

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "agent/loop.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

std::int64_t RequestChars(const LlmRequest& r) {
  std::int64_t chars = static_cast<std::int64_t>(r.system.size());
  for (const auto& m : r.messages) chars += static_cast<std::int64_t>(m.CharCount());
  for (const auto& t : r.tools) {
    chars += static_cast<std::int64_t>(t.name.size() + t.description.size() + t.json_schema.size());
  }
  return chars;
}

std::string AllText(const LlmRequest& r) {
  std::string text;
  for (const auto& m : r.messages) {
    for (const auto& b : m.content) {
      if (auto* t = std::get_if<agent::TextBlock>(&b)) text += t->text + "\n";
      if (auto* u = std::get_if<agent::ToolResultBlock>(&b)) text += u->content + "\n";
    }
  }
  return text;
}

// Each research turn fetches a 3000-character page; turn 8 submits.
ScriptedProvider::Script GrowingScript() {
  return [](int turn, const LlmRequest&) -> Result<Response> {
    if (turn >= 8) return ScriptedProvider::Calls({Use("submit_draft", "good")});
    return ScriptedProvider::Calls({Use("fetch_page", "page" + std::to_string(turn))});
  };
}

ScriptedProvider::Script GoodSummariser() {
  return [](int, const LlmRequest&) -> Result<Response> {
    return ScriptedProvider::Text(
        "## Subjects\n- A\n## Facts\n- page1 was read [ev-1]\n## Plan status\nkeep reading");
  };
}

struct CompactionFixture : LoopFixture {
  CompactionFixture() {
    FakeTool& page = AddTool("fetch_page");
    page.set_fixed_result(std::string(3000, 'x'));
    tools.Register(std::make_unique<FakeSubmitDraft>());
    options.keep_turns = 2;
    options.trigger_ratio = 0.8;  // test-model: 4000 tokens, so 3200
  }
};

TEST_CASE(
    "a growing context is compacted with the cheaper model, fits again and keeps every "
    "evidence id",
    "[loop][compaction]") {
  CompactionFixture f;
  ScriptedProvider model(GrowingScript());
  ScriptedProvider summariser(GoodSummariser());
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id, &summariser);
  REQUIRE(outcome.status == SessionStatus::kDone);

  auto history = f.store.LoadHistory(id);
  std::optional<std::size_t> compacted_at;
  for (std::size_t i = 0; i < history->steps.size(); ++i) {
    if (!history->steps[i].compactions.empty() && !compacted_at) compacted_at = i;
  }
  REQUIRE(compacted_at);
  const auto& record = history->steps[*compacted_at].compactions[0];
  CHECK(record.model == "test-cheap");
  CHECK(record.tokens_before > 3200);
  CHECK(record.tokens_after < 3200);
  REQUIRE_FALSE(summariser.requests().empty());
  CHECK(summariser.requests()[0].model == "test-cheap");
  CHECK(summariser.requests()[0].tools.empty());

  // The request of the compacting iteration is under the window and names every evidence id
  // recorded before it.
  auto requests = model.requests();
  const LlmRequest& after = requests[*compacted_at];
  CHECK(RequestChars(after) / 4 < 4000);
  CHECK(RequestChars(after) < RequestChars(requests[*compacted_at - 1]) + 3000);
  std::set<std::string> earlier_ids;
  for (std::size_t i = 0; i < *compacted_at; ++i) {
    for (const auto& call : history->steps[i].tool_calls) {
      earlier_ids.insert(call.evidence_ids.begin(), call.evidence_ids.end());
    }
  }
  CHECK(earlier_ids.size() == *compacted_at);
  std::string text = AllText(after);
  for (const auto& ev : earlier_ids) {
    INFO(ev);
    CHECK(text.find(ev) != std::string::npos);
  }
  // Every request stays under the trigger from then on; nothing in the store was dropped.
  for (std::size_t i = *compacted_at; i < requests.size(); ++i) {
    CHECK(RequestChars(requests[i]) / 4 < 3200);
  }
  std::int64_t stored_messages = 0;
  for (const auto& step : history->steps) stored_messages += step.messages.size();
  CHECK(stored_messages == 1 + 2 * 8);
}

TEST_CASE("a resume after a compaction sends exactly what the uninterrupted run sent",
          "[loop][compaction]") {
  CompactionFixture whole;
  ScriptedProvider model_a(GrowingScript());
  ScriptedProvider summariser_a(GoodSummariser());
  REQUIRE(whole.Run(model_a, whole.NewSession(), &summariser_a).status == SessionStatus::kDone);

  CompactionFixture parts;
  std::atomic<int>* interrupt = &parts.interrupt;
  ScriptedProvider model_b([interrupt, script = GrowingScript()](int turn, const LlmRequest& r) {
    if (turn == 6) interrupt->store(1);
    return script(turn, r);
  });
  ScriptedProvider summariser_b(GoodSummariser());
  std::string id = parts.NewSession();
  REQUIRE(parts.Run(model_b, id, &summariser_b).status == SessionStatus::kInterrupted);
  parts.interrupt.store(0);
  REQUIRE(parts.Run(model_b, id, &summariser_b).status == SessionStatus::kDone);

  auto a = model_a.requests();
  auto b = model_b.requests();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("request " << i);
    CHECK(a[i].messages == b[i].messages);
    CHECK(a[i].tool_choice == b[i].tool_choice);
  }
}

TEST_CASE("a context-length error from the provider compacts and the call is retried",
          "[loop][compaction]") {
  CompactionFixture f;
  f.options.keep_turns = 1;
  int refusals = 0;
  ScriptedProvider model(
      [&refusals, script = GrowingScript()](int turn, const LlmRequest& r) -> Result<Response> {
        if (turn == 3 && refusals == 0) {
          ++refusals;
          return Fail(ErrorCode::kContextLength, "prompt is too long: 9000 tokens > 4000 maximum");
        }
        return script(turn, r);
      });
  ScriptedProvider summariser(GoodSummariser());
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id, &summariser);
  REQUIRE(outcome.status == SessionStatus::kDone);
  CHECK(refusals == 1);
  auto history = f.store.LoadHistory(id);
  REQUIRE(history->steps[2].compactions.size() == 1);
  auto requests = model.requests();
  REQUIRE(requests.size() >= 4);
  CHECK(RequestChars(requests[3]) < RequestChars(requests[2]));
  CHECK(summariser.requests().size() >= 1);
}

TEST_CASE(
    "a summariser that keeps failing ends context_exhausted after a bounded number of "
    "tries",
    "[loop][compaction]") {
  LoopFixture f;
  FakeTool& page = f.AddTool("fetch_page", tools::ApprovalClass::kRead, false);
  page.set_fixed_result(std::string(3000, 'x'));
  f.options.keep_turns = 2;
  f.options.max_summary_attempts = 2;
  ScriptedProvider model(GrowingScript());
  ScriptedProvider summariser([](int, const LlmRequest&) -> Result<Response> {
    return Fail(ErrorCode::kServer, "summariser overloaded");
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id, &summariser);
  CHECK(outcome.status == SessionStatus::kContextExhausted);
  CHECK(summariser.requests().size() == 2);
  CHECK(outcome.sentence ==
        "Stopped: the conversation no longer fits the model's context window even after "
        "compaction; resume with a larger-context model via `intern sessions resume " +
            id + "` (exit 3).");
  CHECK(f.store.GetSession(id)->status == SessionStatus::kContextExhausted);
  // No request over the window was sent.
  for (const auto& r : model.requests()) CHECK(RequestChars(r) / 4 <= 3200);
}

}  // namespace
}  // namespace intern::testing
