// Resume: `intern sessions resume` through the session runner, and stopping at once (SIGINT
// twice) without committing a partial step.

#include <catch2/catch.hpp>
#include <thread>

#include "agent/session_runner.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

TEST_CASE(
    "interrupt level 2 stops inside the step without committing it, and the resume runs "
    "only the calls that had no result",
    "[loop][resume]") {
  LoopFixture f;
  f.options.parallel_tools = 1;
  FakeTool& search = f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  std::atomic<int>* interrupt = &f.interrupt;
  bool pressed = false;
  ScriptedProvider model([&](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) return ScriptedProvider::Calls({Use("search", "a")});
    if (turn == 2) {
      if (!pressed) {
        pressed = true;
        interrupt->store(2);  // Ctrl-C twice while the model answers turn 2
      }
      return ScriptedProvider::Calls({Use("search", "b"), Use("search", "c")});
    }
    return ScriptedProvider::Calls({Use("submit_draft", "good")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);
  CHECK(outcome.status == SessionStatus::kInterrupted);
  CHECK(outcome.iterations == 1);
  CHECK(search.runs() == 1);  // the answer to turn 2 arrived, but none of its calls ran
  auto history = f.store.LoadHistory(id);
  CHECK(history->steps.size() == 1);
  CHECK(history->session.status == SessionStatus::kInterrupted);

  f.interrupt.store(0);
  auto resumed = f.Run(model, id);
  CHECK(resumed.status == SessionStatus::kDone);
  CHECK(resumed.iterations == 3);
  CHECK(search.runs() == 3);
  // The recorded answer to turn 2 was reused: the model was asked for turn 2 once.
  CHECK(model.turns() == std::vector<int>{1, 2, 3});
}

// Asks to stop now on its first run, then waits (with a deadline) until told to cancel.
class StopNowTool final : public tools::Tool {
 public:
  explicit StopNowTool(std::atomic<int>& interrupt) : interrupt_(interrupt) {}
  std::string name() const override { return "slow_fetch"; }
  std::string description() const override { return "a long download"; }
  const nlohmann::json& schema() const override { return QuerySchema(); }
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json&, tools::ToolContext& ctx) override {
    if (runs_.fetch_add(1) > 0) return tools::ToolResult{"downloaded", false, {}};
    interrupt_.store(2);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!ctx.cancelled() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    saw_cancel_ = ctx.cancelled();
    return tools::ToolResult::Error("cancelled halfway");
  }
  int runs() const { return runs_.load(); }
  bool saw_cancel() const { return saw_cancel_.load(); }

 private:
  std::atomic<int>& interrupt_;
  std::atomic<int> runs_{0};
  std::atomic<bool> saw_cancel_{false};
};

TEST_CASE(
    "interrupt level 2 while a tool runs cancels it, commits nothing, and the resume "
    "runs it again instead of reusing its partial answer",
    "[loop][resume]") {
  LoopFixture f;
  auto slow = std::make_unique<StopNowTool>(f.interrupt);
  StopNowTool& tool = *slow;
  f.tools.Register(std::move(slow));
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) return ScriptedProvider::Calls({Use("slow_fetch", "big")});
    return ScriptedProvider::Calls({Use("submit_draft", "good")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);
  CHECK(outcome.status == SessionStatus::kInterrupted);
  CHECK(outcome.iterations == 0);
  CHECK(tool.saw_cancel());
  CHECK(f.store.LoadHistory(id)->steps.empty());

  f.interrupt.store(0);
  auto resumed = f.Run(model, id);
  CHECK(resumed.status == SessionStatus::kDone);
  CHECK(tool.runs() == 2);
  auto history = f.store.LoadHistory(id);
  CHECK(history->steps[0].tool_calls[0].result == "downloaded");
  CHECK(model.turns() == std::vector<int>{1, 2});
}

TEST_CASE("the session runner starts a session with its settings and resumes it with them",
          "[loop][resume]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  f.options.system_prompt = "custom system prompt";
  f.options.task_prompt = "Compare X and Y.";
  f.options.max_iterations = 6;
  std::atomic<int>* interrupt = &f.interrupt;
  auto script = [interrupt](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 2) interrupt->store(1);
    if (turn == 3) return ScriptedProvider::Calls({Use("submit_draft", "good")});
    return ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))});
  };
  std::vector<std::string> made;
  std::vector<LlmRequest> seen;
  agent::RunnerServices services{
      [&](const std::string& provider,
          const std::string& model) -> std::unique_ptr<agent::LlmProvider> {
        made.push_back(provider + ":" + model);
        return std::make_unique<ScriptedProvider>([&, script](int turn, const LlmRequest& r) {
          seen.push_back(r);
          return script(turn, r);
        });
      },
      f.tools,
      f.store,
      f.clock,
      f.models,
      f.approval,
      f.progress,
      &f.interrupt};

  sessions::Session seed;
  seed.kind = "compare";
  seed.title = "X vs Y";
  auto started = agent::StartSession(services, f.options, seed);
  CHECK(started.outcome.status == SessionStatus::kInterrupted);
  auto session = f.store.GetSession(started.session_id);
  CHECK(session->caps == sessions::SessionCaps{6, 0, 0});
  CHECK(session->model == "test-model");
  CHECK(session->provider == "scripted");

  f.interrupt.store(0);
  agent::LoopOptions defaults;  // what the config says now: other prompts, another cap
  defaults.max_iterations = 2;
  auto resumed = agent::ResumeSession(services, started.session_id, defaults);
  CHECK(resumed.status == SessionStatus::kDone);
  CHECK(resumed.iterations == 3);
  CHECK(made == std::vector<std::string>{"scripted:test-model", "scripted:test-cheap",
                                         "scripted:test-model", "scripted:test-cheap"});
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].system == "custom system prompt");
  CHECK(seen[2].messages[0].Text() == "Compare X and Y.");

  CHECK_THROWS_WITH(agent::ResumeSession(services, started.session_id, defaults),
                    "session " + started.session_id + " is already done; nothing to resume");
  CHECK_THROWS_WITH(agent::ResumeSession(services, "s-nothere", defaults),
                    "there is no session s-nothere in the store; `intern sessions list` shows "
                    "the sessions");
}

}  // namespace
}  // namespace intern::testing
