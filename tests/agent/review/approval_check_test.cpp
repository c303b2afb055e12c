#include "agent/review/approval_check.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

#include "agent/comparison_json.h"
#include "config/clock.h"
#include "sessions/sha256.h"
#include "sessions/store.h"
#include "tests/agent/comparison_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using sessions::ApprovalDecision;
using sessions::DraftRecord;
using sessions::Store;

sessions::Session NewSession(const std::string& id) {
  sessions::Session s;
  s.id = id;
  s.kind = "compare";
  s.title = "Gemma 3n vs SmolVLM2";
  return s;
}

DraftRecord Stored(Store& store, const Comparison& doc, std::vector<std::string> flags = {}) {
  store.CreateSession(NewSession("s-1"));
  DraftRecord d;
  d.session_id = "s-1";
  d.title = doc.title;
  d.document = ComparisonToJson(doc);
  d.flags = std::move(flags);
  return store.CreateDraft(d);
}

TEST_CASE("CheckApproval: an unknown draft is reported as such") {
  Store store = Store::OpenInMemory();
  ApprovalState s = CheckApproval(store, "d-nothere");
  CHECK(s.status == ApprovalStatus::kNoSuchDraft);
  CHECK(s.reason ==
        "there is no draft \"d-nothere\" in the store; `intern review` lists the pending drafts");
}

TEST_CASE("CheckApproval: a pending, rejected or sent-back draft was never approved") {
  Store store = Store::OpenInMemory();
  DraftRecord d = Stored(store, testing::SampleComparison());
  CHECK(CheckApproval(store, d.id).status == ApprovalStatus::kNeverApproved);
  store.RecordDecision(d.id, ApprovalDecision::kReject, "ana", "thin", d.sha256);
  ApprovalState s = CheckApproval(store, d.id);
  CHECK(s.status == ApprovalStatus::kNeverApproved);
  CHECK_FALSE(s.approval.has_value());
  CHECK(s.reason == fmt::format("draft {} has not been approved; approve it first with `intern "
                                "review {}`",
                                d.id, d.id));
}

TEST_CASE("CheckApproval: an approval of the current content holds") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  DraftRecord d = Stored(store, testing::SampleComparison());
  store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "fine", d.sha256);
  ApprovalState s = CheckApproval(store, d.id);
  CHECK(s.status == ApprovalStatus::kApproved);
  CHECK(s.approved());
  CHECK(s.reason.empty());
  REQUIRE(s.approval.has_value());
  CHECK(s.approval->reviewer == "ana");
  CHECK(s.document_sha256 == d.sha256);
  CHECK(s.override_reason.empty());
}

TEST_CASE("CheckApproval: an edit through the store after approval voids the approval") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  DraftRecord d = Stored(store, testing::SampleComparison());
  store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "", d.sha256);
  Comparison edited = testing::SampleComparison();
  edited.question = "Which one should a small team pick?";
  DraftRecord after = store.UpdateDraftDocument(d.id, ComparisonToJson(edited), {});
  ApprovalState s = CheckApproval(store, d.id);
  CHECK(s.status == ApprovalStatus::kChangedSinceApproval);
  CHECK(s.reason == fmt::format("draft {} changed after ana approved it on "
                                "2026-01-01T00:00:00.000Z (approved content {}, stored now {}, "
                                "status pending_review); review it again with `intern review {}`",
                                d.id, d.sha256.substr(0, 12), after.sha256.substr(0, 12), d.id));
}

TEST_CASE("CheckApproval: an edit back to the approved bytes still needs a new review") {
  Store store = Store::OpenInMemory();
  DraftRecord d = Stored(store, testing::SampleComparison());
  store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "", d.sha256);
  store.UpdateDraftDocument(d.id, d.document, d.flags);
  CHECK(CheckApproval(store, d.id).status == ApprovalStatus::kChangedSinceApproval);
}

