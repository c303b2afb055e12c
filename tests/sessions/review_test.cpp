#include <catch2/catch.hpp>

#include <SQLiteCpp/SQLiteCpp.h>

#include "config/clock.h"
#include "sessions/sha256.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using testing::MakeSession;

DraftRecord Draft(const std::string& session_id, const std::string& document) {
  DraftRecord d;
  d.session_id = session_id;
  d.title = "A vs B";
  d.document = document;
  d.flags = {"one_sided"};
  return d;
}

TEST_CASE("CreateDraft assigns id, version and fingerprint, and supersedes pending versions") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-1"));
  DraftRecord v1 = store.CreateDraft(Draft("s-1", R"({"v":1})"));
  CHECK(v1.id.rfind("d-", 0) == 0);
  CHECK(v1.id.size() == 10);
  CHECK(v1.version == 1);
  CHECK(v1.status == DraftStatus::kPendingReview);
  CHECK(v1.sha256 == Sha256Hex(R"({"v":1})"));
  CHECK(v1.created_at == "2026-01-01T00:00:00.000Z");
  CHECK(*store.GetDraft(v1.id) == v1);

  DraftRecord v2 = store.CreateDraft(Draft("s-1", R"({"v":2})"));
  CHECK(v2.version == 2);
  CHECK(store.GetDraft(v1.id)->status == DraftStatus::kSuperseded);
  CHECK(store.ListDrafts(DraftStatus::kPendingReview).size() == 1);
  CHECK(store.ListDrafts(std::nullopt, "s-1").size() == 2);
  CHECK_FALSE(store.GetDraft("d-nothere").has_value());
}

TEST_CASE("an approval records reviewer, comment and the fingerprint it saw") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  store.CreateSession(MakeSession("s-1"));
  DraftRecord d = store.CreateDraft(Draft("s-1", R"({"v":1})"));
  clock.Advance(std::chrono::minutes(3));
  ApprovalRecord a =
      store.RecordDecision(d.id, ApprovalDecision::kApprove, "ada", "parity ok", d.sha256);
  CHECK(a.id == 1);
  CHECK(a.decided_at == "2026-01-01T00:03:00.000Z");
  CHECK(a.sha256 == d.sha256);
  CHECK(store.GetDraft(d.id)->status == DraftStatus::kApproved);
  REQUIRE(store.ListApprovals(d.id).size() == 1);
  CHECK(store.ListApprovals(d.id)[0] == a);
}

TEST_CASE("a decision on content the reviewer did not see is refused") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-1"));
  DraftRecord d = store.CreateDraft(Draft("s-1", R"({"v":1})"));
  CHECK_THROWS_WITH(
      store.RecordDecision(d.id, ApprovalDecision::kApprove, "ada", "", Sha256Hex("other")),
      fmt::format("draft {} changed while it was being reviewed (reviewed {}, now {}); review it "
                  "again",
                  d.id, Sha256Hex("other").substr(0, 12), d.sha256.substr(0, 12)));
  CHECK(store.ListApprovals(d.id).empty());
}

TEST_CASE("an edit after approval voids it, and publishing needs an approval of the content") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-1"));
  DraftRecord d = store.CreateDraft(Draft("s-1", R"({"v":1})"));
  store.RecordDecision(d.id, ApprovalDecision::kApprove, "ada", "", d.sha256);
  DraftRecord edited = store.UpdateDraftDocument(d.id, R"({"v":"edited"})", {});
  CHECK(edited.status == DraftStatus::kPendingReview);
  CHECK(edited.sha256 == Sha256Hex(R"({"v":"edited"})"));
  CHECK(edited.flags.empty());
  CHECK_THROWS_WITH(store.MarkDraftPublished(d.id, "abc123"),
                    fmt::format("draft {} cannot be published: it has no approval of its current "
                                "content (see `intern review {}`)",
                                d.id, d.id));
  store.RecordDecision(d.id, ApprovalDecision::kApprove, "ada", "", edited.sha256);
  store.MarkDraftPublished(d.id, "abc123");
  DraftRecord published = *store.GetDraft(d.id);
  CHECK(published.status == DraftStatus::kPublished);
  CHECK(published.published_commit == "abc123");
  CHECK_THROWS_WITH(store.UpdateDraftDocument(d.id, "{}", {}),
                    fmt::format("draft {} is published and can no longer be edited", d.id));
}

