#include "agent/review/approval_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "sessions/sha256.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

constexpr std::string_view kOverridePrefix = "Override: ";

std::string Trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

bool HasFlag(const sessions::DraftRecord& draft, const std::string& flag) {
  return std::find(draft.flags.begin(), draft.flags.end(), flag) != draft.flags.end();
}

std::string Short(const std::string& sha) { return sha.substr(0, 12); }

}  // namespace

const char* ApprovalStatusName(ApprovalStatus status) {
  switch (status) {
    case ApprovalStatus::kApproved:
      return "approved";
    case ApprovalStatus::kNoSuchDraft:
      return "no_such_draft";
    case ApprovalStatus::kNeverApproved:
      return "never_approved";
    case ApprovalStatus::kChangedSinceApproval:
      return "changed_since_approval";
    case ApprovalStatus::kOneSidedWithoutOverride:
      return "one_sided_without_override";
  }
  return "unknown";
}

std::string ApprovalComment(const std::string& comment, const std::string& override_reason) {
  std::string reason = Trim(override_reason);
  std::string text = Trim(comment);
  if (reason.empty()) return text;
  // One line: a reason with line breaks would otherwise end the Override line early.
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  std::replace(reason.begin(), reason.end(), '\r', ' ');
  if (!text.empty()) text += "\n";
  return text + std::string(kOverridePrefix) + reason;
}

std::string OverrideReasonIn(const std::string& approval_comment) {
  std::string found;
  size_t start = 0;
  while (start <= approval_comment.size()) {
    size_t end = approval_comment.find('\n', start);
    if (end == std::string::npos) end = approval_comment.size();
    std::string_view line(approval_comment.data() + start, end - start);
    if (line.substr(0, kOverridePrefix.size()) == kOverridePrefix) {
      found = Trim(line.substr(kOverridePrefix.size()));
    }
    start = end + 1;
  }
  return found;
}

ApprovalState CheckApproval(const sessions::Store& store, const std::string& draft_id) {
  ApprovalState state;
  std::optional<sessions::DraftRecord> draft = store.GetDraft(draft_id);
  if (!draft) {
    state.status = ApprovalStatus::kNoSuchDraft;
    state.reason = fmt::format(
        "there is no draft \"{}\" in the store; `intern review` lists the pending drafts",
        draft_id);
    return state;
  }
  state.document_sha256 = sessions::Sha256Hex(draft->document);

  std::vector<sessions::ApprovalRecord> decisions = store.ListApprovals(draft_id);
  auto last_approval =
      std::find_if(decisions.rbegin(), decisions.rend(), [](const sessions::ApprovalRecord& a) {
        return a.decision == sessions::ApprovalDecision::kApprove;
      });
  if (last_approval == decisions.rend()) {
    state.status = ApprovalStatus::kNeverApproved;
    state.reason =
        fmt::format("draft {} has not been approved; approve it first with `intern review {}`",
                    draft_id, draft_id);
    return state;
  }
  state.approval = *last_approval;
  const sessions::ApprovalRecord& approval = *last_approval;

  // Every one of these must hold; each alone is a way the content can drift from what the
  // reviewer saw (an edit, a later decision, a raw write to the document or its fingerprint).
  bool latest_is_this_approval = decisions.back().id == approval.id;
  bool document_matches = approval.sha256 == state.document_sha256;
  bool fingerprint_matches = draft->sha256 == state.document_sha256;
  bool status_allows = draft->status == sessions::DraftStatus::kApproved ||
                       draft->status == sessions::DraftStatus::kPublished;
  if (!(latest_is_this_approval && document_matches && fingerprint_matches && status_allows)) {
    state.status = ApprovalStatus::kChangedSinceApproval;
    state.reason = fmt::format(
        "draft {} changed after {} approved it on {} (approved content {}, stored now {}, status "
        "{}); review it again with `intern review {}`",
        draft_id, approval.reviewer, approval.decided_at, Short(approval.sha256),
        Short(state.document_sha256), sessions::DraftStatusName(draft->status), draft_id);
    return state;
  }

  bool one_sided = HasFlag(*draft, "one_sided");
  std::string document_override;
  if (Result<Comparison> doc = ComparisonFromJson(draft->document); doc.ok()) {
    one_sided = one_sided || doc.value().flags.one_sided;
    document_override = Trim(doc.value().override_comment);
  }
  if (one_sided) {
    std::string reason = OverrideReasonIn(approval.comment);
    state.override_reason = reason.empty() ? document_override : reason;
    if (state.override_reason.empty()) {
      state.status = ApprovalStatus::kOneSidedWithoutOverride;
      state.reason = fmt::format(
          "draft {} is one-sided and was approved without an override reason, so it cannot be "
          "published; a one-sided draft is approved with `intern review ID --approve --override "
          "\"why it is fair\"`",
          draft_id);
      return state;
    }
  }
  state.status = ApprovalStatus::kApproved;
  return state;
}

}  // namespace intern::agent
