#include "agent/loop_status.h"

#include <catch2/catch.hpp>

namespace intern::agent {
namespace {

using sessions::SessionStatus;

TEST_CASE("every stop status has its one sentence and exit code", "[loop][status]") {
  StopDetails d{"s-ab12cd34", 42, 300, ""};
  CHECK(StopSentence(SessionStatus::kDone, d) ==
        "Done: the draft was submitted after 42 iterations (exit 0).");
  CHECK(StopSentence(SessionStatus::kCapped, d) ==
        "Stopped: the iteration cap of 300 was reached; the draft below is the best the evidence "
        "allowed (exit 3).");
  d.reason = "token budget at 100% (100000 of 100000).";
  CHECK(StopSentence(SessionStatus::kOverBudget, d) ==
        "Stopped: the session's budget was reached (token budget at 100% (100000 of 100000)); "
        "the draft below is the best the evidence allowed (exit 3).");
  d.reason = "cycle: a cycle of 2 calls repeated twice";
  CHECK(StopSentence(SessionStatus::kStuck, d) ==
        "Stopped: the agent was going in circles (cycle: a cycle of 2 calls repeated twice); "
        "change the task or resume with `intern sessions resume s-ab12cd34` (exit 3).");
  CHECK(StopSentence(SessionStatus::kContextExhausted, d) ==
        "Stopped: the conversation no longer fits the model's context window even after "
        "compaction; resume with a larger-context model via `intern sessions resume s-ab12cd34` "
        "(exit 3).");
  d.reason = "ANTHROPIC_API_KEY was rejected (401); set a valid key.";
  CHECK(StopSentence(SessionStatus::kFailed, d) ==
        "Failed: ANTHROPIC_API_KEY was rejected (401); set a valid key; resume with `intern "
        "sessions resume s-ab12cd34` once that is fixed (exit 1).");
  CHECK(StopSentence(SessionStatus::kInterrupted, d) ==
        "Interrupted after iteration 42; nothing was lost, resume with `intern sessions resume "
        "s-ab12cd34` (exit 3).");
  CHECK(ExitCodeFor(SessionStatus::kDone) == 0);
  CHECK(ExitCodeFor(SessionStatus::kFailed) == 1);
  for (auto s : {SessionStatus::kCapped, SessionStatus::kOverBudget, SessionStatus::kStuck,
                 SessionStatus::kContextExhausted, SessionStatus::kInterrupted}) {
    CHECK(ExitCodeFor(s) == 3);
  }
}

}  // namespace
}  // namespace intern::agent
