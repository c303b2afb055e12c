// Drafts and the decisions reviewers make on them (DESIGN §6, §7).
#include "sessions/sha256.h"
#include "sessions/store_internal.h"

namespace intern::sessions {
namespace {

constexpr const char* kDraftColumns =
    "id, session_id, version, status, title, document, sha256, flags, created_at, updated_at, "
    "published_at, published_commit";

DraftRecord ReadDraft(SQLite::Statement& q) {
  DraftRecord d;
  d.id = q.getColumn(0).getString();
  d.session_id = q.getColumn(1).getString();
  d.version = q.getColumn(2).getInt64();
  std::string status = q.getColumn(3).getString();
  auto parsed = ParseDraftStatus(status);
  if (!parsed) {
    throw Error(
        fmt::format("draft {} has a status this build does not know (\"{}\")", d.id, status));
  }
  d.status = *parsed;
  d.title = q.getColumn(4).getString();
  d.document = q.getColumn(5).getString();
  d.sha256 = q.getColumn(6).getString();
  d.flags = SplitJsonArray(q.getColumn(7).getString());
  d.created_at = q.getColumn(8).getString();
  d.updated_at = q.getColumn(9).getString();
  d.published_at = q.getColumn(10).getString();
  d.published_commit = q.getColumn(11).getString();
  return d;
}

std::optional<DraftRecord> SelectDraft(SQLite::Database& db, const std::string& id) {
  SQLite::Statement q(db, fmt::format("SELECT {} FROM drafts WHERE id = ?", kDraftColumns));
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadDraft(q);
}

ApprovalRecord ReadApproval(SQLite::Statement& q) {
  ApprovalRecord a;
  a.id = q.getColumn(0).getInt64();
  a.draft_id = q.getColumn(1).getString();
  std::string decision = q.getColumn(2).getString();
  auto parsed = ParseApprovalDecision(decision);
  if (!parsed) {
    throw Error(fmt::format("approval {} has a decision this build does not know (\"{}\")", a.id,
                            decision));
  }
  a.decision = *parsed;
  a.reviewer = q.getColumn(3).getString();
  a.decided_at = q.getColumn(4).getString();
  a.comment = q.getColumn(5).getString();
  a.sha256 = q.getColumn(6).getString();
  return a;
}

void SetDraftStatus(SQLite::Database& db, const std::string& id, DraftStatus status,
                    const std::string& now) {
  SQLite::Statement q(db, "UPDATE drafts SET status = ?, updated_at = ? WHERE id = ?");
  q.bind(1, DraftStatusName(status));
  q.bind(2, now);
  q.bind(3, id);
  q.exec();
}

DraftStatus StatusAfter(ApprovalDecision decision) {
  switch (decision) {
    case ApprovalDecision::kApprove:
      return DraftStatus::kApproved;
    case ApprovalDecision::kReject:
      return DraftStatus::kRejected;
    case ApprovalDecision::kSendBack:
      return DraftStatus::kSentBack;
  }
  return DraftStatus::kPendingReview;
}

}  // namespace

std::vector<DraftRecord> SelectDraftsOfSession(SQLite::Database& db,
                                               const std::string& session_id) {
  SQLite::Statement q(db, fmt::format("SELECT {} FROM drafts WHERE session_id = ? ORDER BY version",
                                      kDraftColumns));
  q.bind(1, session_id);
  std::vector<DraftRecord> drafts;
  while (q.executeStep()) drafts.push_back(ReadDraft(q));
  return drafts;
}

std::vector<ApprovalRecord> SelectApprovalsOfSession(SQLite::Database& db,
                                                     const std::string& session_id) {
  SQLite::Statement q(db,
                      "SELECT a.id, a.draft_id, a.decision, a.reviewer, a.decided_at, a.comment, "
                      "a.sha256 FROM approvals a JOIN drafts d ON d.id = a.draft_id "
                      "WHERE d.session_id = ? ORDER BY a.id");
  q.bind(1, session_id);
  std::vector<ApprovalRecord> approvals;
  while (q.executeStep()) approvals.push_back(ReadApproval(q));
  return approvals;
}

DraftRecord Store::CreateDraft(DraftRecord draft) {
  return impl_->Run(
      fmt::format("storing a draft of session {}", draft.session_id), [&](SQLite::Database& db) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement exists(db, "SELECT 1 FROM sessions WHERE id = ?");
        exists.bind(1, draft.session_id);
        if (!exists.executeStep()) {
          throw Error(
              fmt::format("cannot store a draft: no session \"{}\" in the session store "
                          "at {}",
                          draft.session_id, impl_->path));
        }
        SQLite::Statement last(db,
                               "SELECT coalesce(max(version), 0) FROM drafts WHERE session_id = ?");
        last.bind(1, draft.session_id);
        last.executeStep();
        draft.version = last.getColumn(0).getInt64() + 1;
        do {
          draft.id = RandomId("d-");
        } while (SelectDraft(db, draft.id).has_value());
        const std::string now = impl_->Now();
        draft.status = DraftStatus::kPendingReview;
        draft.sha256 = Sha256Hex(draft.document);
        draft.created_at = now;
        draft.updated_at = now;
        draft.published_at.clear();
        draft.published_commit.clear();

        SQLite::Statement supersede(db,
                                    "UPDATE drafts SET status = 'superseded', updated_at = ? "
                                    "WHERE session_id = ? AND status IN ('pending_review', "
                                    "'sent_back')");
        supersede.bind(1, now);
        supersede.bind(2, draft.session_id);
        supersede.exec();

        SQLite::Statement q(
            db,
            fmt::format("INSERT INTO drafts ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", kDraftColumns));
        q.bind(1, draft.id);
        q.bind(2, draft.session_id);
        q.bind(3, draft.version);
        q.bind(4, DraftStatusName(draft.status));
        q.bind(5, draft.title);
        q.bind(6, draft.document);
        q.bind(7, draft.sha256);
        q.bind(8, JoinJsonArray(draft.flags));
        q.bind(9, draft.created_at);
        q.bind(10, draft.updated_at);
        q.bind(11, draft.published_at);
        q.bind(12, draft.published_commit);
        q.exec();
        tx.commit();
        return draft;
      });
}

