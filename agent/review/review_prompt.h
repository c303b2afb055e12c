#pragma once
// The interactive review of one draft (`intern review ID`, DESIGN §7): show it, then ask
//
//   [a]pprove  [r]eject  [e]dit  [s]end back  s[k]ip >
//
// and act on the answer (one line each; a blank or unknown answer asks again):
//   a  a one-sided draft first asks for the override reason (blank cancels back to the
//      question); then an optional comment; records the approval and runs the auto-publish seam.
//   r  asks for the reason (blank cancels); records the rejection.
//   e  opens the document's JSON in the editor; a valid edit is stored (voiding any approval) and
//      the new content shown and asked about again; an invalid edit lists its problems and asks
//      "[e]dit again or [d]iscard >" (edit again reopens the editor on the operator's text). An
//      unchanged file changes nothing.
//   s  asks for feedback (blank cancels); records the send-back and runs the revision; reports
//      the new pending version, or how the session stopped without one.
//   k  leaves the draft pending.
// An approved draft whose approval no longer holds (CheckApproval: changed since approval, e.g.
// its document was rewritten outside intern) is shown as well, with the reason; only an edit
// helps it (saving it, even unchanged when its fingerprint is stale, puts it back to pending).
// End of input at any question counts as skip: nothing is decided by accident.
// Refusals (Failure from review_actions) are printed as "Not done: <sentence>" and the question
// is asked again. intern::Error from the store propagates.

#include <functional>
#include <iosfwd>
#include <string>

#include "agent/review/review_actions.h"

namespace intern::agent {

struct ReviewTerminal {
  std::istream& in;
  std::ostream& out;
  // Shows a rendered draft (the pager, or inline).
  std::function<void(const std::string& text)> show;
  // Lets the operator edit `text`; returns the edited text (agent/review/terminal.h).
  std::function<Result<std::string>(const std::string& text)> edit;
};

enum class ReviewEnd { kApproved, kRejected, kSentBack, kSkipped };
const char* ReviewEndName(ReviewEnd end);  // "approved", "rejected", "sent_back", "skipped"

ReviewEnd ReviewInteractively(const ReviewServices& services, const ReviewTerminal& terminal,
                              const std::string& draft_id);

// The lines a recorded approval gets: "Approved d-x as NAME (content 1a2b3c4d5e6f)." plus the
// override, then the auto-publish seam's outcome ("Published: ..." / "Not published: ...").
void ReportApproval(const ReviewServices& services, const sessions::ApprovalRecord& approval,
                    std::ostream& out);

// "Sent d-x back to session s-y." then the revision's outcome:
// "Revised: draft d-z (version 2) is pending review." or
// "The revision stopped (capped) before a new draft; d-x stays sent back. ..."
void ReportSendBack(const SendBackOutcome& outcome, const std::string& session_id,
                    std::ostream& out);

}  // namespace intern::agent
