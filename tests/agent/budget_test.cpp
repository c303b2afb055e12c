#include "agent/budget.h"

#include <catch2/catch.hpp>

namespace intern::agent {
namespace {

struct Row {
  const char* name;
  Budget budget;
  BudgetState state;
  BudgetVerdict verdict;
  BudgetStatus status;
  const char* reason;
};

TEST_CASE("budget table: verdicts at the exact boundaries of cap, 90% and 100%") {
  const Budget b{10, 1000, 2.0};
  const std::vector<Row> rows = {
      {"fresh session", b, {0, 0, 0.0}, BudgetVerdict::kContinue, BudgetStatus::kNone, ""},
      {"two iterations left", b, {8, 0, 0.0}, BudgetVerdict::kContinue, BudgetStatus::kNone, ""},
      {"one iteration left",
       b,
       {9, 0, 0.0},
       BudgetVerdict::kFinalTurn,
       BudgetStatus::kCapped,
       "one iteration left of 10"},
      {"cap reached",
       b,
       {10, 0, 0.0},
       BudgetVerdict::kStop,
       BudgetStatus::kCapped,
       "iteration cap of 10 reached"},
      {"past the cap (resumed)",
       b,
       {12, 0, 0.0},
       BudgetVerdict::kStop,
       BudgetStatus::kCapped,
       "iteration cap of 10 reached"},
      {"tokens just under 90%",
       b,
       {1, 899, 0.0},
       BudgetVerdict::kContinue,
       BudgetStatus::kNone,
       ""},
      {"tokens at exactly 90%",
       b,
       {1, 900, 0.0},
       BudgetVerdict::kFinalTurn,
       BudgetStatus::kOverBudget,
       "token budget at 90% (900 of 1000)"},
      {"tokens one under 100%",
       b,
       {1, 999, 0.0},
       BudgetVerdict::kFinalTurn,
       BudgetStatus::kOverBudget,
       "token budget at 90% (999 of 1000)"},
      {"tokens at exactly 100%",
       b,
       {1, 1000, 0.0},
       BudgetVerdict::kStop,
       BudgetStatus::kOverBudget,
       "token budget used up (1000 of 1000)"},
      {"usd just under 90%", b, {1, 0, 1.7999}, BudgetVerdict::kContinue, BudgetStatus::kNone, ""},
      {"usd at exactly 90%",
       b,
       {1, 0, 1.8},
       BudgetVerdict::kFinalTurn,
       BudgetStatus::kOverBudget,
       "USD budget at 90% ($1.8000 of $2.00)"},
      {"usd at exactly 100%",
       b,
       {1, 0, 2.0},
       BudgetVerdict::kStop,
       BudgetStatus::kOverBudget,
       "USD budget used up ($2.0000 of $2.00)"},
      {"over budget wins over the cap",
       b,
       {10, 1000, 0.0},
       BudgetVerdict::kStop,
       BudgetStatus::kOverBudget,
       "token budget used up (1000 of 1000)"},
      {"after the final turn at the cap",
       b,
       {9, 0, 0.0, true},
       BudgetVerdict::kStop,
       BudgetStatus::kCapped,
       "final turn taken"},
      {"after the final turn at 90% tokens",
       b,
       {3, 950, 0.0, true},
       BudgetVerdict::kStop,
       BudgetStatus::kOverBudget,
       "final turn taken at 90% of the token budget (950 of 1000)"},
      {"zero budgets are unlimited",
       Budget{10, 0, 0.0},
       {5, 1'000'000'000, 1e6},
       BudgetVerdict::kContinue,
       BudgetStatus::kNone,
       ""},
      {"a cap of one gives only the final turn",
       Budget{1, 0, 0.0},
       {0, 0, 0.0},
       BudgetVerdict::kFinalTurn,
       BudgetStatus::kCapped,
       "one iteration left of 1"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    BudgetCheck c = CheckBudget(r.budget, r.state);
    CHECK(BudgetVerdictName(c.verdict) == std::string(BudgetVerdictName(r.verdict)));
    CHECK(BudgetStatusName(c.status) == std::string(BudgetStatusName(r.status)));
    CHECK(c.reason == r.reason);
  }
}

}  // namespace
}  // namespace intern::agent
