#include "agent/review/review_prompt.h"

#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "agent/comparison_json.h"
#include "agent/review/approval_check.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// One answer line, trimmed; nullopt at end of input.
std::optional<std::string> Ask(const ReviewTerminal& t, const std::string& question) {
  t.out << question << std::flush;
  std::string line;
  if (!std::getline(t.in, line)) {
    t.out << "\n";
    return std::nullopt;
  }
  return Trim(line);
}

sessions::DraftRecord Load(const ReviewServices& services, const std::string& id) {
  Result<sessions::DraftRecord> d = FindDraft(services.store, id);
  if (!d.ok()) throw Error(d.message());
  return d.value();
}

enum class EditEnd { kSaved, kDiscarded, kEndOfInput };

// The edit loop; on kSaved `draft` is the stored new version.
EditEnd Edit(const ReviewServices& services, const ReviewTerminal& t, sessions::DraftRecord& draft,
             const std::string& shown_sha) {
  std::string text = draft.document;
  // Pretty-print so the operator edits a readable file (the stored form is already indented,
  // but an older or hand-written document may not be).
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_discarded())
    text = parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string original = text;
  while (true) {
    Result<std::string> edited = t.edit(text);
    if (!edited.ok()) {
      t.out << "Not done: " << edited.message() << "\n";
      return EditEnd::kDiscarded;
    }
    text = edited.value();
    // Unchanged means the same JSON value: an editor may add a newline or re-indent on save.
    nlohmann::json before = nlohmann::json::parse(original, nullptr, false);
    nlohmann::json after = nlohmann::json::parse(text, nullptr, false);
    // A document changed outside intern no longer matches its stored fingerprint: saving it
    // unchanged is how the operator takes it as it is, so that is not "no change".
    const bool consistent = draft.sha256 == ShownSha256(draft);
    if (consistent && (text == original || (!after.is_discarded() && after == before))) {
      t.out << "No change.\n";
      return EditEnd::kDiscarded;
    }
    EditCheck check = CheckEdit(services.store, draft, text);
    if (check.ok()) {
      draft = SaveEdit(services.store, draft, shown_sha, check);
      t.out << fmt::format("Saved the edit of {} (content {}); any earlier approval is void.\n",
                           draft.id, draft.sha256.substr(0, 12));
      for (const auto& p : check.problems) t.out << "Flag: " << p.message << "\n";
      return EditEnd::kSaved;
    }
    t.out << "The edit was not saved; it has these problems:\n" << FormatEditProblems(check);
    while (true) {
      std::optional<std::string> answer = Ask(t, "[e]dit again or [d]iscard > ");
      if (!answer) return EditEnd::kEndOfInput;
      if (*answer == "e") break;
      if (*answer == "d") {
        t.out << "Discarded the edit; the draft is unchanged.\n";
        return EditEnd::kDiscarded;
      }
      t.out << "Type e or d.\n";
    }
  }
}

}  // namespace

const char* ReviewEndName(ReviewEnd end) {
  switch (end) {
    case ReviewEnd::kApproved:
      return "approved";
    case ReviewEnd::kRejected:
      return "rejected";
    case ReviewEnd::kSentBack:
      return "sent_back";
    case ReviewEnd::kSkipped:
      return "skipped";
  }
  return "skipped";
}

void ReportApproval(const ReviewServices& services, const sessions::ApprovalRecord& approval,
                    std::ostream& out) {
  out << fmt::format("Approved {} as {} (content {}).\n", approval.draft_id, approval.reviewer,
                     approval.sha256.substr(0, 12));
  if (std::string reason = OverrideReasonIn(approval.comment); !reason.empty()) {
    out << "One-sided override: " << reason << "\n";
  }
  if (!services.on_approved) return;
  Result<std::string> published = services.on_approved(approval.draft_id);
  if (published.ok()) {
    out << "Published: " << published.value() << "\n";
  } else {
    out << "Not published: " << published.message() << "\n";
  }
}

void ReportSendBack(const SendBackOutcome& outcome, const std::string& session_id,
                    std::ostream& out) {
  out << fmt::format("Sent {} back to session {}.\n", outcome.decision.draft_id, session_id);
  if (!outcome.revised) {
    out << "Nothing here runs the agent, so nobody revised it; it stays sent back.\n";
    return;
  }
  if (!outcome.new_draft_id.empty()) {
    out << fmt::format("Revised: draft {} (version {}) is pending review; `intern review {}`.\n",
                       outcome.new_draft_id, outcome.new_version, outcome.new_draft_id);
    return;
  }
  // The loop's own sentence is written for `intern compare` ("the draft below ..."); here the
  // status says enough.
  const sessions::SessionStatus status =
      outcome.loop ? outcome.loop->status : sessions::SessionStatus::kFailed;
  const bool resumable =
      status == sessions::SessionStatus::kInterrupted || status == sessions::SessionStatus::kFailed;
  out << fmt::format(
      "The revision stopped ({}) before a new draft; {} stays sent back. {}\n",
      sessions::SessionStatusName(status), outcome.decision.draft_id,
      resumable ? fmt::format("`intern sessions resume {}` continues the revision.", session_id)
                : std::string("The session keeps its cap and budget: reject the "
                              "draft or start a new comparison."));
}