TEST_CASE("CheckApproval: a document changed by raw SQL after approval is caught") {
  intern::testing::TempDir dir;
  const std::string path = (dir.path() / "intern.db").string();
  std::string id;
  {
    Store store = Store::Open(path);
    DraftRecord d = Stored(store, testing::SampleComparison());
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "", d.sha256);
    REQUIRE(CheckApproval(store, d.id).approved());
    id = d.id;
  }
  SECTION("the document alone") {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    SQLite::Statement q(raw,
                        "UPDATE drafts SET document = replace(document, 'Gemma', 'Gemmo') "
                        "WHERE id = ?");
    q.bind(1, id);
    REQUIRE(q.exec() == 1);
  }
  SECTION("the document and its fingerprint column") {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    SQLite::Statement read(raw, "SELECT document FROM drafts WHERE id = ?");
    read.bind(1, id);
    REQUIRE(read.executeStep());
    std::string doc = read.getColumn(0).getString();
    doc.replace(doc.find("Gemma"), 5, "Gemmo");
    SQLite::Statement q(raw, "UPDATE drafts SET document = ?, sha256 = ? WHERE id = ?");
    q.bind(1, doc);
    q.bind(2, sessions::Sha256Hex(doc));
    q.bind(3, id);
    REQUIRE(q.exec() == 1);
  }
  Store store = Store::Open(path);
  ApprovalState s = CheckApproval(store, id);
  CHECK(s.status == ApprovalStatus::kChangedSinceApproval);
  CHECK(s.document_sha256 == sessions::Sha256Hex(store.GetDraft(id)->document));
  CHECK(s.reason.find("status approved") != std::string::npos);
}

TEST_CASE("CheckApproval: a one-sided draft needs an override reason in its approval") {
  Store store = Store::OpenInMemory();
  Comparison doc = testing::SampleComparison();
  SECTION("flagged in the store's flags column") {
    DraftRecord d = Stored(store, doc, {"one_sided"});
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "looks fine", d.sha256);
    ApprovalState s = CheckApproval(store, d.id);
    CHECK(s.status == ApprovalStatus::kOneSidedWithoutOverride);
    CHECK(s.reason == fmt::format("draft {} is one-sided and was approved without an override "
                                  "reason, so it cannot be published; a one-sided draft is "
                                  "approved with `intern review ID --approve --override \"why it "
                                  "is fair\"`",
                                  d.id));
  }
  SECTION("flagged only inside the document") {
    doc.flags.one_sided = true;
    DraftRecord d = Stored(store, doc);
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "", d.sha256);
    CHECK(CheckApproval(store, d.id).status == ApprovalStatus::kOneSidedWithoutOverride);
  }
  SECTION("with an override line the approval holds") {
    DraftRecord d = Stored(store, doc, {"one_sided"});
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana",
                         ApprovalComment("looks fine", "vendor docs are all there is"), d.sha256);
    ApprovalState s = CheckApproval(store, d.id);
    CHECK(s.status == ApprovalStatus::kApproved);
    CHECK(s.override_reason == "vendor docs are all there is");
  }
  SECTION("an override comment an operator wrote into the document counts") {
    doc.flags.one_sided = true;
    doc.override_comment = "only one vendor publishes numbers";
    DraftRecord d = Stored(store, doc);
    store.RecordDecision(d.id, ApprovalDecision::kApprove, "ana", "", d.sha256);
    ApprovalState s = CheckApproval(store, d.id);
    CHECK(s.status == ApprovalStatus::kApproved);
    CHECK(s.override_reason == "only one vendor publishes numbers");
  }
}

TEST_CASE("ApprovalComment puts the override on its own line and OverrideReasonIn reads it") {
  CHECK(ApprovalComment("", "") == "");
  CHECK(ApprovalComment(" ok ", "") == "ok");
  CHECK(ApprovalComment("", "fair") == "Override: fair");
  CHECK(ApprovalComment("ok", "fair\nreally") == "ok\nOverride: fair really");
  CHECK(OverrideReasonIn("ok\nOverride: fair really") == "fair really");
  CHECK(OverrideReasonIn("Override:   ") == "");
  CHECK(OverrideReasonIn("no override here") == "");
  CHECK(OverrideReasonIn("Override: a\nOverride: b") == "b");
}

TEST_CASE("ApprovalStatusName names every outcome") {
  CHECK(std::string(ApprovalStatusName(ApprovalStatus::kApproved)) == "approved");
  CHECK(std::string(ApprovalStatusName(ApprovalStatus::kNoSuchDraft)) == "no_such_draft");
  CHECK(std::string(ApprovalStatusName(ApprovalStatus::kNeverApproved)) == "never_approved");
  CHECK(std::string(ApprovalStatusName(ApprovalStatus::kChangedSinceApproval)) ==
        "changed_since_approval");
  CHECK(std::string(ApprovalStatusName(ApprovalStatus::kOneSidedWithoutOverride)) ==
        "one_sided_without_override");
}

}  // namespace
}  // namespace intern::agent
