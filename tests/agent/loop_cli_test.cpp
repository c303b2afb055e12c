// `intern sessions resume ID`: the command with its provider and tool seams filled by the test,
// and the sentence it gives while main() has not wired a provider.

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/session_runner.h"
#include "tests/agent/loop_test_support.h"

namespace intern::testing {
namespace {

using agent::LlmRequest;
using agent::Response;
using sessions::SessionStatus;

class ScopedHome {
 public:
  explicit ScopedHome(const std::string& value) {
    if (const char* old = std::getenv("INTERN_HOME")) old_ = old;
    setenv("INTERN_HOME", value.c_str(), 1);
  }
  ~ScopedHome() {
    if (old_) {
      setenv("INTERN_HOME", old_->c_str(), 1);
    } else {
      unsetenv("INTERN_HOME");
    }
  }

 private:
  std::optional<std::string> old_;
};

Result<Response> Script(int turn, std::atomic<int>* interrupt) {
  if (turn == 1) {
    if (interrupt != nullptr) interrupt->store(1);
    return ScriptedProvider::Calls({Use("search", "a")});
  }
  return ScriptedProvider::Calls({Use("submit_draft", "good")});
}

void RegisterTools(tools::ToolRegistry& registry) {
  registry.Register(std::make_unique<FakeTool>("search", tools::ApprovalClass::kRead));
  registry.Register(std::make_unique<FakeSubmitDraft>());
}

TEST_CASE("sessions resume continues an interrupted session to done through the seams",
          "[loop][cli]") {
  sessions::testing::TempDir home;
  ScopedHome scoped(home.path().string());
  std::string id;
  {
    FakeClock clock;
    auto store = sessions::Store::Open(home.path() / "intern.db", {&clock});
    tools::ToolRegistry registry;
    RegisterTools(registry);
    auto models = TestModels();
    agent::FixedApproval allow(agent::ApprovalVerdict::kAllow);
    agent::RecordingProgress progress;
    std::atomic<int> interrupt{0};
    agent::RunnerServices services{
        [&](const std::string&, const std::string&) -> std::unique_ptr<agent::LlmProvider> {
          return std::make_unique<ScriptedProvider>(
              [&](int turn, const LlmRequest&) { return Script(turn, &interrupt); });
        },
        registry,
        store,
        clock,
        models,
        allow,
        progress,
        &interrupt};
    agent::LoopOptions options;
    options.model = "test-model";
    options.provider_name = "scripted";
    options.task_prompt = "Compare A and B.";
    sessions::Session seed;
    seed.kind = "compare";
    auto started = agent::StartSession(services, options, seed);
    REQUIRE(started.outcome.status == SessionStatus::kInterrupted);
    id = started.session_id;
  }

  std::ostringstream out, err;
  agent::CliContext ctx{out, err, {}, 0, std::nullopt, nullptr};
  std::vector<std::string> made;
  ctx.provider_factory = [&](const config::Config&, const std::string& provider,
                             const std::string& model) -> std::unique_ptr<agent::LlmProvider> {
    made.push_back(provider + ":" + model);
    return std::make_unique<ScriptedProvider>(
        [](int turn, const LlmRequest&) { return Script(turn, nullptr); });
  };
  ctx.register_tools = [](const config::Config&, tools::ToolRegistry& registry, sessions::Store&,
                          const std::string&) { RegisterTools(registry); };
  CLI::App app;
  CLI::App* sessions_cmd = app.add_subcommand("sessions");
  agent::AttachSessionsCommand(*sessions_cmd, ctx);
  std::string prefix = id.substr(0, 6);
  std::vector<const char*> argv = {"intern", "sessions", "resume", prefix.c_str(), "--json"};
  app.parse(static_cast<int>(argv.size()), argv.data());

  CHECK(ctx.exit_code == 0);
  CHECK(made.front() == "scripted:test-model");
  std::istringstream lines(out.str());
  std::string last;
  for (std::string line; std::getline(lines, line);) last = line;
  auto stopped = nlohmann::json::parse(last);
  CHECK(stopped["type"] == "stopped");
  CHECK(stopped["status"] == "done");
  CHECK(stopped["sentence"] == "Done: the draft was submitted after 2 iterations (exit 0).");
  auto store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetSession(id)->status == SessionStatus::kDone);
}

TEST_CASE("sessions resume without a wired provider says so in one sentence", "[loop][cli]") {
  sessions::testing::TempDir home;
  ScopedHome scoped(home.path().string());
  std::vector<const char*> argv = {"intern", "sessions", "resume", "s-abc"};
  std::ostringstream out, err;
  int code = agent::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  CHECK(code == 1);
  CHECK(err.str() ==
        "intern: `intern sessions resume` needs a language-model provider, and none is wired "
        "into this build yet; use a build that includes the providers module\n");
}

}  // namespace
}  // namespace intern::testing
