#include "agent/review/review_actions.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

#include "agent/review/approval_check.h"
#include "agent/review/feedback.h"
#include "config/error.h"
#include "sessions/sha256.h"
#include "tests/agent/review/review_gate_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using testing::Gate;
using testing::SampleComparison;

TEST_CASE("approve records reviewer, time, comment and the SHA-256 of the content shown") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Result<sessions::ApprovalRecord> a = Approve(gate.Services(), d.id, ShownSha256(d), "ok", "");
  REQUIRE(a.ok());
  CHECK(a.value().reviewer == "ana");
  CHECK(a.value().comment == "ok");
  CHECK(a.value().sha256 == sessions::Sha256Hex(d.document));
  CHECK(a.value().decided_at == "2026-01-01T00:00:00.000Z");
  CHECK(gate.store.GetDraft(d.id)->status == sessions::DraftStatus::kApproved);
  CHECK(CheckApproval(gate.store, d.id).approved());
}

TEST_CASE("a decision without a reviewer name, or on a draft not pending, is refused") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Result<sessions::ApprovalRecord> nameless = Approve(gate.Services(" "), d.id, d.sha256, "", "");
  REQUIRE_FALSE(nameless.ok());
  CHECK(nameless.message() ==
        "no reviewer name: pass --reviewer NAME, or set git's user.name or $USER");
  REQUIRE(Reject(gate.Services(), d.id, d.sha256, "thin").ok());
  Result<sessions::ApprovalRecord> again = Approve(gate.Services(), d.id, d.sha256, "", "");
  REQUIRE_FALSE(again.ok());
  CHECK(again.message() == fmt::format("draft {} is rejected, not pending review; only a pending "
                                       "draft can be decided on",
                                       d.id));
  CHECK(gate.store.ListApprovals(d.id).size() == 1);
}

TEST_CASE("a one-sided draft is approved only with an override reason, stored in the comment") {
  Gate gate;
  sessions::DraftRecord d = gate.Add(SampleComparison(), {"one_sided"});
  Result<sessions::ApprovalRecord> refused = Approve(gate.Services(), d.id, d.sha256, "ok", " ");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message() ==
        fmt::format("draft {} is one-sided (its evidence does not cover both tools comparably); "
                    "approve it only with --override \"why it is fair\"",
                    d.id));
  CHECK(gate.store.ListApprovals(d.id).empty());
  Result<sessions::ApprovalRecord> a =
      Approve(gate.Services(), d.id, d.sha256, "ok", "only one vendor publishes numbers");
  REQUIRE(a.ok());
  CHECK(a.value().comment == "ok\nOverride: only one vendor publishes numbers");
  ApprovalState state = CheckApproval(gate.store, d.id);
  CHECK(state.approved());
  CHECK(state.override_reason == "only one vendor publishes numbers");
}

TEST_CASE("a decision on content other than what was shown is refused") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  std::string shown = ShownSha256(d);
  Comparison edited = SampleComparison();
  edited.question = "changed meanwhile";
  sessions::DraftRecord now = gate.store.UpdateDraftDocument(d.id, ComparisonToJson(edited), {});
  Result<sessions::ApprovalRecord> a = Approve(gate.Services(), d.id, shown, "", "");
  REQUIRE_FALSE(a.ok());
  CHECK(a.message() == fmt::format("draft {} changed while it was being reviewed (reviewed {}, "
                                   "now {}); review it again",
                                   d.id, shown.substr(0, 12), now.sha256.substr(0, 12)));
  CHECK(gate.store.ListApprovals(d.id).empty());
}

