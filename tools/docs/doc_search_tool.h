#pragma once
// doc_search(query, subject?, k) — the model's way into the document index (DESIGN §5).
// Every hit is recorded in ctx.ledger as evidence of kind "document" (source_url = the source
// URI, quote = the whole chunk) and its id is listed beside the hit in the result, so a draft
// can cite it. No match is a normal result, not an error; bad arguments are tool errors whose
// message says what to send instead.
//
// Ownership: borrows `index`, which must outlive the tool. Thread-safe (approval class kRead).

#include <nlohmann/json.hpp>
#include <string>

#include "tools/docs/doc_index.h"
#include "tools/tool.h"

namespace intern::tools {

class DocSearchTool final : public Tool {
 public:
  static constexpr int kDefaultK = 5;
  static constexpr int kMaxK = 50;

  explicit DocSearchTool(DocIndex& index);

  std::string name() const override { return "doc_search"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  DocIndex& index_;
  nlohmann::json schema_;
};

}  // namespace intern::tools
