#include "agent/review/review_actions.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "agent/comparison_json.h"
#include "agent/comparison_markdown.h"
#include "agent/review/approval_check.h"
#include "agent/review/comparison_diff.h"
#include "agent/review/feedback.h"
#include "config/clock.h"
#include "sessions/sha256.h"
#include "sessions/store.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// Refusals every decision shares; nullopt when the decision may be recorded.
std::optional<Failure> Undecidable(const ReviewServices& services,
                                   const sessions::DraftRecord& draft) {
  if (Blank(services.reviewer)) {
    return Failure{ErrorCode::kInvalidArgument,
                   "no reviewer name: pass --reviewer NAME, or set git's user.name or $USER"};
  }
  if (draft.status != sessions::DraftStatus::kPendingReview) {
    return Failure{ErrorCode::kInvalidArgument,
                   fmt::format("draft {} is {}, not pending review; only a pending draft can be "
                               "decided on",
                               draft.id, sessions::DraftStatusName(draft.status))};
  }
  return std::nullopt;
}

Result<sessions::DraftRecord> Decidable(const ReviewServices& services, const std::string& draft_id,
                                        const std::string& shown_sha256) {
  Result<sessions::DraftRecord> draft = FindDraft(services.store, draft_id);
  if (!draft.ok()) return draft;
  const sessions::DraftRecord& d = draft.value();
  if (auto refusal = Undecidable(services, d)) return *refusal;
  const std::string now = ShownSha256(d);
  if (now != d.sha256) {
    return Failure{ErrorCode::kInvalidArgument,
                   fmt::format("draft {} was changed outside intern (its document no longer "
                               "matches its fingerprint); save an edit of it with `intern review "
                               "{}` to take it as it is, or reject it",
                               d.id, d.id)};
  }
  if (now != shown_sha256) {
    return Failure{ErrorCode::kInvalidArgument,
                   fmt::format("draft {} changed while it was being reviewed (reviewed {}, now "
                               "{}); review it again",
                               d.id, shown_sha256.substr(0, 12), now.substr(0, 12))};
  }
  return draft;
}

EvidenceLookup SessionLookup(const tools::StoreLedger& ledger, const std::string& session_id) {
  return [&ledger, session_id](const std::string& id) -> std::optional<tools::EvidenceRecord> {
    std::optional<tools::EvidenceRecord> record = ledger.Get(id);
    if (record && record->session_id != session_id) return std::nullopt;
    return record;
  };
}

}  // namespace

std::string ShownSha256(const sessions::DraftRecord& draft) {
  return sessions::Sha256Hex(draft.document);
}

Result<sessions::DraftRecord> FindDraft(const sessions::Store& store, const std::string& id) {
  if (auto d = store.GetDraft(id)) return *d;
  std::vector<sessions::DraftRecord> matches;
  if (!id.empty()) {
    for (const auto& d : store.ListDrafts()) {
      if (d.id.rfind(id, 0) == 0) matches.push_back(d);
    }
  }
  if (matches.size() == 1) return matches[0];
  if (matches.size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" matches several drafts; give more of the id", id));
  }
  return Fail(ErrorCode::kNotFound,
              fmt::format("there is no draft \"{}\"; `intern review` lists the drafts waiting "
                          "for review",
                          id));
}

bool IsOneSided(const sessions::DraftRecord& draft) {
  if (std::find(draft.flags.begin(), draft.flags.end(), "one_sided") != draft.flags.end()) {
    return true;
  }
  Result<Comparison> doc = ComparisonFromJson(draft.document);
  return doc.ok() && doc.value().flags.one_sided;
}