TEST_CASE("publishing is refused when the document was changed behind the store's back") {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() / "intern.db";
  std::string id;
  {
    Store store = Store::Open(path);
    store.CreateSession(MakeSession("s-1"));
    DraftRecord d = store.CreateDraft(Draft("s-1", R"({"v":1})"));
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ada", "", d.sha256);
    id = d.id;
  }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(raw, "UPDATE drafts SET document = ? WHERE id = ?");
    q.bind(1, R"({"v":"tampered"})");
    q.bind(2, id);
    REQUIRE(q.exec() == 1);
  }
  Store store = Store::Open(path);
  CHECK_THROWS_WITH(store.MarkDraftPublished(id, "abc123"),
                    fmt::format("draft {} cannot be published: it has no approval of its current "
                                "content (see `intern review {}`)",
                                id, id));
  CHECK(store.GetDraft(id)->status == DraftStatus::kApproved);
}

TEST_CASE("reject and send back move the draft and a decided draft takes no second decision") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-1"));
  DraftRecord d = store.CreateDraft(Draft("s-1", "{}"));
  store.RecordDecision(d.id, ApprovalDecision::kSendBack, "ada", "add pricing", d.sha256);
  CHECK(store.GetDraft(d.id)->status == DraftStatus::kSentBack);
  CHECK_THROWS_WITH(store.RecordDecision(d.id, ApprovalDecision::kReject, "bob", "", d.sha256),
                    fmt::format("draft {} is sent_back, not pending_review; only a pending draft "
                                "can be decided on",
                                d.id));
  // The revision supersedes the sent-back draft.
  DraftRecord revised = store.CreateDraft(Draft("s-1", R"({"pricing":1})"));
  CHECK(store.GetDraft(d.id)->status == DraftStatus::kSuperseded);
  store.RecordDecision(revised.id, ApprovalDecision::kReject, "bob", "off topic", revised.sha256);
  CHECK(store.GetDraft(revised.id)->status == DraftStatus::kRejected);
}

TEST_CASE("a session's history carries its drafts and the decisions on them") {
  Store store = Store::OpenInMemory();
  store.CreateSession(MakeSession("s-1"));
  store.CreateSession(MakeSession("s-2"));
  DraftRecord d1 = store.CreateDraft(Draft("s-1", R"({"v":1})"));
  store.RecordDecision(d1.id, ApprovalDecision::kSendBack, "ada", "more", d1.sha256);
  DraftRecord d2 = store.CreateDraft(Draft("s-1", R"({"v":2})"));
  store.RecordDecision(d2.id, ApprovalDecision::kApprove, "ada", "", d2.sha256);
  DraftRecord other = store.CreateDraft(Draft("s-2", "{}"));
  store.RecordDecision(other.id, ApprovalDecision::kReject, "bob", "", other.sha256);

  SessionHistory h = *store.LoadHistory("s-1");
  REQUIRE(h.drafts.size() == 2);
  CHECK(h.drafts[0].id == d1.id);
  CHECK(h.drafts[0].status == DraftStatus::kSuperseded);
  CHECK(h.drafts[1].id == d2.id);
  CHECK(h.drafts[1].status == DraftStatus::kApproved);
  REQUIRE(h.approvals.size() == 2);
  CHECK(h.approvals[0].decision == ApprovalDecision::kSendBack);
  CHECK(h.approvals[1].draft_id == d2.id);
}

}  // namespace
}  // namespace intern::sessions
