#pragma once
// Budget accounting (DESIGN §4): the iteration cap and the token and USD budgets of a session,
// checked before every iteration. Pure: state in, verdict out.
//
//   stop        iterations >= max_iterations                      -> status capped
//               tokens >= budget_tokens or usd >= budget_usd      -> status over_budget
//               a final turn was already taken                    -> capped or over_budget
//                                                                    (what caused that turn)
//   final_turn  one iteration left (iterations == max_iterations - 1), or tokens or USD at 90%
//               of their budget or more: the model gets one turn with only submit_draft
//   continue    otherwise
//
// When several causes hold at once, over_budget wins over capped (spending is the stronger
// claim on the operator's attention). A budget of 0 means "no budget" for that measure.

#include <cstdint>
#include <string>

namespace intern::agent {

struct Budget {
  int max_iterations = 300;        // agent.max_iterations: every iteration of the session counts
  std::int64_t budget_tokens = 0;  // agent.budget_tokens: 0 = unlimited
  double budget_usd = 0.0;         // agent.budget_usd: 0 = unlimited
};

struct BudgetState {
  int iterations = 0;       // iterations completed so far (across resumes)
  std::int64_t tokens = 0;  // Usage::Total() summed over the session
  double usd = 0.0;         // CostUsd() summed over the session
  bool final_turn_taken = false;
};

enum class BudgetVerdict { kContinue, kFinalTurn, kStop };
enum class BudgetStatus { kNone, kCapped, kOverBudget };

// "continue", "final_turn", "stop" and "", "capped", "over_budget".
const char* BudgetVerdictName(BudgetVerdict verdict);
const char* BudgetStatusName(BudgetStatus status);

struct BudgetCheck {
  BudgetVerdict verdict = BudgetVerdict::kContinue;
  BudgetStatus status =
      BudgetStatus::kNone;  // set for kStop, and for kFinalTurn (what it leads to)
  std::string reason;  // for people, e.g. "token budget at 90% (90000 of 100000)"; "" for continue
  bool operator==(const BudgetCheck&) const = default;
};

BudgetCheck CheckBudget(const Budget& budget, const BudgetState& state);

}  // namespace intern::agent