TEST_CASE("a draft whose document was changed by raw SQL cannot be approved") {
  intern::testing::TempDir dir;
  std::string id;
  {
    Gate gate(dir.path() / "intern.db");
    id = gate.Add().id;
  }
  {
    SQLite::Database raw((dir.path() / "intern.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(raw, "UPDATE drafts SET document = replace(document, '84', '99')");
    REQUIRE(q.exec() == 1);
  }
  sessions::Store store = sessions::Store::Open(dir.path() / "intern.db");
  sessions::DraftRecord d = *store.GetDraft(id);
  ReviewServices services{store, "ana", nullptr, nullptr};
  Result<sessions::ApprovalRecord> a = Approve(services, id, ShownSha256(d), "", "");
  REQUIRE_FALSE(a.ok());
  CHECK(a.message() == fmt::format("draft {} was changed outside intern (its document no longer "
                                   "matches its fingerprint); save an edit of it with `intern "
                                   "review {}` to take it as it is, or reject it",
                                   id, id));
  CHECK(store.ListApprovals(id).empty());
}

TEST_CASE("reject needs a reason and records it") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Result<sessions::ApprovalRecord> none = Reject(gate.Services(), d.id, d.sha256, "  ");
  REQUIRE_FALSE(none.ok());
  CHECK(none.message() == "a rejection needs a reason: say what is wrong");
  Result<sessions::ApprovalRecord> r = Reject(gate.Services(), d.id, d.sha256, "no pricing");
  REQUIRE(r.ok());
  CHECK(r.value().decision == sessions::ApprovalDecision::kReject);
  CHECK(r.value().comment == "no pricing");
  CHECK(gate.store.GetDraft(d.id)->status == sessions::DraftStatus::kRejected);
  CHECK(CheckApproval(gate.store, d.id).status == ApprovalStatus::kNeverApproved);
}

TEST_CASE("send back records the feedback, runs the revision and finds the new version") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  ReviewServices services = gate.Services();
  std::vector<std::pair<std::string, std::string>> revisions;
  services.revise = [&](const std::string& session_id, const std::string& message) {
    revisions.push_back({session_id, message});
    Comparison revised = SampleComparison();
    revised.question = "revised";
    gate.Add(revised);
    LoopOutcome o;
    o.status = sessions::SessionStatus::kDone;
    return o;
  };
  Result<SendBackOutcome> sent = SendBack(services, d.id, d.sha256, "cite pricing");
  REQUIRE(sent.ok());
  REQUIRE(revisions.size() == 1);
  CHECK(revisions[0].first == "s-42");
  CHECK(revisions[0].second == ReviewerFeedbackMessage(d.id, 1, "cite pricing"));
  CHECK(sent.value().decision.decision == sessions::ApprovalDecision::kSendBack);
  CHECK(sent.value().decision.comment == "cite pricing");
  CHECK(sent.value().new_version == 2);
  std::vector<sessions::DraftRecord> pending =
      gate.store.ListDrafts(sessions::DraftStatus::kPendingReview);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].id == sent.value().new_draft_id);
  CHECK(gate.store.GetDraft(d.id)->status == sessions::DraftStatus::kSuperseded);
}

TEST_CASE("send back needs feedback") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Result<SendBackOutcome> sent = SendBack(gate.Services(), d.id, d.sha256, "");
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.message() == "sending back needs feedback: say what to change");
}

TEST_CASE("a valid edit is re-validated, stored with recomputed flags, and voids approval") {
  Gate gate;
  sessions::DraftRecord d = gate.Add(SampleComparison(), {"offline"});
  std::string text = d.document;
  text.replace(text.find("Which small multimodal model"), 28, "Which tiny multimodal model");
  EditCheck check = CheckEdit(gate.store, d, text);
  INFO(FormatEditProblems(check));
  REQUIRE(check.ok());
  sessions::DraftRecord saved = SaveEdit(gate.store, d, ShownSha256(d), check);
  CHECK(saved.flags == std::vector<std::string>{"offline", "edited"});
  Comparison stored = ComparisonFromJson(saved.document).value();
  CHECK(stored.question == "Which tiny multimodal model should a phone app ship with?");
  CHECK(stored.provider == "anthropic");
  CHECK(saved.sha256 == sessions::Sha256Hex(saved.document));
}

TEST_CASE("an edit cannot change who made the draft or what it cost") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  nlohmann::json doc = nlohmann::json::parse(d.document);
  doc["provider"] = "someone-else";
  doc["cost"]["usd"] = 0.0;
  EditCheck check = CheckEdit(gate.store, d, doc.dump());
  REQUIRE(check.ok());
  CHECK(check.document->provider == "anthropic");
  CHECK(check.document->cost.usd == 0.42);
}

