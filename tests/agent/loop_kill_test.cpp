// Kill -9 and resume: a child process runs the loop against a store file and is SIGKILLed in
// the middle of a random iteration (while the model is answering, or after the model answered
// and part of the tool calls ran); the parent resumes in process. The finished session must
// equal an uninterrupted run of the same script, and no tool call may have run twice.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <random>

#include "agent/loop.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

constexpr int kTurns = 6;  // research turns; turn 7 submits

// Turn t: two read-only searches and one execute-class benchmark; then the draft.
Result<Response> Script(int turn) {
  if (turn > kTurns) return ScriptedProvider::Calls({Use("submit_draft", "good")});
  std::string t = std::to_string(turn);
  return ScriptedProvider::Calls(
      {Use("search", "q" + t + "a"), Use("search", "q" + t + "b"), Use("run_benchmark", "b" + t)});
}

// Writes one byte to `ready_fd`, then waits for a byte that never comes: the child sits here
// until the parent kills it.
[[noreturn]] void SignalAndHang(int ready_fd, int hang_fd) {
  char byte = 'k';
  (void)!::write(ready_fd, &byte, 1);
  while (true) {
    char ignored;
    if (::read(hang_fd, &ignored, 1) <= 0) ::pause();
  }
}

class HangingApproval final : public agent::ApprovalPolicy {
 public:
  HangingApproval(std::string hang_on, int ready_fd, int hang_fd)
      : hang_on_(std::move(hang_on)), ready_fd_(ready_fd), hang_fd_(hang_fd) {}
  agent::ApprovalVerdict Decide(const tools::Tool&, const std::string& args,
                                const std::string&) override {
    if (args.find(hang_on_) != std::string::npos) SignalAndHang(ready_fd_, hang_fd_);
    return agent::ApprovalVerdict::kAllow;
  }

 private:
  std::string hang_on_;
  int ready_fd_;
  int hang_fd_;
};

struct Tools {
  explicit Tools(const std::string& marker) {
    auto search = std::make_unique<FakeTool>("search", tools::ApprovalClass::kRead);
    auto bench = std::make_unique<FakeTool>("run_benchmark", tools::ApprovalClass::kExecute);
    search->set_marker_file(marker);
    bench->set_marker_file(marker);
    registry.Register(std::move(search));
    registry.Register(std::move(bench));
    registry.Register(std::make_unique<FakeSubmitDraft>());
  }
  tools::ToolRegistry registry;
};

agent::LoopOptions Options() {
  agent::LoopOptions o;
  o.model = "test-model";
  o.task_prompt = "Compare A and B.";
  o.max_iterations = 20;
  o.parallel_tools = 1;  // evidence ids are numbered in call order, so both runs match
  return o;
}

// The comparable part of a session: messages and tool calls without times.
std::vector<std::string> Fingerprint(const sessions::SessionHistory& h) {
  std::vector<std::string> out;
  for (const auto& step : h.steps) {
    out.push_back("step " + std::to_string(step.n));
    for (const auto& m : step.messages) out.push_back(m.role + " " + m.content);
    for (const auto& c : step.tool_calls) {
      std::string ids;
      for (const auto& e : c.evidence_ids) ids += e + ",";
      out.push_back("call " + c.call_id + " " + c.tool + " " + c.args + " -> " + c.result +
                    (c.is_error ? " (error)" : "") + " [" + ids + "] " + c.approval + " " +
                    c.args_hash + " " + c.result_hash);
    }
  }
  return out;
}

std::map<std::string, int> CountLines(const std::filesystem::path& path) {
  std::map<std::string, int> counts;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) ++counts[line];
  return counts;
}

enum class KillPoint { kModelCall, kBetweenToolCalls };

