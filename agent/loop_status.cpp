#include "agent/loop_status.h"

#include <fmt/format.h>

#include "config/error.h"

namespace intern::agent {
namespace {

// The reason as a clause: no trailing full stop (it sits inside a sentence).
std::string Clause(std::string reason) {
  while (!reason.empty() && (reason.back() == '.' || reason.back() == ' ')) reason.pop_back();
  return reason;
}

}  // namespace

int ExitCodeFor(sessions::SessionStatus status) {
  switch (status) {
    case sessions::SessionStatus::kDone:
      return kExitOk;
    case sessions::SessionStatus::kFailed:
      return kExitError;
    default:
      return kExitStopped;
  }
}

std::string StopSentence(sessions::SessionStatus status, const StopDetails& d) {
  using sessions::SessionStatus;
  std::string resume = fmt::format("`intern sessions resume {}`", d.session_id);
  int code = ExitCodeFor(status);
  switch (status) {
    case SessionStatus::kDone:
      return fmt::format("Done: the draft was submitted after {} iterations (exit {}).",
                         d.iterations, code);
    case SessionStatus::kCapped:
      return fmt::format(
          "Stopped: the iteration cap of {} was reached; the draft below is the best the "
          "evidence allowed (exit {}).",
          d.cap, code);
    case SessionStatus::kOverBudget:
      return fmt::format(
          "Stopped: the session's budget was reached ({}); the draft below is the best the "
          "evidence allowed (exit {}).",
          Clause(d.reason), code);
    case SessionStatus::kStuck:
      return fmt::format(
          "Stopped: the agent was going in circles ({}); change the task or resume with {} "
          "(exit {}).",
          Clause(d.reason), resume, code);
    case SessionStatus::kContextExhausted:
      return fmt::format(
          "Stopped: the conversation no longer fits the model's context window even after "
          "compaction; resume with a larger-context model via {} (exit {}).",
          resume, code);
    case SessionStatus::kFailed:
      return fmt::format("Failed: {}; resume with {} once that is fixed (exit {}).",
                         Clause(d.reason), resume, code);
    case SessionStatus::kInterrupted:
      return fmt::format(
          "Interrupted after iteration {}; nothing was lost, resume with {} (exit {}).",
          d.iterations, resume, code);
    case SessionStatus::kRunning:
      break;
  }
  return fmt::format("The session is still running (iteration {}).", d.iterations);
}

}  // namespace intern::agent