std::optional<DraftRecord> Store::GetDraft(const std::string& id) const {
  return impl_->Run(fmt::format("reading draft {}", id),
                    [&](SQLite::Database& db) { return SelectDraft(db, id); });
}

std::vector<DraftRecord> Store::ListDrafts(std::optional<DraftStatus> status,
                                           const std::string& session_id) const {
  return impl_->Run("listing drafts", [&](SQLite::Database& db) {
    SQLite::Statement q(db, fmt::format("SELECT {} FROM drafts WHERE (?1 IS NULL OR status = ?1) "
                                        "AND (?2 = '' OR session_id = ?2) "
                                        "ORDER BY created_at DESC, rowid DESC",
                                        kDraftColumns));
    if (status) {
      q.bind(1, DraftStatusName(*status));
    } else {
      q.bind(1);
    }
    q.bind(2, session_id);
    std::vector<DraftRecord> drafts;
    while (q.executeStep()) drafts.push_back(ReadDraft(q));
    return drafts;
  });
}

DraftRecord Store::UpdateDraftDocument(const std::string& id, const std::string& document,
                                       const std::vector<std::string>& flags) {
  return impl_->Run(fmt::format("updating draft {}", id), [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::optional<DraftRecord> draft = SelectDraft(db, id);
    if (!draft) {
      throw Error(fmt::format("no draft \"{}\" in the session store at {}", id, impl_->path));
    }
    if (draft->status == DraftStatus::kPublished || draft->status == DraftStatus::kSuperseded) {
      throw Error(fmt::format("draft {} is {} and can no longer be edited", id,
                              DraftStatusName(draft->status)));
    }
    draft->document = document;
    draft->sha256 = Sha256Hex(document);
    draft->flags = flags;
    draft->updated_at = impl_->Now();
    // An approval covers the content it saw; an edit needs a new review.
    if (draft->status == DraftStatus::kApproved) draft->status = DraftStatus::kPendingReview;
    SQLite::Statement q(db,
                        "UPDATE drafts SET document = ?, sha256 = ?, flags = ?, updated_at = ?, "
                        "status = ? WHERE id = ?");
    q.bind(1, draft->document);
    q.bind(2, draft->sha256);
    q.bind(3, JoinJsonArray(draft->flags));
    q.bind(4, draft->updated_at);
    q.bind(5, DraftStatusName(draft->status));
    q.bind(6, id);
    q.exec();
    tx.commit();
    return *draft;
  });
}

