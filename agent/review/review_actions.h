#pragma once
// The review gate's decisions (DESIGN §7), without the terminal: approve, reject, edit, send
// back, and what a reviewer is shown. `intern review` (agent/cli/review_command.cpp) and the
// interactive prompt (agent/review/review_prompt.h) are thin layers over these.
//
// Every decision is bound to the content the reviewer saw: callers pass the SHA-256 of the
// document they showed (ShownSha256), and the store refuses the decision when the draft changed
// since ("draft d-x changed while it was being reviewed ..."). The fingerprint is recomputed from
// the stored document, so a document changed behind the store's back cannot be approved either.
//
// Expected refusals (a person can fix them) come back as a Failure with one sentence; store
// failures and races the store detects throw intern::Error.
// Thread safety: as the store.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "agent/comparison_validator.h"
#include "agent/loop.h"
#include "config/result.h"
#include "sessions/records.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent {

// What the review layer needs; nothing owned.
struct ReviewServices {
  sessions::Store& store;
  // Who decides (agent/review/reviewer.h); a decision with an empty name is refused.
  std::string reviewer;
  // Auto-publish seam (publish.auto = true): called after an approval is recorded, with the draft
  // id; what it returns is shown to the reviewer ("Published ... as commit abc123"). A failure is
  // shown too, and the approval stands (publish can be retried with `intern publish ID`).
  // Empty: nothing is published.
  std::function<Result<std::string>(const std::string& draft_id)> on_approved = nullptr;
  // Send-back seam: continues the draft's session with `feedback_message` as the next user
  // message (agent/session_runner.h ReviseSession) and returns how the loop ended. Empty: a
  // send-back is recorded but nobody revises (the session can be resumed later).
  std::function<LoopOutcome(const std::string& session_id, const std::string& feedback_message)>
      revise = nullptr;
};

// SHA-256 of the document as stored now: what a reviewer who is shown it decides on.
std::string ShownSha256(const sessions::DraftRecord& draft);

// The draft with `id` or a unique prefix of one. Failure (kNotFound / kInvalidArgument):
//   "there is no draft \"X\"; `intern review` lists the drafts waiting for review"
//   "\"X\" matches several drafts; give more of the id"
Result<sessions::DraftRecord> FindDraft(const sessions::Store& store, const std::string& id);

// True when the draft is one-sided: its flags column or the document's flags say so.
bool IsOneSided(const sessions::DraftRecord& draft);

// ---- what the reviewer sees -----------------------------------------------------------------

struct PendingDraft {
  std::string id;
  std::string session_id;
  std::int64_t version = 0;
  std::string title;
  std::string created_at;
  std::string age;  // "3m", "5h", "2d"
  double cost_usd = 0.0;
  std::int64_t tokens = 0;
  // The store's flags plus "over_budget" when the document says so and "republish" when a
  // version of the same pair is already published.
  std::vector<std::string> flags;
};

// Drafts waiting for review, newest first, with their age relative to `now`.
std::vector<PendingDraft> ListPending(const sessions::Store& store,
                                      std::chrono::system_clock::time_point now);

// The review view of `draft`: a header (id, version, status, session, flags, fingerprint), the
// costs (the document's and the session's iterations, tokens and USD against its caps), the
// diff against the published version of the same pair when there is one
// (agent/review/comparison_diff.h), then the Markdown rendering with its evidence list.
// A document that does not read as a comparison is shown as its JSON with the problem.
std::string RenderReview(const sessions::Store& store, const sessions::DraftRecord& draft);

// ---- decisions ------------------------------------------------------------------------------

// Approves the draft as shown. The comment stored is ApprovalComment(comment, override_reason).
// Failure (kInvalidArgument), nothing recorded:
//   "no reviewer name: pass --reviewer NAME, or set git's user.name or $USER"
//   "draft d-x is rejected, not pending review; only a pending draft can be decided on"
//   "draft d-x was changed outside intern (its document no longer matches its fingerprint); save
//    an edit of it with `intern review d-x` to take it as it is, or reject it"
//   "draft d-x changed while it was being reviewed (reviewed <sha12>, now <sha12>); review it
//    again"
//   "draft d-x is one-sided (its evidence does not cover both tools comparably); approve it only
//    with --override \"why it is fair\""   (unless override_reason or the document's
//    override_comment is non-blank)
Result<sessions::ApprovalRecord> Approve(const ReviewServices& services,
                                         const std::string& draft_id,
                                         const std::string& shown_sha256,
                                         const std::string& comment,
                                         const std::string& override_reason);

// Rejects with a reason (required: "a rejection needs a reason: say what is wrong").
Result<sessions::ApprovalRecord> Reject(const ReviewServices& services, const std::string& draft_id,
                                        const std::string& shown_sha256, const std::string& reason);

struct SendBackOutcome {
  sessions::ApprovalRecord decision;
  bool revised = false;             // the revise seam ran
  std::optional<LoopOutcome> loop;  // how the revision ended, when it ran
  std::string new_draft_id;         // the pending revision, "" when none was stored
  std::int64_t new_version = 0;
};

// Records the send-back (with the feedback as its comment), then runs services.revise with
// ReviewerFeedbackMessage(...) and looks for the session's new pending draft. Feedback is
// required ("sending back needs feedback: say what to change"). Other failures as Approve.
Result<SendBackOutcome> SendBack(const ReviewServices& services, const std::string& draft_id,
                                 const std::string& shown_sha256, const std::string& feedback);

struct EditCheck {
  std::optional<Comparison> document;       // the edit as it would be stored (fills applied)
  std::vector<std::string> shape_problems;  // the JSON did not read as a comparison
  std::vector<ValidationProblem> problems;  // validator errors and flags
  bool ok() const;                          // readable and no validator error
};

// Reads and validates an edited document of `draft` the way submit_draft does (the derived
// parts — verdicts, standard decision rows, evidence list, parity flags — are recomputed, and
// citations must resolve in the draft's session ledger). Pure apart from reading the ledger.
EditCheck CheckEdit(sessions::Store& store, const sessions::DraftRecord& draft,
                    const std::string& edited_json);

// Every problem of a failed check, one "- " line each (flags as "(flag) ").
std::string FormatEditProblems(const EditCheck& check);

// Stores a checked edit (check.ok() must hold) as the draft's new document, with flags
// recomputed (one_sided from parity; offline kept). Any approval of the old content is void.
// Returns the updated draft. Throws intern::Error as Store::UpdateDraftDocument, and when the
// draft changed since it was shown (`shown_sha256`).
sessions::DraftRecord SaveEdit(sessions::Store& store, const sessions::DraftRecord& draft,
                               const std::string& shown_sha256, const EditCheck& check);

}  // namespace intern::agent
