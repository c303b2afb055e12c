// The agent loop end to end, in process: a scripted model, the real store in a temp folder, and
// small fake tools (tests/agent/loop_test_support.h).

#include <catch2/catch.hpp>
#include <set>

#include "agent/loop.h"
#include "tests/agent/loop_test_support.h"
#include "tools/read_evidence_tool.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

bool HasUserText(const LlmRequest& request, const std::string& needle) {
  for (const auto& m : request.messages) {
    if (m.role == agent::Role::kUser && m.Text().find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("a multi-round run ends done when submit_draft accepts the draft", "[loop]") {
  LoopFixture f;
  FakeTool& search = f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) return ScriptedProvider::Calls({Use("search", "a"), Use("search", "b")});
    if (turn == 2) return ScriptedProvider::Calls({Use("search", "c")});
    if (turn == 3) return ScriptedProvider::Calls({Use("submit_draft", "bad draft")});
    return ScriptedProvider::Calls({Use("submit_draft", "good draft")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);

  CHECK(outcome.status == SessionStatus::kDone);
  CHECK(outcome.iterations == 4);
  CHECK(outcome.sentence == "Done: the draft was submitted after 4 iterations (exit 0).");
  CHECK(search.runs() == 3);
  auto history = f.store.LoadHistory(id);
  REQUIRE(history);
  CHECK(history->session.status == SessionStatus::kDone);
  CHECK(history->session.iterations == 4);
  REQUIRE(history->steps.size() == 4);
  // Step 1 holds the task, the assistant turn and the results of its two calls.
  REQUIRE(history->steps[0].messages.size() == 3);
  CHECK(history->steps[0].messages[0].role == "user");
  CHECK(history->steps[0].messages[1].role == "assistant");
  CHECK(history->steps[0].messages[2].role == "tool");
  REQUIRE(history->steps[0].tool_calls.size() == 2);
  CHECK(history->steps[0].tool_calls[0].call_id == "t1-1");
  CHECK(history->steps[0].tool_calls[0].result == "search: a");
  CHECK(history->steps[0].tool_calls[1].result == "search: b");
  // The two calls ran concurrently: which recorded first is up to the scheduler.
  std::set<std::string> first_ids;
  for (const auto& call : history->steps[0].tool_calls) {
    REQUIRE(call.evidence_ids.size() == 1);
    first_ids.insert(call.evidence_ids[0]);
  }
  CHECK(first_ids == std::set<std::string>{"ev-1", "ev-2"});
  // The rejected draft went back to the model as an error and the loop went on.
  CHECK(history->steps[2].tool_calls[0].is_error);
  CHECK(history->steps[2].tool_calls[0].result == "draft rejected: a fact has no evidence");
  CHECK(model.requests()[3].messages.back().content.size() == 1);
  CHECK(history->evidence.size() == 3);
  CHECK(f.progress.events().back() ==
        "stopped: done Done: the draft was submitted after 4 iterations (exit 0).");
}

TEST_CASE("a model that never stops gets the final turn at cap-1 and ends capped at the cap",
          "[loop]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  f.options.max_iterations = 5;
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    return ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))});
  });
  std::string id = f.NewSession({5, 0, 0});
  auto outcome = f.Run(model, id);

  CHECK(outcome.status == SessionStatus::kCapped);
  CHECK(outcome.iterations == 5);
  CHECK(outcome.sentence ==
        "Stopped: the iteration cap of 5 was reached; the draft below is the best the evidence "
        "allowed (exit 3).");
  auto requests = model.requests();
  REQUIRE(requests.size() == 5);
  for (int i = 0; i < 4; ++i) {
    CHECK(requests[i].tool_choice == agent::ToolChoice::Auto());
    CHECK(requests[i].tools.size() == 2);
  }
  CHECK(requests[4].tool_choice == agent::ToolChoice::Only("submit_draft"));
  REQUIRE(requests[4].tools.size() == 1);
  CHECK(requests[4].tools[0].name == "submit_draft");
  CHECK(HasUserText(requests[4], "This is your last turn."));
  auto history = f.store.LoadHistory(id);
  CHECK(history->session.iterations == 5);
  CHECK(history->session.status == SessionStatus::kCapped);
  // The final turn's stray call was refused, not run.
  CHECK(history->steps[4].tool_calls[0].result ==
        "only submit_draft is available on this final turn; search was not run");

  // Resuming a capped session does not reset the count: it stops again at once.
  auto again = f.Run(model, id);
  CHECK(again.status == SessionStatus::kCapped);
  CHECK(again.iterations == 5);
  CHECK(model.requests().size() == 5);
}