void KillAndResume(KillPoint point, int kill_turn) {
  CAPTURE(kill_turn, point == KillPoint::kModelCall ? "model call" : "between tool calls");
  // The uninterrupted reference run.
  sessions::testing::TempDir ref_dir;
  FakeClock ref_clock;
  auto ref_store = sessions::Store::Open(ref_dir.path() / "intern.db", {&ref_clock});
  Tools ref_tools((ref_dir.path() / "marker").string());
  agent::ModelCatalog models = TestModels();
  agent::FixedApproval allow(agent::ApprovalVerdict::kAllow);
  agent::RecordingProgress ref_progress;
  ScriptedProvider ref_model([](int turn, const LlmRequest&) { return Script(turn); });
  sessions::Session s;
  s.kind = "compare";
  std::string ref_id = ref_store.CreateSession(s).id;
  agent::LoopDeps ref_deps{ref_model, nullptr, ref_tools.registry, ref_store, ref_clock,
                           models,    allow,   ref_progress,       nullptr};
  REQUIRE(agent::RunSession(ref_deps, Options(), ref_id).status == SessionStatus::kDone);

  // The killed run.
  sessions::testing::TempDir dir;
  const auto db = dir.path() / "intern.db";
  const auto marker = (dir.path() / "marker").string();
  std::string id;
  {
    auto store = sessions::Store::Open(db);
    sessions::Session session;
    session.kind = "compare";
    session.id = ref_id;  // the same id, so stored texts that name it compare equal
    id = store.CreateSession(session).id;
  }
  int ready[2];
  int hang[2];
  REQUIRE(::pipe(ready) == 0);
  REQUIRE(::pipe(hang) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      FakeClock clock;
      auto store = sessions::Store::Open(db, {&clock});
      Tools child_tools(marker);
      agent::RecordingProgress progress;
      ScriptedProvider model([&](int turn, const LlmRequest&) {
        if (point == KillPoint::kModelCall && turn == kill_turn) SignalAndHang(ready[1], hang[0]);
        return Script(turn);
      });
      HangingApproval approval(point == KillPoint::kBetweenToolCalls
                                   ? "\"b" + std::to_string(kill_turn) + "\""
                                   : "never",
                               ready[1], hang[0]);
      agent::LoopDeps deps{model,    nullptr, child_tools.registry, store, clock, models, approval,
                           progress, nullptr};
      agent::RunSession(deps, Options(), id);
      code = 2;  // the run finished: the hang never came
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  ::close(ready[1]);
  // Wait (with a deadline) for the child to reach the kill point, then kill it.
  pollfd pfd{ready[0], POLLIN, 0};
  int polled = ::poll(&pfd, 1, 20'000);
  char byte = 0;
  bool reached = polled == 1 && ::read(ready[0], &byte, 1) == 1;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(ready[0]);
  ::close(hang[0]);
  ::close(hang[1]);
  REQUIRE(reached);
  REQUIRE(WIFSIGNALED(status));

  FakeClock clock;
  auto store = sessions::Store::Open(db, {&clock});
  CHECK(store.GetSession(id)->iterations == kill_turn - 1);
  CHECK(store.GetSession(id)->status == SessionStatus::kRunning);  // as the dead process left it
  Tools tools(marker);
  agent::RecordingProgress progress;
  ScriptedProvider model([](int turn, const LlmRequest&) { return Script(turn); });
  agent::LoopDeps deps{model,  nullptr, tools.registry, store,  clock,
                       models, allow,   progress,       nullptr};
  auto outcome = agent::RunSession(deps, Options(), id);
  CHECK(outcome.status == SessionStatus::kDone);
  CHECK(outcome.iterations == kTurns + 1);
  CHECK(progress.events().front() == "session_started: " + id + " test-model resumed");

  auto turns = model.turns();
  REQUIRE_FALSE(turns.empty());
  // Between tool calls the model had answered: the resume reuses that answer.
  CHECK(turns.front() == (point == KillPoint::kModelCall ? kill_turn : kill_turn + 1));

  auto expected = ref_store.LoadHistory(ref_id);
  auto actual = store.LoadHistory(id);
  CHECK(Fingerprint(*actual) == Fingerprint(*expected));
  CHECK(actual->session.usage == expected->session.usage);
  CHECK(actual->session.iterations == expected->session.iterations);

  // Every tool call ran exactly once across both processes.
  auto counts = CountLines(marker);
  CHECK(counts.size() == 3 * kTurns);
  for (const auto& [call, n] : counts) {
    INFO(call);
    CHECK(n == 1);
  }
}

TEST_CASE("a session killed with SIGKILL resumes to the same steps with no tool call run twice",
          "[loop][kill]") {
  std::random_device seed;
  std::mt19937 random(seed());
  std::uniform_int_distribution<int> turn(2, kTurns);
  SECTION("killed while the model answers") { KillAndResume(KillPoint::kModelCall, turn(random)); }
  SECTION("killed after the model answered, between tool calls") {
    KillAndResume(KillPoint::kBetweenToolCalls, turn(random));
  }
}

}  // namespace
}  // namespace intern::testing
