#pragma once
// ApprovalPolicy — who says yes before a tool call that is not read-only runs (DESIGN §4, §5).
// The loop asks it once per call of a tool whose approval class is not kRead, one call at a
// time, in call order; read-only calls are never asked about. A denied call is not run: the
// model gets an error result saying the operator did not approve it.
//
// Thread safety: Decide is called from the loop's thread only.

#include <iosfwd>
#include <string>

#include "tools/tool.h"

namespace intern::agent {

enum class ApprovalVerdict { kAllow, kDeny };

class ApprovalPolicy {
 public:
  virtual ~ApprovalPolicy() = default;
  // `args_json` is the call's arguments as the model wrote them; `description` is
  // Tool::Describe of the parsed arguments (or the raw arguments when they do not parse).
  virtual ApprovalVerdict Decide(const tools::Tool& tool, const std::string& args_json,
                                 const std::string& description) = 0;
};

// Answers the same for every call (non-interactive runs: `--yes`, or refuse everything).
class FixedApproval final : public ApprovalPolicy {
 public:
  explicit FixedApproval(ApprovalVerdict verdict) : verdict_(verdict) {}
  ApprovalVerdict Decide(const tools::Tool&, const std::string&, const std::string&) override {
    return verdict_;
  }

 private:
  ApprovalVerdict verdict_;
};

// Asks the operator on a terminal: prints "Allow: <description>? [y/N] " on `out` and reads one
// line from `in`; "y" or "yes" (any case) allows, anything else (or end of input) denies.
class PromptApproval final : public ApprovalPolicy {
 public:
  PromptApproval(std::istream& in, std::ostream& out) : in_(in), out_(out) {}
  ApprovalVerdict Decide(const tools::Tool& tool, const std::string& args_json,
                         const std::string& description) override;

 private:
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace intern::agent
