#include "agent/budget.h"

#include <fmt/format.h>

namespace intern::agent {
namespace {

// Integer and scaled comparisons keep the boundaries exact (90% of 10 tokens is 9, not 8.999…).
bool TokensAtLeast(std::int64_t used, std::int64_t budget, int percent) {
  return budget > 0 && used * 100 >= budget * percent;
}

bool UsdAtLeast(double used, double budget, int percent) {
  return budget > 0 && used * 100.0 >= budget * percent;
}

std::string TokenText(const Budget& b, const BudgetState& s) {
  return fmt::format("{} of {}", s.tokens, b.budget_tokens);
}

std::string UsdText(const Budget& b, const BudgetState& s) {
  return fmt::format("${:.4f} of ${:.2f}", s.usd, b.budget_usd);
}

}  // namespace

const char* BudgetVerdictName(BudgetVerdict verdict) {
  switch (verdict) {
    case BudgetVerdict::kContinue:
      return "continue";
    case BudgetVerdict::kFinalTurn:
      return "final_turn";
    case BudgetVerdict::kStop:
      return "stop";
  }
  return "continue";
}

const char* BudgetStatusName(BudgetStatus status) {
  switch (status) {
    case BudgetStatus::kNone:
      return "";
    case BudgetStatus::kCapped:
      return "capped";
    case BudgetStatus::kOverBudget:
      return "over_budget";
  }
  return "";
}

BudgetCheck CheckBudget(const Budget& b, const BudgetState& s) {
  using V = BudgetVerdict;
  using S = BudgetStatus;
  if (TokensAtLeast(s.tokens, b.budget_tokens, 100)) {
    return {V::kStop, S::kOverBudget, "token budget used up (" + TokenText(b, s) + ")"};
  }
  if (UsdAtLeast(s.usd, b.budget_usd, 100)) {
    return {V::kStop, S::kOverBudget, "USD budget used up (" + UsdText(b, s) + ")"};
  }
  if (s.iterations >= b.max_iterations) {
    return {V::kStop, S::kCapped, fmt::format("iteration cap of {} reached", b.max_iterations)};
  }
  bool tokens90 = TokensAtLeast(s.tokens, b.budget_tokens, 90);
  bool usd90 = UsdAtLeast(s.usd, b.budget_usd, 90);
  bool last_iteration = s.iterations == b.max_iterations - 1;
  if (s.final_turn_taken) {
    if (tokens90)
      return {V::kStop, S::kOverBudget,
              "final turn taken at 90% of the token budget (" + TokenText(b, s) + ")"};
    if (usd90)
      return {V::kStop, S::kOverBudget,
              "final turn taken at 90% of the USD budget (" + UsdText(b, s) + ")"};
    return {V::kStop, S::kCapped, "final turn taken"};
  }
  if (tokens90)
    return {V::kFinalTurn, S::kOverBudget, "token budget at 90% (" + TokenText(b, s) + ")"};
  if (usd90) return {V::kFinalTurn, S::kOverBudget, "USD budget at 90% (" + UsdText(b, s) + ")"};
  if (last_iteration) {
    return {V::kFinalTurn, S::kCapped, fmt::format("one iteration left of {}", b.max_iterations)};
  }
  return {};
}

}  // namespace intern::agent
