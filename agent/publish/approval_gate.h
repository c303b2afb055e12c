#pragma once
// The one question publishing asks the store: may this draft go out as it is stored right now?
// (DESIGN §7: only a person's approval of exactly this content lets a comparison out.)
//
// This is publishing's own check, kept behind one function (Classify in the .cpp) so the review
// module's CheckApproval (agent/review/approval_check.h) can replace it without touching the
// publisher or these sentences. It trusts nothing it can recompute: the document's SHA-256 is
// computed afresh from the stored text (a raw write that left the stored fingerprint alone is
// caught), the latest decision on the draft must be the approval, made on that fingerprint, and
// the draft must still be approved (or published, for a push of an earlier publish).
//
// Failures, each one sentence naming the draft and the fix:
//   kNotFound         no such draft
//   kForbidden        never approved; changed since approval (edited, re-decided, tampered);
//                     one-sided without an override reason
//   kInvalidArgument  the stored document does not read as a comparison
//
// Pure reads; store failures throw intern::Error as the store does.

#include <string>

#include "agent/comparison.h"
#include "config/result.h"
#include "sessions/records.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent::publish {

struct ApprovedDraft {
  sessions::DraftRecord draft;
  sessions::ApprovalRecord approval;  // the approval that covers the current content
  Comparison comparison;              // the document, read
};

Result<ApprovedDraft> CheckPublishable(const sessions::Store& store, const std::string& draft_id);

}  // namespace intern::agent::publish