std::vector<PendingDraft> ListPending(const sessions::Store& store,
                                      std::chrono::system_clock::time_point now) {
  std::vector<PendingDraft> out;
  for (const sessions::DraftRecord& d : store.ListDrafts(sessions::DraftStatus::kPendingReview)) {
    PendingDraft p;
    p.id = d.id;
    p.session_id = d.session_id;
    p.version = d.version;
    p.title = d.title;
    p.created_at = d.created_at;
    p.age = FormatAge(d.created_at, now);
    p.flags = d.flags;
    Result<Comparison> doc = ComparisonFromJson(d.document);
    if (doc.ok()) {
      p.cost_usd = doc.value().cost.usd;
      p.tokens = doc.value().cost.tokens;
      if (doc.value().flags.over_budget &&
          std::find(p.flags.begin(), p.flags.end(), "over_budget") == p.flags.end()) {
        p.flags.push_back("over_budget");
      }
      if (doc.value().flags.one_sided &&
          std::find(p.flags.begin(), p.flags.end(), "one_sided") == p.flags.end()) {
        p.flags.push_back("one_sided");
      }
    } else {
      p.flags.push_back("unreadable");
    }
    if (auto session = store.GetSession(d.session_id)) {
      if (session->status == sessions::SessionStatus::kOverBudget &&
          std::find(p.flags.begin(), p.flags.end(), "over_budget") == p.flags.end()) {
        p.flags.push_back("over_budget");
      }
    }
    if (PublishedPredecessor(store, d)) p.flags.push_back("republish");
    out.push_back(std::move(p));
  }
  return out;
}

std::string RenderReview(const sessions::Store& store, const sessions::DraftRecord& draft) {
  std::string out;
  const std::string sha = ShownSha256(draft);
  out += fmt::format("Draft {} · version {} · {} · session {}\n", draft.id, draft.version,
                     sessions::DraftStatusName(draft.status), draft.session_id);
  std::string flags;
  for (const auto& f : draft.flags) flags += (flags.empty() ? "" : ", ") + f;
  out += fmt::format("Flags: {}\n", flags.empty() ? "none" : flags);
  out += fmt::format("SHA-256: {}\n", sha);
  Result<Comparison> doc = ComparisonFromJson(draft.document);
  if (doc.ok()) {
    out += fmt::format("Draft cost: ${:.4f} · {} tokens\n", doc.value().cost.usd,
                       doc.value().cost.tokens);
  }
  if (auto session = store.GetSession(draft.session_id)) {
    const sessions::SessionCaps& caps = session->caps;
    out += fmt::format(
        "Session: {} · {} of {} iterations · {} tokens{} · ${:.4f}{}\n",
        sessions::SessionStatusName(session->status), session->iterations,
        caps.max_iterations > 0 ? std::to_string(caps.max_iterations) : std::string("∞"),
        session->usage.total(),
        caps.budget_tokens > 0 ? fmt::format(" of {}", caps.budget_tokens) : std::string(),
        session->cost_usd,
        caps.budget_usd > 0 ? fmt::format(" of ${:.2f}", caps.budget_usd) : std::string());
  }
  if (IsOneSided(draft)) {
    out += "One-sided: approving it needs an override reason saying why it is fair.\n";
  }
  if (!doc.ok()) {
    out += fmt::format("\nThis draft does not read as a comparison ({}); its JSON:\n\n{}\n",
                       doc.message(), draft.document);
    return out;
  }
  if (auto published = PublishedPredecessor(store, draft)) {
    Result<Comparison> before = ComparisonFromJson(published->document);
    out += fmt::format("\nChanges since the published version (draft {}, published {}):\n",
                       published->id, published->published_at);
    out += RenderDiff(DiffComparisons(before.value(), doc.value()));
  }
  out += "\n" + RenderMarkdown(doc.value());
  return out;
}

Result<sessions::ApprovalRecord> Approve(const ReviewServices& services,
                                         const std::string& draft_id,
                                         const std::string& shown_sha256,
                                         const std::string& comment,
                                         const std::string& override_reason) {
  Result<sessions::DraftRecord> draft = Decidable(services, draft_id, shown_sha256);
  if (!draft.ok()) return draft.failure();
  const sessions::DraftRecord& d = draft.value();
  if (IsOneSided(d) && Blank(override_reason)) {
    Result<Comparison> doc = ComparisonFromJson(d.document);
    bool document_override = doc.ok() && !Blank(doc.value().override_comment);
    if (!document_override) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("draft {} is one-sided (its evidence does not cover both tools "
                              "comparably); approve it only with --override \"why it is fair\"",
                              d.id));
    }
  }
  return services.store.RecordDecision(d.id, sessions::ApprovalDecision::kApprove,
                                       services.reviewer, ApprovalComment(comment, override_reason),
                                       shown_sha256);
}

