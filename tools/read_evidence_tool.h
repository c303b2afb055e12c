#pragma once
// read_evidence(id, offset?) — pages through a stored evidence body. Large tool results are
// stored whole in the ledger and the model gets the head plus a handle; this tool reads on.
// Approval class kRead. A page is at most `page_chars` characters, cut at a UTF-8 boundary; the
// result ends with the offset to continue from, or says the end was reached.

#include "tools/tool.h"

namespace intern::tools {

class ReadEvidenceTool final : public Tool {
 public:
  explicit ReadEvidenceTool(size_t page_chars = 8000) : page_chars_(page_chars) {}

  std::string name() const override { return "read_evidence"; }
  std::string description() const override;
  const nlohmann::json& schema() const override;
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  size_t page_chars_;
};

}  // namespace intern::tools
