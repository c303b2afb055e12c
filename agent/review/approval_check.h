#pragma once
// Is a draft approved for publishing, as it is stored right now? (DESIGN §7: an approval covers
// the content it saw; any later change voids it.)
//
// CheckApproval reads the draft and its decisions and trusts nothing it can recompute:
//   - the fingerprint is recomputed from the stored document (SHA-256), so a document changed
//     behind the store's back (a raw SQL UPDATE that left the sha256 column alone) is caught;
//   - the latest decision on the draft must be an approval, made on exactly that fingerprint,
//     and the draft's status must be approved (or published, for a re-publish);
//   - a one-sided draft (flags column "one_sided", or flags.one_sided in the document) needs an
//     override reason: an "Override: REASON" line in the approval's comment (what `intern review
//     --override` writes, see ApprovalComment) or a non-blank override_comment in the document.
//
// Outcomes, checked in this order:
//   kNoSuchDraft             no draft with that id
//   kNeverApproved           no decision on the draft is an approval
//   kChangedSinceApproval    approved once, but the document, its stored fingerprint or its
//                            status no longer match that approval (edited, re-decided, tampered)
//   kOneSidedWithoutOverride approved as is, but one-sided and nobody gave an override reason
//   kApproved                approved and current: publishing may go ahead
// `reason` is one sentence for the operator naming the draft and the fix (empty for kApproved).
//
// Errors: store failures throw intern::Error (as the store does). Thread safety: as the store.
// Pure reads: changes nothing.

#include <optional>
#include <string>

#include "sessions/records.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent {

enum class ApprovalStatus {
  kApproved,
  kNoSuchDraft,
  kNeverApproved,
  kChangedSinceApproval,
  kOneSidedWithoutOverride,
};

// "approved", "no_such_draft", "never_approved", "changed_since_approval",
// "one_sided_without_override".
const char* ApprovalStatusName(ApprovalStatus status);

struct ApprovalState {
  ApprovalStatus status = ApprovalStatus::kNoSuchDraft;
  // The latest approval of the draft, whether or not it still holds; nullopt when never approved.
  std::optional<sessions::ApprovalRecord> approval = std::nullopt;
  // SHA-256 of the document as stored now ("" when there is no draft).
  std::string document_sha256{};
  // The override reason that lets a one-sided draft through ("" when none was needed or given).
  std::string override_reason{};
  std::string reason{};

  bool approved() const { return status == ApprovalStatus::kApproved; }
};

ApprovalState CheckApproval(const sessions::Store& store, const std::string& draft_id);

// The comment stored with an approval: the reviewer's `comment`, then, when `override_reason`
// is not blank, a line "Override: REASON" (the one-sided override). Either may be empty.
std::string ApprovalComment(const std::string& comment, const std::string& override_reason);

// The REASON of the last "Override: REASON" line in an approval comment, trimmed; "" when none.
std::string OverrideReasonIn(const std::string& approval_comment);

}  // namespace intern::agent
