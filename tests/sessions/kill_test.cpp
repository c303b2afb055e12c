// The durability promise of DESIGN §4: a process killed at any instant leaves every committed
// step whole and nothing of the step it was writing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;
using testing::MakeStep;
using testing::TempDir;

constexpr int kMessagesPerStep = 6;
constexpr int kCallsPerStep = 3;
constexpr size_t kPadding = 3000;  // big steps: the kill is likely to land inside a commit

[[noreturn]] void WriteStepsUntilKilled(const std::filesystem::path& path) {
  try {
    Store store = Store::Open(path);
    for (int64_t n = 1;; ++n) {
      store.CommitStep(MakeStep("s-kill", n, kMessagesPerStep, kCallsPerStep, kPadding));
    }
  } catch (...) {
  }
  _exit(1);  // only reached on failure; never run the test framework's exit path in the child
}

TEST_CASE("a writer killed with SIGKILL mid-run leaves every committed step whole") {
  TempDir dir;
  const auto path = dir.path() / "intern.db";
  {
    Store setup = Store::Open(path);
    setup.CreateSession(MakeSession("s-kill"));
  }

  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) WriteStepsUntilKilled(path);

  Store reader = Store::Open(path);
  constexpr int64_t kWanted = 15;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int64_t seen = 0;
  bool child_died = false;
  while (seen < kWanted && std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(child, &status, WNOHANG) == child) {
      child_died = true;
      break;
    }
    seen = reader.GetSession("s-kill")->iterations;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // polling interval, not a sync
  }
  if (!child_died) {
    kill(child, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
  }
  REQUIRE_FALSE(child_died);
  REQUIRE(seen >= kWanted);

  Store after = Store::Open(path);
  CHECK(after.IntegrityCheck() == "ok");
  SessionHistory h = *after.LoadHistory("s-kill");
  CHECK(h.session.iterations >= seen);
  REQUIRE(h.steps.size() == static_cast<size_t>(h.session.iterations));
  Usage total;
  for (size_t i = 0; i < h.steps.size(); ++i) {
    const StepRecord& step = h.steps[i];
    const int64_t n = static_cast<int64_t>(i) + 1;
    StepRecord expected = MakeStep("s-kill", n, kMessagesPerStep, kCallsPerStep, kPadding);
    CHECK(step.n == n);
    REQUIRE(step.messages.size() == kMessagesPerStep);
    REQUIRE(step.tool_calls.size() == kCallsPerStep);
    for (int m = 0; m < kMessagesPerStep; ++m) {
      CHECK(step.messages[m].content == expected.messages[m].content);
    }
    for (int c = 0; c < kCallsPerStep; ++c) {
      CHECK(step.tool_calls[c].result == expected.tool_calls[c].result);
    }
    total.input += step.usage.input;
    total.output += step.usage.output;
    total.cache_read += step.usage.cache_read;
    total.cache_write += step.usage.cache_write;
  }
  CHECK(h.session.usage == total);
  // The store takes the next step where the killed writer stopped.
  after.CommitStep(MakeStep("s-kill", h.session.iterations + 1));
}

}  // namespace
}  // namespace intern::sessions