ApprovalRecord Store::RecordDecision(const std::string& draft_id, ApprovalDecision decision,
                                     const std::string& reviewer, const std::string& comment,
                                     const std::string& reviewed_sha256) {
  return impl_->Run(
      fmt::format("recording a decision on draft {}", draft_id), [&](SQLite::Database& db) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        std::optional<DraftRecord> draft = SelectDraft(db, draft_id);
        if (!draft) {
          throw Error(
              fmt::format("no draft \"{}\" in the session store at {}", draft_id, impl_->path));
        }
        if (draft->status != DraftStatus::kPendingReview) {
          throw Error(
              fmt::format("draft {} is {}, not pending_review; only a pending draft can "
                          "be decided on",
                          draft_id, DraftStatusName(draft->status)));
        }
        if (reviewed_sha256 != draft->sha256) {
          throw Error(
              fmt::format("draft {} changed while it was being reviewed (reviewed {}, now "
                          "{}); review it again",
                          draft_id, reviewed_sha256.substr(0, 12), draft->sha256.substr(0, 12)));
        }
        ApprovalRecord approval;
        approval.draft_id = draft_id;
        approval.decision = decision;
        approval.reviewer = reviewer;
        approval.decided_at = impl_->Now();
        approval.comment = comment;
        approval.sha256 = draft->sha256;
        SQLite::Statement q(db,
                            "INSERT INTO approvals (draft_id, decision, reviewer, decided_at, "
                            "comment, sha256) VALUES (?,?,?,?,?,?)");
        q.bind(1, approval.draft_id);
        q.bind(2, ApprovalDecisionName(approval.decision));
        q.bind(3, approval.reviewer);
        q.bind(4, approval.decided_at);
        q.bind(5, approval.comment);
        q.bind(6, approval.sha256);
        q.exec();
        approval.id = db.getLastInsertRowid();
        SetDraftStatus(db, draft_id, StatusAfter(decision), approval.decided_at);
        tx.commit();
        return approval;
      });
}

std::vector<ApprovalRecord> Store::ListApprovals(const std::string& draft_id) const {
  return impl_->Run(fmt::format("listing decisions on draft {}", draft_id),
                    [&](SQLite::Database& db) {
                      SQLite::Statement q(db,
                                          "SELECT id, draft_id, decision, reviewer, decided_at, "
                                          "comment, sha256 FROM approvals WHERE draft_id = ? "
                                          "ORDER BY id");
                      q.bind(1, draft_id);
                      std::vector<ApprovalRecord> approvals;
                      while (q.executeStep()) approvals.push_back(ReadApproval(q));
                      return approvals;
                    });
}

void Store::MarkDraftPublished(const std::string& id, const std::string& commit) {
  impl_->Run(fmt::format("marking draft {} published", id), [&](SQLite::Database& db) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    std::optional<DraftRecord> draft = SelectDraft(db, id);
    if (!draft) {
      throw Error(fmt::format("no draft \"{}\" in the session store at {}", id, impl_->path));
    }
    SQLite::Statement latest(db,
                             "SELECT decision, sha256 FROM approvals WHERE draft_id = ? "
                             "ORDER BY id DESC LIMIT 1");
    latest.bind(1, id);
    bool approved_as_is = draft->status == DraftStatus::kApproved && latest.executeStep() &&
                          latest.getColumn(0).getString() == "approve" &&
                          latest.getColumn(1).getString() == draft->sha256 &&
                          // Recomputed: a write behind the store's back changes the document
                          // without its sha256 column.
                          Sha256Hex(draft->document) == draft->sha256;
    if (!approved_as_is) {
      throw Error(
          fmt::format("draft {} cannot be published: it has no approval of its current "
                      "content (see `intern review {}`)",
                      id, id));
    }
    const std::string now = impl_->Now();
    SQLite::Statement q(db,
                        "UPDATE drafts SET status = 'published', published_at = ?, "
                        "published_commit = ?, updated_at = ? WHERE id = ?");
    q.bind(1, now);
    q.bind(2, commit);
    q.bind(3, now);
    q.bind(4, id);
    q.exec();
    tx.commit();
  });
}

}  // namespace intern::sessions
