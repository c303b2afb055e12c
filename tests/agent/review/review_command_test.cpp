// `intern review` end to end in-process, with the offline researcher behind send-back.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/comparison_json.h"
#include "agent/review/approval_check.h"
#include "agent/review/feedback.h"
#include "sessions/sha256.h"
#include "tests/agent/review/review_cli_support.h"

namespace intern::agent {
namespace {

using testing::HomeWithDraft;
using testing::ReviewCli;

TEST_CASE("review lists the pending drafts, as a table and as JSON", "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  testing::CliRun r = ReviewCli(home.path(), {"review"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out.rfind("ID             V  AGE         COST  FLAGS                     TITLE\n" + id +
                        "     1  ",
                    0) == 0);
  CHECK(r.out.find("  $0.0000  offline                   Gemma 3n vs SmolVLM2\nReview one with "
                   "`intern review ID`.\n") != std::string::npos);

  testing::CliRun j = ReviewCli(home.path(), {"review", "--json"});
  REQUIRE(j.code == kExitOk);
  nlohmann::json list = nlohmann::json::parse(j.out);
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == id);
  CHECK(list[0]["version"] == 1);
  CHECK(list[0]["flags"] == nlohmann::json::array({"offline"}));
  CHECK(list[0]["cost_usd"] == 0.0);
}

TEST_CASE("review ID --approve records the named reviewer, comment and content hash", "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  testing::CliRun r = ReviewCli(
      home.path(), {"review", id.c_str(), "--approve", "--reviewer", "Ana", "--comment", "fine"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  sessions::DraftRecord d = *store.GetDraft(id);
  CHECK(r.out == fmt::format("Approved {} as Ana (content {}).\n", id, d.sha256.substr(0, 12)));
  std::vector<sessions::ApprovalRecord> a = store.ListApprovals(id);
  REQUIRE(a.size() == 1);
  CHECK(a[0].reviewer == "Ana");
  CHECK(a[0].comment == "fine");
  CHECK(a[0].sha256 == sessions::Sha256Hex(d.document));
  CHECK(CheckApproval(store, id).approved());
}

TEST_CASE("review --approve of a one-sided draft needs --override", "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    sessions::DraftRecord d = *store.GetDraft(id);
    store.UpdateDraftDocument(id, d.document, {"one_sided", "offline"});
  }
  testing::CliRun refused =
      ReviewCli(home.path(), {"review", id.c_str(), "--approve", "--reviewer", "Ana"});
  CHECK(refused.code == kExitError);
  CHECK(refused.err == fmt::format("intern: draft {} is one-sided (its evidence does not cover "
                                   "both tools comparably); approve it only with --override "
                                   "\"why it is fair\"\n",
                                   id));
  testing::CliRun ok = ReviewCli(home.path(), {"review", id.c_str(), "--approve", "--reviewer",
                                               "Ana", "--override", "the catalog is all there is"});
  INFO(ok.err);
  REQUIRE(ok.code == kExitOk);
  CHECK(ok.out.find("One-sided override: the catalog is all there is\n") != std::string::npos);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.ListApprovals(id).at(0).comment == "Override: the catalog is all there is");
}

TEST_CASE("review ID --reject records the reason", "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  testing::CliRun r =
      ReviewCli(home.path(), {"review", id.c_str(), "--reject", "no pricing", "--reviewer", "Bo"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out == fmt::format("Rejected {}: no pricing\n", id));
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kRejected);
  CHECK(store.ListApprovals(id).at(0).reviewer == "Bo");
}

TEST_CASE(
    "review ID --send-back: the offline researcher revises in the same session, counting "
    "on from its iterations, and the new version waits for review",
    "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  std::string session_id;
  std::int64_t iterations_before = 0;
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    session_id = store.GetDraft(id)->session_id;
    iterations_before = store.GetSession(session_id)->iterations;
  }
  testing::CliRun r =
      ReviewCli(home.path(), {"review", id.c_str(), "--send-back",
                              "Say which licence allows commercial use.", "--reviewer", "Ana"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  std::vector<sessions::DraftRecord> pending =
      store.ListDrafts(sessions::DraftStatus::kPendingReview);
  REQUIRE(pending.size() == 1);
  const sessions::DraftRecord& v2 = pending[0];
  CHECK(v2.session_id == session_id);
  CHECK(v2.version == 2);
  CHECK(r.out == fmt::format("Sent {} back to session {}.\nRevised: draft {} (version 2) is "
                             "pending review; `intern review {}`.\n",
                             id, session_id, v2.id, v2.id));
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kSuperseded);
  sessions::Session session = *store.GetSession(session_id);
  CHECK(session.iterations == iterations_before + 1);
  CHECK(session.status == sessions::SessionStatus::kDone);
  Comparison doc = ComparisonFromJson(v2.document).value();
  CHECK(std::find(doc.flags.notes.begin(), doc.flags.notes.end(),
                  fmt::format("Reviewer feedback on draft {}: \"Say which licence allows "
                              "commercial use.\". The offline researcher cannot rewrite its "
                              "text; this version was rebuilt from the evidence ledger as it "
                              "stands now.",
                              id)) != doc.flags.notes.end());
  // The feedback reached the session as a user message, and the decision is on record.
  std::optional<sessions::SessionHistory> history = store.LoadHistory(session_id);
  bool told = false;
  for (const auto& step : history->steps) {
    for (const auto& m : step.messages) {
      if (m.role == "user" &&
          m.content.find(std::string(kReviewerFeedbackHeader) + id) != std::string::npos) {
        told = true;
      }
    }
  }
  CHECK(told);
  CHECK(store.ListApprovals(id).at(0).decision == sessions::ApprovalDecision::kSendBack);
}

