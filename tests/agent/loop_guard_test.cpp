// Doom-loop escalation inside the loop: guard message, re-plan turn with tools off, stuck.

#include <catch2/catch.hpp>

#include "agent/loop.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

int CountUserText(const LlmRequest& request, const std::string& needle) {
  int n = 0;
  for (const auto& m : request.messages) {
    if (m.role == agent::Role::kUser && m.Text().find(needle) != std::string::npos) ++n;
  }
  return n;
}

TEST_CASE("repeating one call guards, then forces a re-plan with tools off, then stops stuck",
          "[loop][doom]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model([](int, const LlmRequest&) -> Result<Response> {
    return ScriptedProvider::Calls({Use("search", "same")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);

  REQUIRE(outcome.status == SessionStatus::kStuck);
  auto requests = model.requests();
  // Steps 1-3 repeat: guard before request 4; steps 4-6 repeat again: re-plan turn 7 (tools
  // off); steps 8-10 repeat a third time: stuck after 10.
  CHECK(outcome.iterations == 10);
  REQUIRE(requests.size() == 10);
  for (int i = 0; i < 3; ++i) CHECK(CountUserText(requests[i], "Loop guard") == 0);
  CHECK(CountUserText(requests[3],
                      "Loop guard: you seem to be repeating yourself (repeated_call") == 1);
  CHECK(requests[3].tool_choice == agent::ToolChoice::Auto());
  CHECK(requests[6].tool_choice == agent::ToolChoice::None());
  CHECK(requests[6].tools.empty());
  CHECK(CountUserText(requests[6], "Stop and re-plan: repeated_call") == 1);
  CHECK(requests[7].tool_choice == agent::ToolChoice::Auto());
  CHECK(requests[7].tools.size() == 2);
  CHECK(outcome.sentence.rfind("Stopped: the agent was going in circles (repeated_call: ", 0) == 0);
  CHECK(outcome.sentence.find("`intern sessions resume " + id + "` (exit 3).") !=
        std::string::npos);

  auto history = f.store.LoadHistory(id);
  CHECK(history->session.status == SessionStatus::kStuck);
  std::vector<std::string> actions;
  for (const auto& step : history->steps) {
    for (const auto& e : step.events) {
      if (e.kind == "loop_detected") actions.push_back(nlohmann::json::parse(e.message)["action"]);
    }
  }
  CHECK(actions == std::vector<std::string>{"guard", "replan", "stop"});
  // The tools-off turn's call was refused, not run.
  CHECK(history->steps[6].tool_calls[0].approval == "refused");
  std::vector<std::string> guards;
  for (const auto& e : f.progress.events()) {
    if (e.rfind("loop_guard:", 0) == 0) guards.push_back(e);
  }
  CHECK(guards == std::vector<std::string>{"loop_guard: repeated_call guard",
                                           "loop_guard: repeated_call replan",
                                           "loop_guard: repeated_call stop"});

  // Resuming a stuck session goes on one step below stuck: the next repetition stops again.
  auto resumed = f.Run(model, id);
  CHECK(resumed.status == SessionStatus::kStuck);
  CHECK(resumed.iterations == 13);
}

}  // namespace
}  // namespace intern::testing
