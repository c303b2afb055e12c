#pragma once
// The `run_benchmark` tool (DESIGN §5): runs a benchmark spec in the sandbox and records the
// result, with its receipt, in the evidence ledger. Approval class kExecute: it runs code on this
// machine, so every call first passes the bench.approval policy below.
//
// Arguments: {"spec_path": "bench/foo.toml"} or {"spec_toml": "<the spec text>"}, plus an
// optional "subject" (catalog name of the tool the benchmark is about).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/sandbox.h"
#include "tools/bench/bench_spec.h"
#include "tools/tool.h"

namespace intern::tools {

enum class BenchApprovalMode { kAsk, kAuto, kDeny };

struct BenchApprovalPolicy {
  // bench.approval. Unset: ask on a terminal, deny without one.
  std::optional<BenchApprovalMode> mode;
  // bench.allow: specs that run without asking. Each entry is a spec file path (compared after
  // resolving both to absolute, canonical paths) or "sha256:<hex>" of the spec text. Spec names
  // are deliberately not accepted: a model could give any spec an allowed name.
  std::vector<std::string> allow;
  bool is_tty = false;  // whether an operator can be asked
};

// Asks the operator; true means run. `summary` is one line saying what would run.
using Asker = std::function<bool(const std::string& summary)>;

enum class BenchApproval { kRun, kAsk, kDeny };

struct BenchApprovalDecision {
  BenchApproval action = BenchApproval::kDeny;
  std::string reason;  // for kDeny: the sentence shown to the model, naming the fix
};

// The decision table: explicit deny > allow list > explicit auto > ask (on a terminal) > deny.
BenchApprovalDecision DecideBenchApproval(const BenchApprovalPolicy& policy, const BenchSpec& spec);

class RunBenchmarkTool final : public Tool {
 public:
  // `sandbox` must outlive the tool. `asker` may be empty (then asking means denying).
  RunBenchmarkTool(sandbox::Sandbox& sandbox, BenchApprovalPolicy policy, Asker asker,
                   BenchDefaults defaults = {});

  std::string name() const override { return "run_benchmark"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kExecute; }
  std::string Describe(const nlohmann::json& args) const override;
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  Result<BenchSpec> LoadSpec(const nlohmann::json& args) const;

  sandbox::Sandbox& sandbox_;
  BenchApprovalPolicy policy_;
  Asker asker_;
  BenchDefaults defaults_;
  nlohmann::json schema_;
};

}  // namespace intern::tools