TEST_CASE(
    "an interrupt at level 1 finishes the step, stops interrupted, and a resume keeps "
    "counting toward the same cap",
    "[loop]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  f.options.max_iterations = 4;
  std::atomic<int>* interrupt = &f.interrupt;
  ScriptedProvider model([interrupt](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 2) interrupt->store(1);  // the operator presses Ctrl-C during iteration 2
    return ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))});
  });
  std::string id = f.NewSession({4, 0, 0});
  auto outcome = f.Run(model, id);
  CHECK(outcome.status == SessionStatus::kInterrupted);
  CHECK(outcome.iterations == 2);
  CHECK(outcome.sentence ==
        "Interrupted after iteration 2; nothing was lost, resume with "
        "`intern sessions resume " +
            id + "` (exit 3).");
  auto history = f.store.LoadHistory(id);
  CHECK(history->session.status == SessionStatus::kInterrupted);
  CHECK(history->steps.size() == 2);
  CHECK(history->steps[1].tool_calls.size() == 1);  // the step was finished, not cut

  f.interrupt.store(0);
  auto resumed = f.Run(model, id);
  CHECK(resumed.status == SessionStatus::kCapped);
  CHECK(resumed.iterations == 4);
  auto requests = model.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[2].tool_choice == agent::ToolChoice::Auto());
  CHECK(requests[3].tool_choice == agent::ToolChoice::Only("submit_draft"));
}

Response WithUsage(Response r, std::int64_t input) {
  r.usage.input = input;
  return r;
}

TEST_CASE("crossing 90% of the token budget gives the final turn, then over_budget", "[loop]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    return WithUsage(ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))}), 300);
  });
  std::string id = f.NewSession({20, 1000, 0});
  auto outcome = f.Run(model, id);
  // 300, 600, 900 (90%: final turn), 1200 -> over budget.
  CHECK(outcome.status == SessionStatus::kOverBudget);
  CHECK(outcome.iterations == 4);
  CHECK(outcome.usage.Total() == 1200);
  auto requests = model.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[2].tool_choice == agent::ToolChoice::Auto());
  CHECK(requests[3].tool_choice == agent::ToolChoice::Only("submit_draft"));
  CHECK(outcome.sentence.rfind("Stopped: the session's budget was reached (token budget", 0) == 0);
  CHECK(outcome.sentence.find("(exit 3).") != std::string::npos);
}

TEST_CASE("crossing 100% of the USD budget in one step stops over_budget at once", "[loop]") {
  LoopFixture f;
  f.AddTool("search");
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    // test-model costs $1000 per million input tokens: 600 tokens = $0.60 a step.
    return WithUsage(ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))}), 600);
  });
  std::string id = f.NewSession({20, 0, 1.0});
  auto outcome = f.Run(model, id);
  CHECK(outcome.status == SessionStatus::kOverBudget);
  CHECK(outcome.iterations == 2);
  CHECK(outcome.cost_usd == Approx(1.2));
  for (const auto& r : model.requests()) CHECK(r.tool_choice == agent::ToolChoice::Auto());
  auto session = f.store.GetSession(id);
  CHECK(session->status == SessionStatus::kOverBudget);
  CHECK(session->cost_usd == Approx(1.2));
}

TEST_CASE("a provider failure stops the session failed with its sentence, and it resumes",
          "[loop]") {
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  bool broken = true;
  ScriptedProvider model([&broken](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 2 && broken) {
      return Fail(ErrorCode::kServer, "the provider answered 503 after 4 tries");
    }
    if (turn == 3) return ScriptedProvider::Calls({Use("submit_draft", "good")});
    return ScriptedProvider::Calls({Use("search", "q" + std::to_string(turn))});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);
  CHECK(outcome.status == SessionStatus::kFailed);
  CHECK(outcome.iterations == 1);
  CHECK(outcome.sentence ==
        "Failed: the provider answered 503 after 4 tries; resume with "
        "`intern sessions resume " +
            id + "` once that is fixed (exit 1).");
  CHECK(f.store.GetSession(id)->last_error == "the provider answered 503 after 4 tries");

  broken = false;
  auto resumed = f.Run(model, id);
  CHECK(resumed.status == SessionStatus::kDone);
  CHECK(resumed.iterations == 3);
  CHECK(f.store.GetSession(id)->last_error == "");
}

