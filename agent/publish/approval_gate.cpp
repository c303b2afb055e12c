#include "agent/publish/approval_gate.h"

#include <fmt/format.h>

#include <algorithm>

#include "agent/comparison_json.h"
#include "sessions/sha256.h"
#include "sessions/store.h"

namespace intern::agent::publish {
namespace {

// The states of agent/review/approval_check.h's ApprovalStatus, in the same order.
enum class Gate { kApproved, kNoSuchDraft, kNeverApproved, kChangedSinceApproval, kOneSided };

struct GateState {
  Gate gate = Gate::kNoSuchDraft;
  std::optional<sessions::ApprovalRecord> approval;  // the latest approval, current or not
};

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

// Where the draft stands. This is the one function to replace with the review module's
// CheckApproval (mapping its ApprovalStatus one to one) once both are merged; the sentences
// below stay publishing's.
GateState Classify(const sessions::Store& store, const std::string& draft_id) {
  GateState state;
  std::optional<sessions::DraftRecord> draft = store.GetDraft(draft_id);
  if (!draft) return state;
  std::vector<sessions::ApprovalRecord> decisions = store.ListApprovals(draft_id);
  auto approval =
      std::find_if(decisions.rbegin(), decisions.rend(), [](const sessions::ApprovalRecord& a) {
        return a.decision == sessions::ApprovalDecision::kApprove;
      });
  if (approval == decisions.rend()) {
    state.gate = Gate::kNeverApproved;
    return state;
  }
  state.approval = *approval;
  // Recomputed, never read from the sha256 column: a write behind the store's back changes the
  // document without it.
  const std::string current = sessions::Sha256Hex(draft->document);
  bool still_current = decisions.back().id == approval->id && approval->sha256 == current &&
                       draft->sha256 == current &&
                       (draft->status == sessions::DraftStatus::kApproved ||
                        draft->status == sessions::DraftStatus::kPublished);
  if (!still_current) {
    state.gate = Gate::kChangedSinceApproval;
    return state;
  }
  bool one_sided =
      std::find(draft->flags.begin(), draft->flags.end(), "one_sided") != draft->flags.end();
  std::string document_override;
  if (Result<Comparison> doc = ComparisonFromJson(draft->document); doc.ok()) {
    one_sided = one_sided || doc.value().flags.one_sided;
    document_override = doc.value().override_comment;
  }
  if (one_sided && Blank(document_override) && !HasOverrideLine(approval->comment)) {
    state.gate = Gate::kOneSided;
    return state;
  }
  state.gate = Gate::kApproved;
  return state;
}

}  // namespace

Result<ApprovedDraft> CheckPublishable(const sessions::Store& store, const std::string& draft_id) {
  GateState state = Classify(store, draft_id);
  switch (state.gate) {
    case Gate::kNoSuchDraft:
      return Fail(
          ErrorCode::kNotFound,
          fmt::format("there is no draft \"{}\"; `intern drafts list --all` shows them", draft_id));
    case Gate::kNeverApproved:
      return Fail(ErrorCode::kForbidden,
                  fmt::format("draft {} is not approved, so it was not published; approve it "
                              "with `intern review {}` first",
                              draft_id, draft_id));
    case Gate::kChangedSinceApproval:
      return Fail(ErrorCode::kForbidden,
                  fmt::format("draft {} changed after {} approved it, so it was not published; "
                              "review it again with `intern review {}`",
                              draft_id, state.approval->reviewer, draft_id));
    case Gate::kOneSided:
      return Fail(ErrorCode::kForbidden,
                  fmt::format("draft {} is one-sided and its approval gives no override reason, "
                              "so it was not published; approve it again with `intern review {} "
                              "--approve --override \"why it is fair\"`",
                              draft_id, draft_id));
    case Gate::kApproved:
      break;
  }
  // Read again for the content to publish, and hold it to the approval: the draft may have been
  // edited since Classify looked.
  std::optional<sessions::DraftRecord> draft = store.GetDraft(draft_id);
  if (!draft || sessions::Sha256Hex(draft->document) != state.approval->sha256) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("draft {} changed after {} approved it, so it was not published; "
                            "review it again with `intern review {}`",
                            draft_id, state.approval->reviewer, draft_id));
  }
  Result<Comparison> comparison = ComparisonFromJson(draft->document);
  if (!comparison.ok()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("draft {} does not read as a comparison ({}), so it was not published",
                            draft_id, comparison.message()));
  }
  return ApprovedDraft{*draft, *state.approval, std::move(comparison).value()};
}

}  // namespace intern::agent::publish
