#pragma once
// The two tools of the compare workflow (DESIGN §5, §6, §8):
//
//   catalog_facts(subject)  kRead. Records what the catalog knows about one subject as evidence
//       rows about that subject: every dated fact with its own source URL, plus kind, category,
//       organisation, licence and pricing (sourced to the entry's home, docs, repo or hub page),
//       "docs" (the docs page, else the model card) and "on_device: yes" for entries with the
//       on-device topic,
//       so a draft can cite them. The result lists each row as "ev-N field: value".
//       Failure (error result): `no catalog entry matches "x"; use the name the task gave` (with
//       the candidates when ambiguous).
//   submit_draft(...)       kRead; the loop's final tool. Arguments: SubmitDraftSchema() plus an
//       optional `notes` list (things the reader must know: "GitHub unreachable"). Reads the
//       submission, fills session, provider, model, cost (the session's so far) and
//       generated_at, prepares and validates it against this session's ledger. Any error → an
//       error result "The draft was not stored. Fix these problems and call submit_draft
//       again:\n- ..." (the model corrects it; the retry counts toward the cap). Storable → a
//       draft in the store (pending_review; flag "one_sided" when parity failed) and the result
//       "Draft d-… stored for review (pending_review)." plus a line per flag.
//
// Thread safety: both tools are stateless apart from the store, which serialises its calls.

#include <memory>
#include <string>

#include "config/catalog.h"
#include "sessions/store.h"
#include "tools/tool.h"

namespace intern::agent {

class CatalogFactsTool final : public tools::Tool {
 public:
  explicit CatalogFactsTool(config::Catalog catalog) : catalog_(std::move(catalog)) {}
  std::string name() const override { return "catalog_facts"; }
  std::string description() const override;
  const nlohmann::json& schema() const override;
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext& ctx) override;

 private:
  config::Catalog catalog_;
};

// What submit_draft stamps on every draft it stores.
struct DraftStamp {
  std::string provider;  // "anthropic", "openai", "offline"
  std::string model;
};

class SubmitDraftTool final : public tools::Tool {
 public:
  // `store` must outlive the tool. Besides Validate(), a submission's links must be pages of the
  // session's ledger or catalog links of its subjects (agent/link_check.h).
  SubmitDraftTool(sessions::Store& store, config::Catalog catalog, DraftStamp stamp)
      : store_(store), catalog_(std::move(catalog)), stamp_(std::move(stamp)) {}
  std::string name() const override { return "submit_draft"; }
  std::string description() const override;
  const nlohmann::json& schema() const override;
  tools::ApprovalClass approval_class() const override { return tools::ApprovalClass::kRead; }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext& ctx) override;

 private:
  sessions::Store& store_;
  config::Catalog catalog_;
  DraftStamp stamp_;
};

// The ids of the drafts stored for `session_id`, newest first (what a workflow reports).
std::string LatestDraftId(const sessions::Store& store, const std::string& session_id);

}  // namespace intern::agent
