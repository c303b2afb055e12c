#pragma once
// The Tool interface (DESIGN §5). A tool has a name, a description and a JSON schema for its
// arguments (what the model sees), an approval class, and Run.
//
// Contract of Run: `args` has already been validated against schema() by the registry (wrong
// types, missing or unknown fields never reach Run). Run never throws for expected failures
// (network down, 404, rate limit, a benchmark that fails): it returns a ToolResult with
// is_error = true and a message the model can act on. Facts it finds go to ctx.ledger and their
// ids into the result. Run must honour ctx.cancelled() at its waits.
//
// Thread safety: tools of approval class kRead may be run concurrently from several threads.

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "config/clock.h"
#include "tools/evidence.h"

namespace intern::tools {

// Whether a call may run without asking (DESIGN §4, §5).
enum class ApprovalClass {
  kRead,     // reads public information; runs freely and concurrently
  kAsk,      // the operator is asked first (e.g. an MCP tool nobody vouched for)
  kExecute,  // runs code on this machine (run_benchmark); governed by bench.approval
};

const char* ApprovalClassName(ApprovalClass c);

struct ToolResult {
  std::string content;                    // what the model reads
  bool is_error = false;
  std::vector<std::string> evidence_ids;  // ledger ids of what this call recorded

  static ToolResult Error(std::string message) { return {std::move(message), true, {}}; }
};

// What a tool call runs with. Owned by the caller; outlives the call.
struct ToolContext {
  EvidenceLedger& ledger;
  Clock& clock;
  std::string session_id;
  const std::atomic<bool>* cancel = nullptr;  // set when the operator asks to stop

  bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

class Tool {
 public:
  virtual ~Tool() = default;

  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // JSON Schema (object with properties/required/additionalProperties) for the arguments.
  virtual const nlohmann::json& schema() const = 0;
  virtual ApprovalClass approval_class() const = 0;
  // One line saying what this call would do, for the approval prompt ("run `make bench` in the
  // sandbox with 2 GiB memory").
  virtual std::string Describe(const nlohmann::json& args) const;

  virtual ToolResult Run(const nlohmann::json& args, ToolContext& ctx) = 0;
};

}  // namespace intern::tools
