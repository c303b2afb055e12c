#pragma once
// How benchmark results and sandbox runs are shown: JSON for scripts, the ledger and the model;
// a plain table for people.

#include <nlohmann/json.hpp>

#include <string>

#include "sandbox/run_spec.h"
#include "tools/bench/bench_runner.h"

namespace intern::tools {

nlohmann::json BenchReportToJson(const BenchReport& report);
nlohmann::json RunResultToJson(const sandbox::RunResult& result);

// "figure  median  min  max  unit" rows, then the outcome and the receipt.
std::string BenchReportText(const BenchReport& report);
// Exit status, limit, measurements with their sources, and the output head/tail.
std::string RunResultText(const sandbox::RunResult& result);

}  // namespace intern::tools
