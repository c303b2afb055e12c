// Parity through the whole compare workflow (DESIGN §6): a scripted model that researches only
// one of the two subjects gets its draft stored, but flagged one-sided, and the flag survives the
// panel phase into the draft that waits for review.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>

#include "agent/compare_workflow.h"
#include "agent/comparison_json.h"
#include "agent/providers/offline_provider.h"
#include "config/catalog.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/agent/scripted_compare.h"
#include "tests/support/scripted_provider.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using scripted::Calls;

TEST_CASE("a scripted compare that researches only one subject stores a draft flagged one-sided",
          "[compare][parity]") {
  testing::TempDir home;
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  config::Config cfg;
  cfg.home = home.path();
  cfg.github.api_url = "http://127.0.0.1:1";
  cfg.hub.url = "http://127.0.0.1:1";
  config::Catalog catalog = config::Catalog::Embedded();
  FakeClock clock;
  ModelCatalog models = ModelCatalog::Embedded();
  FixedApproval allow(ApprovalVerdict::kAllow);
  RecordingProgress progress;
  int panel_calls = 0;
  std::vector<std::string> researched;

  auto script = [&](int turn, const LlmRequest& request) -> Result<Response> {
    if (request.tool_choice.mode == ToolChoice::Mode::kTool &&
        request.tool_choice.tool_name == "panel_take") {
      ++panel_calls;
      std::smatch a;
      const std::string text = request.messages.front().Text();
      std::regex_search(text, a, std::regex("(ev-[0-9]+) \\[Gemma 3n\\]"));
      nlohmann::json takes = nlohmann::json::array(
          {{{"score", 70},
            {"verdict", "ship"},
            {"rationale", "runs on phones"},
            {"evidence_ids", {a[1].str()}}},
           {{"abstain", true}, {"abstain_reason", "the ledger holds nothing about SmolVLM2"}}});
      return Calls({ToolUseBlock{"", "panel_take", nlohmann::json{{"takes", takes}}.dump()}});
    }
    if (turn == 1) {
      researched.push_back("Gemma 3n");
      return Calls({ToolUseBlock{"", "catalog_facts", R"({"subject":"Gemma 3n"})"}});
    }
    // The draft: every fact about Gemma 3n the ledger holds, nothing about SmolVLM2.
    const std::vector<tools::EvidenceRecord> records =
        scripted::LedgerRecords(store, store.ListSessions().front().id);
    Comparison doc = scripted::LedgerDraft(store, catalog, clock);
    doc.flags.notes.clear();
    doc.subjects[0].facts.clear();
    for (const auto& r : records) {
      doc.subjects[0].facts.push_back(Fact{r.draft.field, r.draft.value, {r.id}});
    }
    return Calls({ToolUseBlock{"", "submit_draft", SubmissionArguments(doc).dump()}});
  };

  CompareServices services =
      scripted::ScriptedServices(store, catalog, clock, models, allow, progress, script);
  CompareRequest request = scripted::GemmaSmolRequest();
  CompareOutcome outcome = RunCompare(cfg, request, services);

  REQUIRE(outcome.loop.status == sessions::SessionStatus::kDone);
  CHECK(researched == std::vector<std::string>{"Gemma 3n"});
  CHECK(panel_calls == 5);
  std::vector<sessions::DraftRecord> drafts = store.ListDrafts(std::nullopt, outcome.session_id);
  REQUIRE(drafts.size() == 2);  // the research draft and the panel's version, both flagged
  CHECK(drafts[0].id == outcome.draft_id);
  CHECK(drafts[0].status == sessions::DraftStatus::kPendingReview);
  CHECK(drafts[0].flags == std::vector<std::string>{"one_sided"});
  CHECK(drafts[1].flags == std::vector<std::string>{"one_sided"});

  REQUIRE(outcome.draft.has_value());
  const Comparison& doc = *outcome.draft;
  CHECK(doc.flags.one_sided);
  CHECK(doc.subjects[1].facts.empty());
  CHECK(doc.verdict[1].label == "No panel take");
  CHECK(ApprovalBlocker(doc) ==
        "this draft is one-sided (the evidence does not cover both tools comparably): approve it "
        "only with an override comment saying why it is fair");
}

}  // namespace
}  // namespace intern::agent