Result<sessions::ApprovalRecord> Reject(const ReviewServices& services, const std::string& draft_id,
                                        const std::string& shown_sha256,
                                        const std::string& reason) {
  if (Blank(reason)) {
    return Fail(ErrorCode::kInvalidArgument, "a rejection needs a reason: say what is wrong");
  }
  Result<sessions::DraftRecord> draft = Decidable(services, draft_id, shown_sha256);
  if (!draft.ok()) return draft.failure();
  return services.store.RecordDecision(draft.value().id, sessions::ApprovalDecision::kReject,
                                       services.reviewer, reason, shown_sha256);
}

Result<SendBackOutcome> SendBack(const ReviewServices& services, const std::string& draft_id,
                                 const std::string& shown_sha256, const std::string& feedback) {
  if (Blank(feedback)) {
    return Fail(ErrorCode::kInvalidArgument, "sending back needs feedback: say what to change");
  }
  Result<sessions::DraftRecord> draft = Decidable(services, draft_id, shown_sha256);
  if (!draft.ok()) return draft.failure();
  const sessions::DraftRecord& d = draft.value();
  SendBackOutcome outcome;
  outcome.decision = services.store.RecordDecision(d.id, sessions::ApprovalDecision::kSendBack,
                                                   services.reviewer, feedback, shown_sha256);
  if (!services.revise) return outcome;
  outcome.revised = true;
  outcome.loop = services.revise(d.session_id, ReviewerFeedbackMessage(d.id, d.version, feedback));
  for (const auto& p :
       services.store.ListDrafts(sessions::DraftStatus::kPendingReview, d.session_id)) {
    if (p.version > d.version) {
      outcome.new_draft_id = p.id;
      outcome.new_version = p.version;
      break;
    }
  }
  return outcome;
}

bool EditCheck::ok() const {
  return document.has_value() && shape_problems.empty() && Storable(problems);
}

EditCheck CheckEdit(sessions::Store& store, const sessions::DraftRecord& draft,
                    const std::string& edited_json) {
  EditCheck check;
  nlohmann::json value = nlohmann::json::parse(edited_json, nullptr, false);
  if (value.is_discarded()) {
    Result<Comparison> parsed = ComparisonFromJson(edited_json);
    check.shape_problems.push_back(parsed.ok() ? "not JSON" : parsed.message());
    return check;
  }
  ParsedComparison parsed = ParseComparison(value);
  if (!parsed.problems.empty()) {
    check.shape_problems = parsed.problems;
    return check;
  }
  Comparison doc = std::move(parsed.comparison);
  // The operator edits content; who made it and for which session is not theirs to change.
  Result<Comparison> before = ComparisonFromJson(draft.document);
  if (before.ok()) {
    doc.session = before.value().session;
    doc.provider = before.value().provider;
    doc.model = before.value().model;
    doc.cost = before.value().cost;
    doc.generated_at = before.value().generated_at;
    doc.flags.over_budget = before.value().flags.over_budget;
  }
  tools::StoreLedger ledger(store, draft.session_id);
  EvidenceLookup lookup = SessionLookup(ledger, draft.session_id);
  PrepareForValidation(doc, lookup);
  check.problems = Validate(doc, lookup);
  check.document = std::move(doc);
  return check;
}

std::string FormatEditProblems(const EditCheck& check) {
  std::string out;
  for (const auto& p : check.shape_problems) out += "- " + p + "\n";
  if (check.shape_problems.empty()) out += FormatProblems(check.problems);
  return out;
}

sessions::DraftRecord SaveEdit(sessions::Store& store, const sessions::DraftRecord& draft,
                               const std::string& shown_sha256, const EditCheck& check) {
  if (!check.ok()) throw Error(fmt::format("the edit of draft {} is not valid", draft.id));
  std::optional<sessions::DraftRecord> now = store.GetDraft(draft.id);
  if (!now || ShownSha256(*now) != shown_sha256) {
    throw Error(
        fmt::format("draft {} changed while it was being edited; review it again", draft.id));
  }
  std::vector<std::string> flags;
  if (check.document->flags.one_sided) flags.push_back("one_sided");
  if (std::find(draft.flags.begin(), draft.flags.end(), "offline") != draft.flags.end()) {
    flags.push_back("offline");
  }
  flags.push_back("edited");
  return store.UpdateDraftDocument(draft.id, ComparisonToJson(*check.document), flags);
}

}  // namespace intern::agent