TEST_CASE("read-only calls of one turn overlap while an execute call is asked first and denied",
          "[loop]") {
  LoopFixture f;
  Rendezvous meeting;
  f.tools.Register(std::make_unique<RendezvousTool>("left", meeting));
  f.tools.Register(std::make_unique<RendezvousTool>("right", meeting));
  FakeTool& bench = f.AddTool("run_benchmark", tools::ApprovalClass::kExecute);
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  RecordingApproval deny(agent::ApprovalVerdict::kDeny);
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) {
      return ScriptedProvider::Calls(
          {Use("left", "x"), Use("run_benchmark", "make bench"), Use("right", "y")});
    }
    return ScriptedProvider::Calls({Use("submit_draft", "good")});
  });
  std::string id = f.NewSession();
  agent::LoopDeps deps{model,    nullptr, f.tools,    f.store,     f.clock,
                       f.models, deny,    f.progress, &f.interrupt};
  auto outcome = agent::RunSession(deps, f.options, id);
  CHECK(outcome.status == SessionStatus::kDone);
  CHECK(bench.runs() == 0);
  REQUIRE(deny.asked.size() == 1);
  CHECK(deny.asked[0].rfind("run_benchmark | ", 0) == 0);
  auto history = f.store.LoadHistory(id);
  const auto& calls = history->steps[0].tool_calls;
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].tool == "left");
  CHECK(calls[0].result == "met");
  CHECK(calls[1].tool == "run_benchmark");
  CHECK(calls[1].is_error);
  CHECK(calls[1].approval == "denied");
  CHECK(calls[1].result ==
        "the operator did not approve this call of run_benchmark; choose another way to get "
        "the information");
  CHECK(calls[2].tool == "right");
  CHECK(calls[2].result == "met");
}

TEST_CASE("a result over max_result_chars is stored whole and read on through read_evidence",
          "[loop]") {
  LoopFixture f;
  f.options.max_result_chars = 50;
  FakeTool& page = f.AddTool("fetch_page", tools::ApprovalClass::kRead, false);
  std::string body;
  for (int i = 0; i < 20; ++i) body += "line " + std::to_string(i) + ".";
  page.set_fixed_result(body);
  f.tools.Register(std::make_unique<tools::ReadEvidenceTool>(1000));
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model([](int turn, const LlmRequest&) -> Result<Response> {
    if (turn == 1) return ScriptedProvider::Calls({Use("fetch_page", "docs")});
    if (turn == 2) {
      return ScriptedProvider::Calls(
          {agent::ToolUseBlock{"", "read_evidence", R"({"id":"ev-1","offset":50})"}});
    }
    return ScriptedProvider::Calls({Use("submit_draft", "good")});
  });
  std::string id = f.NewSession();
  auto outcome = f.Run(model, id);
  REQUIRE(outcome.status == SessionStatus::kDone);
  auto history = f.store.LoadHistory(id);
  const auto& first = history->steps[0].tool_calls[0];
  CHECK(first.result == body.substr(0, 50) + "\n[… " + std::to_string(body.size() - 50) +
                            " more characters: read_evidence(id=\"ev-1\", offset=50)]");
  CHECK(first.evidence_ids == std::vector<std::string>{"ev-1"});
  auto stored = f.store.GetEvidence("ev-1");
  REQUIRE(stored);
  CHECK(stored->input.body == body);
  CHECK(stored->input.kind == "tool_result");
  const auto& second = history->steps[1].tool_calls[0];
  CHECK_FALSE(second.is_error);
  INFO(second.result);
  CHECK(second.result.find(body.substr(50)) != std::string::npos);
}

TEST_CASE("a run never puts the provider's API key in the store or the progress output", "[loop]") {
  const std::string key = "sk-test-DISTINCTIVE-7f3a9c2e51";
  LoopFixture f;
  f.AddTool("search");
  f.tools.Register(std::make_unique<FakeSubmitDraft>());
  ScriptedProvider model(
      [](int turn, const LlmRequest&) -> Result<Response> {
        if (turn == 1) return ScriptedProvider::Calls({Use("search", "a")});
        return ScriptedProvider::Calls({Use("submit_draft", "good")});
      },
      key);
  std::ostringstream json_out;
  std::ostringstream tty_out;
  agent::JsonProgress json_progress(json_out, f.clock);
  agent::TerminalProgress tty_progress(tty_out, f.clock, false);
  std::string id = f.NewSession();
  for (agent::ProgressSink* sink : {static_cast<agent::ProgressSink*>(&json_progress),
                                    static_cast<agent::ProgressSink*>(&tty_progress)}) {
    std::string session = sink == &json_progress ? id : f.NewSession();
    agent::LoopDeps deps{model,    nullptr,    f.tools, f.store,     f.clock,
                         f.models, f.approval, *sink,   &f.interrupt};
    CHECK(agent::RunSession(deps, f.options, session).status == SessionStatus::kDone);
  }
  CHECK(model.api_key() == key);
  CHECK(json_out.str().find(key) == std::string::npos);
  CHECK(tty_out.str().find(key) == std::string::npos);
  std::string bytes;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    auto path = f.dir.path() / (std::string("intern.db") + suffix);
    if (std::filesystem::exists(path)) bytes += sessions::testing::ReadBytes(path);
  }
  CHECK(bytes.size() > 0);
  CHECK(bytes.find(key) == std::string::npos);
  CHECK(bytes.find("search: a") != std::string::npos);  // the run did write there
}

}  // namespace
}  // namespace intern::testing
