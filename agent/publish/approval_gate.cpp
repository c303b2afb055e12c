#include "agent/publish/approval_gate.h"

#include <fmt/format.h>

#include "agent/comparison_json.h"
#include "agent/review/approval_check.h"
#include "sessions/sha256.h"
#include "sessions/store.h"

namespace intern::agent::publish {
namespace {

// Where the draft stands, by the review gate's own check (one definition of "approved as
// stored now" for both halves of DESIGN §7); the sentences below stay publishing's.
enum class Gate { kApproved, kNoSuchDraft, kNeverApproved, kChangedSinceApproval, kOneSided };

struct GateState {
  Gate gate = Gate::kNoSuchDraft;
  std::optional<sessions::ApprovalRecord> approval;  // the latest approval, current or not
};

GateState Classify(const sessions::Store& store, const std::string& draft_id) {
  ApprovalState checked = CheckApproval(store, draft_id);
  GateState state;
  state.approval = checked.approval;
  switch (checked.status) {
    case ApprovalStatus::kApproved: state.gate = Gate::kApproved; break;
    case ApprovalStatus::kNoSuchDraft: state.gate = Gate::kNoSuchDraft; break;
    case ApprovalStatus::kNeverApproved: state.gate = Gate::kNeverApproved; break;
    case ApprovalStatus::kChangedSinceApproval: state.gate = Gate::kChangedSinceApproval; break;
    case ApprovalStatus::kOneSidedWithoutOverride: state.gate = Gate::kOneSided; break;
  }
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