ReviewEnd ReviewInteractively(const ReviewServices& services, const ReviewTerminal& t,
                              const std::string& draft_id) {
  sessions::DraftRecord draft = Load(services, draft_id);
  // An approved draft whose approval no longer holds (changed since, by an edit or outside
  // intern) is shown too, so the operator can edit it back into review.
  ApprovalState approval = CheckApproval(services.store, draft.id);
  const bool void_approval =
      draft.status == sessions::DraftStatus::kApproved && !approval.approved();
  if (draft.status != sessions::DraftStatus::kPendingReview && !void_approval) {
    throw Error(
        fmt::format("draft {} is {}, not pending review; `intern review` lists the "
                    "drafts waiting for review",
                    draft.id, sessions::DraftStatusName(draft.status)));
  }
  std::string shown_sha = ShownSha256(draft);
  t.show(RenderReview(services.store, draft));
  if (void_approval) {
    t.out << fmt::format(
        "The approval of {} no longer holds: {}. Edit it (e) to put it back in "
        "review.\n",
        draft.id, approval.reason);
  }
  while (true) {
    std::optional<std::string> answer =
        Ask(t, "[a]pprove  [r]eject  [e]dit  [s]end back  s[k]ip > ");
    if (!answer || *answer == "k") {
      t.out << fmt::format("Skipped {}; it stays {}.\n", draft.id,
                           draft.status == sessions::DraftStatus::kPendingReview
                               ? "pending review"
                               : sessions::DraftStatusName(draft.status));
      return ReviewEnd::kSkipped;
    }
    const bool decision = *answer == "a" || *answer == "r" || *answer == "s";
    if (decision && draft.status != sessions::DraftStatus::kPendingReview) {
      t.out << fmt::format(
          "Not done: draft {} is {}, not pending review; only an edit (e) puts "
          "it back in review.\n",
          draft.id, sessions::DraftStatusName(draft.status));
      continue;
    }
    if (*answer == "a") {
      std::string override_reason;
      if (IsOneSided(draft)) {
        Result<Comparison> doc = ComparisonFromJson(draft.document);
        bool document_override = doc.ok() && !Trim(doc.value().override_comment).empty();
        if (!document_override) {
          t.out << "This draft is one-sided: its evidence does not cover both tools comparably.\n";
          std::optional<std::string> reason =
              Ask(t, "Override reason (why it is fair; blank cancels) > ");
          if (!reason) return ReviewEnd::kSkipped;
          if (reason->empty()) continue;
          override_reason = *reason;
        }
      }
      std::optional<std::string> comment = Ask(t, "Comment (optional) > ");
      if (!comment) return ReviewEnd::kSkipped;
      Result<sessions::ApprovalRecord> approval =
          Approve(services, draft.id, shown_sha, *comment, override_reason);
      if (!approval.ok()) {
        t.out << "Not done: " << approval.message() << "\n";
        continue;
      }
      ReportApproval(services, approval.value(), t.out);
      return ReviewEnd::kApproved;
    }
    if (*answer == "r") {
      std::optional<std::string> reason = Ask(t, "Reason for rejecting (blank cancels) > ");
      if (!reason) return ReviewEnd::kSkipped;
      if (reason->empty()) continue;
      Result<sessions::ApprovalRecord> rejection = Reject(services, draft.id, shown_sha, *reason);
      if (!rejection.ok()) {
        t.out << "Not done: " << rejection.message() << "\n";
        continue;
      }
      t.out << fmt::format("Rejected {}: {}\n", draft.id, *reason);
      return ReviewEnd::kRejected;
    }
    if (*answer == "e") {
      EditEnd end = Edit(services, t, draft, shown_sha);
      if (end == EditEnd::kEndOfInput) return ReviewEnd::kSkipped;
      if (end == EditEnd::kSaved) {
        shown_sha = ShownSha256(draft);
        t.show(RenderReview(services.store, draft));
      }
      continue;
    }
    if (*answer == "s") {
      std::optional<std::string> feedback =
          Ask(t, "Feedback for the agent (what to change; blank cancels) > ");
      if (!feedback) return ReviewEnd::kSkipped;
      if (feedback->empty()) continue;
      Result<SendBackOutcome> sent = SendBack(services, draft.id, shown_sha, *feedback);
      if (!sent.ok()) {
        t.out << "Not done: " << sent.message() << "\n";
        continue;
      }
      ReportSendBack(sent.value(), draft.session_id, t.out);
      return ReviewEnd::kSentBack;
    }
    t.out << "Type a, r, e, s or k.\n";
  }
}

}  // namespace intern::agent