TEST_CASE("invalid edits report their exact problems, table") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  struct Row {
    const char* name;
    std::function<std::string(std::string)> edit;
    std::string problems;
  };
  std::vector<Row> rows = {
      {"not JSON", [](std::string) { return std::string("{ not json"); },
       "- comparison JSON: [json.exception.parse_error.101] parse error at line 1, column 4: "
       "syntax error while parsing object key - invalid literal; last read: '{ no'; expected "
       "string literal\n"},
      {"score out of range",
       [](std::string t) {
         t.replace(t.find("\"score\": 84"), 11, "\"score\": 250");
         return t;
       },
       "- panel[0].takes[0].score 250 is out of range: give a score from 0 to 100\n"},
      {"citation not in the ledger",
       [](std::string t) {
         nlohmann::json doc = nlohmann::json::parse(t);
         doc["subjects"][0]["facts"][0]["evidence_ids"] = {"ev-77"};
         return doc.dump(2);
       },
       "- subjects[0].facts[0].evidence_ids: ev-77 is not in the ledger\n"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    EditCheck check = CheckEdit(gate.store, d, row.edit(d.document));
    CHECK_FALSE(check.ok());
    CHECK(FormatEditProblems(check) == row.problems);
  }
}

TEST_CASE("the pending list shows age, cost and flags") {
  Gate gate;
  Comparison over = SampleComparison();
  over.flags.over_budget = true;
  gate.Add(over, {"one_sided"});
  std::vector<PendingDraft> pending =
      ListPending(gate.store, gate.clock.Now() + std::chrono::minutes(3));
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].age == "3m");
  CHECK(pending[0].cost_usd == 0.42);
  CHECK(pending[0].tokens == 12345);
  CHECK(pending[0].flags == std::vector<std::string>{"one_sided", "over_budget"});
  CHECK(pending[0].version == 1);
}

TEST_CASE("the review view shows header, costs, one-sided warning and the Markdown") {
  Gate gate;
  sessions::DraftRecord d = gate.Add(SampleComparison(), {"one_sided"});
  std::string view = RenderReview(gate.store, d);
  CHECK(view.rfind(fmt::format("Draft {} · version 1 · pending_review · session s-42\n"
                               "Flags: one_sided\n"
                               "SHA-256: {}\n"
                               "Draft cost: $0.4200 · 12345 tokens\n"
                               "Session: running · 0 of 300 iterations · 0 tokens · $0.0000\n"
                               "One-sided: approving it needs an override reason saying why it is "
                               "fair.\n\n# Gemma 3n vs SmolVLM2\n",
                               d.id, d.sha256),
                   0) == 0);
  CHECK(view.find("## Evidence") != std::string::npos);
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE("the review of a re-run shows what changed since the published version") {
  testing::Gate gate;
  sessions::DraftRecord published = gate.Add();
  REQUIRE(Approve(gate.Services(), published.id, published.sha256, "", "").ok());
  gate.store.MarkDraftPublished(published.id, "abc1234");
  Comparison rerun = testing::SampleComparison();
  rerun.subjects[1].facts[1].value = "2.2B, 500M and 256M";
  rerun.panel[0].takes[0].score = 70;
  sessions::DraftRecord d = gate.Add(rerun);
  std::string view = RenderReview(gate.store, d);
  CHECK(view.find(fmt::format("\nChanges since the published version (draft {}, published "
                              "2026-01-01T00:00:00.000Z):\n"
                              "Facts\n"
                              "  ~ SmolVLM2 · parameters: \"2.2B\" → \"2.2B, 500M and 256M\"\n"
                              "Scores\n"
                              "  Builder · Gemma 3n: 84/100 · ship → 70/100 · ship (-14)\n\n"
                              "# Gemma 3n vs SmolVLM2\n",
                              published.id)) != std::string::npos);
  std::vector<PendingDraft> pending = ListPending(gate.store, gate.clock.Now());
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].flags == std::vector<std::string>{"republish"});
}

}  // namespace
}  // namespace intern::agent