TEST_CASE("review with publish.auto on publishes the approved draft to the site, and says so",
          "[review]") {
  intern::testing::TempDir home;
  std::string id = HomeWithDraft(home.path());
  testing::CliRun r = ReviewCli(home.path(), {"review", id.c_str(), "--approve", "--reviewer", "A"},
                                {"publish.auto=true"});
  REQUIRE(r.code == kExitOk);
  const std::filesystem::path site = home.path() / "site";
  CHECK(r.out.find(fmt::format("Published: Published draft {} as "
                               "comparisons/gemma-3n-vs-smolvlm2.html in {} (commit ",
                               id, site.string())) != std::string::npos);
  CHECK(std::filesystem::exists(site / "comparisons" / "gemma-3n-vs-smolvlm2.json"));
  CHECK(std::filesystem::exists(site / "index.html"));
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kPublished);
  CHECK(store.ListApprovals(id).at(0).decision == sessions::ApprovalDecision::kApprove);
}

TEST_CASE("review refuses contradictory or incomplete flags with one sentence", "[review]") {
  intern::testing::TempDir home;
  struct Row {
    std::vector<const char*> args;
    std::string err;
  };
  std::vector<Row> rows = {
      {{"review", "d-1", "--approve", "--reject", "x"},
       "intern: give one of --approve, --reject and --send-back, not several\n"},
      {{"review", "--approve"},
       "intern: --approve, --reject and --send-back need a draft id: intern review ID ...\n"},
      {{"review", "d-1", "--comment", "x"}, "intern: --comment and --override go with --approve\n"},
      {{"review", "d-1", "--json"},
       "intern: --json lists the pending drafts; leave out the draft id\n"},
  };
  for (const Row& row : rows) {
    testing::CliRun r = ReviewCli(home.path(), row.args);
    CHECK(r.code == kExitUsage);
    CHECK(r.err == row.err);
  }
  testing::CliRun none = ReviewCli(home.path(), {"review"});
  CHECK(none.code == kExitError);
  CHECK(none.err == fmt::format("intern: there is no store at {} yet; `intern compare A B` makes "
                                "the first draft\n",
                                (home.path() / "intern.db").string()));
}

TEST_CASE("review of an unknown draft names the fix", "[review]") {
  intern::testing::TempDir home;
  HomeWithDraft(home.path());
  testing::CliRun r = ReviewCli(home.path(), {"review", "d-nothere", "--approve"});
  CHECK(r.code == kExitError);
  CHECK(r.err ==
        "intern: there is no draft \"d-nothere\"; `intern review` lists the drafts "
        "waiting for review\n");
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE(
    "send-back within the same cap: a session already at its cap stops without a new "
    "draft, exit 3",
    "[review]") {
  intern::testing::TempDir home;
  testing::CliRun made =
      ReviewCli(home.path(), {"compare", "Gemma 3n", "SmolVLM2", "--max-iterations", "2"});
  INFO(made.err);
  REQUIRE(made.code == kExitOk);
  std::string id;
  std::string session_id;
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    sessions::DraftRecord d = store.ListDrafts(sessions::DraftStatus::kPendingReview).at(0);
    id = d.id;
    session_id = d.session_id;
    REQUIRE(store.GetSession(session_id)->iterations == 2);
  }
  testing::CliRun r = ReviewCli(
      home.path(), {"review", id.c_str(), "--send-back", "more detail", "--reviewer", "Ana"});
  CHECK(r.code == kExitStopped);
  CHECK(r.out == fmt::format("Sent {} back to session {}.\nThe revision stopped (capped) before "
                             "a new draft; {} stays sent back. The session keeps its cap and "
                             "budget: reject the draft or start a new comparison.\n",
                             id, session_id, id));
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetSession(session_id)->iterations == 2);
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kSentBack);
  CHECK(store.ListDrafts(sessions::DraftStatus::kPendingReview).empty());
}

}  // namespace
}  // namespace intern::agent
