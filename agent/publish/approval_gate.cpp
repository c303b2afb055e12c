#include "agent/publish/approval_gate.h"

#include <fmt/format.h>

#include <algorithm>

#include "agent/comparison_json.h"
#include "sessions/sha256.h"
#include "sessions/store.h"

namespace intern::agent::publish {
namespace {

// True when an approval comment carries a non-blank "Override: REASON" line (the form
// `intern review --override` records a one-sided draft's reason in).
bool HasOverrideLine(const std::string& comment) {
  size_t start = 0;
  while (start < comment.size()) {
    size_t end = std::min(comment.find('\n', start), comment.size());
    std::string_view line(comment.data() + start, end - start);
    constexpr std::string_view kPrefix = "Override:";
    if (line.substr(0, kPrefix.size()) == kPrefix &&
        line.find_first_not_of(" \t\r", kPrefix.size()) != std::string_view::npos)
      return true;
    start = end + 1;
  }
  return false;
}

bool Blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

Result<ApprovedDraft> CheckPublishable(const sessions::Store& store, const std::string& draft_id) {
  std::optional<sessions::DraftRecord> draft = store.GetDraft(draft_id);
  if (!draft) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("there is no draft \"{}\"; `intern drafts list --all` shows them",
                            draft_id));
  }
  std::vector<sessions::ApprovalRecord> decisions = store.ListApprovals(draft_id);
  auto approval =
      std::find_if(decisions.rbegin(), decisions.rend(), [](const sessions::ApprovalRecord& a) {
        return a.decision == sessions::ApprovalDecision::kApprove;
      });
  if (approval == decisions.rend()) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("draft {} is not approved, so it was not published; approve it with "
                            "`intern review {}` first",
                            draft_id, draft_id));
  }
  const std::string current = sessions::Sha256Hex(draft->document);
  bool still_current = decisions.back().id == approval->id && approval->sha256 == current &&
                       draft->sha256 == current &&
                       (draft->status == sessions::DraftStatus::kApproved ||
                        draft->status == sessions::DraftStatus::kPublished);
  if (!still_current) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("draft {} changed after {} approved it, so it was not published; "
                            "review it again with `intern review {}`",
                            draft_id, approval->reviewer, draft_id));
  }
  Result<Comparison> comparison = ComparisonFromJson(draft->document);
  if (!comparison.ok()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("draft {} does not read as a comparison ({}), so it was not published",
                            draft_id, comparison.message()));
  }
  bool one_sided = comparison.value().flags.one_sided ||
                   std::find(draft->flags.begin(), draft->flags.end(), "one_sided") !=
                       draft->flags.end();
  if (one_sided && Blank(comparison.value().override_comment) &&
      !HasOverrideLine(approval->comment)) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("draft {} is one-sided and its approval gives no override reason, so "
                            "it was not published; approve it again with `intern review {} "
                            "--approve --override \"why it is fair\"`",
                            draft_id, draft_id));
  }
  return ApprovedDraft{*draft, *approval, std::move(comparison).value()};
}

}  // namespace intern::agent::publish
