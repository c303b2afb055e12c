// The panel phase with a scripted model: five persona calls from the ledger, each an iteration,
// and the judged draft replacing the research draft.
#include "agent/compare_panel.h"

#include <catch2/catch.hpp>
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

struct PanelRun {
  std::vector<LlmRequest> panel_requests;
  CompareOutcome outcome;
};

// Compares Gemma 3n and SmolVLM2 with a scripted model in `home`: catalog facts, then a draft
// from the ledger; every persona ships the first and skips the second.
PanelRun RunScripted(const testing::TempDir& home, sessions::Store& store,
                     std::optional<std::int64_t> budget_tokens) {
  config::Config cfg;
  cfg.home = home.path();
  cfg.github.api_url = "http://127.0.0.1:1";
  cfg.hub.url = "http://127.0.0.1:1";
  config::Catalog catalog = config::Catalog::Embedded();
  FakeClock clock;
  ModelCatalog models = ModelCatalog::Embedded();
  FixedApproval allow(ApprovalVerdict::kAllow);
  RecordingProgress progress;
  std::vector<LlmRequest> panel_requests;

  auto script = [&](int turn, const LlmRequest& request) -> Result<Response> {
    if (request.tool_choice.mode == ToolChoice::Mode::kTool &&
        request.tool_choice.tool_name == "panel_take") {
      panel_requests.push_back(request);
      // Cite the first ledger line about each subject.
      const std::string text = request.messages.front().Text();
      std::smatch a, b;
      std::regex_search(text, a, std::regex("(ev-[0-9]+) \\[Gemma 3n\\]"));
      std::regex_search(text, b, std::regex("(ev-[0-9]+) \\[SmolVLM2\\]"));
      nlohmann::json takes = nlohmann::json::array({{{"score", 72},
                                                     {"verdict", "ship"},
                                                     {"rationale", "runs on phones"},
                                                     {"evidence_ids", {a[1].str()}}},
                                                    {{"score", 41},
                                                     {"verdict", "skip"},
                                                     {"rationale", "English only"},
                                                     {"evidence_ids", {b[1].str()}}}});
      return Calls({ToolUseBlock{"", "panel_take", nlohmann::json{{"takes", takes}}.dump()}});
    }
    if (turn == 1) {
      return Calls({ToolUseBlock{"", "catalog_facts", R"({"subject":"Gemma 3n"})"},
                    ToolUseBlock{"", "catalog_facts", R"({"subject":"SmolVLM2"})"}});
    }
    Comparison doc = scripted::LedgerDraft(store, catalog, clock);
    return Calls({ToolUseBlock{"", "submit_draft", SubmissionArguments(doc).dump()}});
  };

  CompareServices services =
      scripted::ScriptedServices(store, catalog, clock, models, allow, progress, script);
  CompareRequest request = scripted::GemmaSmolRequest();
  request.budget_tokens = budget_tokens;
  CompareOutcome outcome = RunCompare(cfg, request, services);
  return {std::move(panel_requests), outcome};
}

TEST_CASE("with a language model, each persona judges both tools in its own call from the ledger",
          "[compare][panel]") {
  testing::TempDir home;
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  auto [panel_requests, outcome] = RunScripted(home, store, std::nullopt);
  REQUIRE(outcome.loop.status == sessions::SessionStatus::kDone);
  REQUIRE(panel_requests.size() == 5);
  for (const auto& r : panel_requests) {
    CHECK(r.messages.size() == 1);  // the ledger digest, not the transcript
    CHECK(r.messages.front().Text().find("submit_draft") == std::string::npos);
  }
  CHECK(panel_requests[0].system.find("Builder") != std::string::npos);
  CHECK(panel_requests[4].system.find("Founder") != std::string::npos);
  auto session = store.GetSession(outcome.session_id);
  CHECK(session->iterations == 7);  // 2 research + 5 persona calls
  CHECK(outcome.loop.iterations == 7);
  auto drafts = store.ListDrafts(std::nullopt, outcome.session_id);
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].id == outcome.draft_id);
  CHECK(drafts[0].status == sessions::DraftStatus::kPendingReview);
  CHECK(drafts[1].status == sessions::DraftStatus::kSuperseded);
  Comparison doc = ComparisonFromJson(drafts[0].document).value();
  CHECK(doc.provider == "openai");
  for (const auto& take : doc.panel) {
    CHECK(take.takes[0].score == 72);
    CHECK(take.takes[1].verdict == Verdict::kSkip);
  }
  CHECK(doc.verdict[0].label == "Ship · 5 ship / 0 skip");
  CHECK(doc.verdict[1].label == "Skip · 0 ship / 5 skip");
}

TEST_CASE("the panel keeps the research takes when the session's budget is at 90%",
          "[compare][panel]") {
  testing::TempDir home;
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  // Two research calls of 1,100 tokens each reach 2,200 of 2,400 (over 90%).
  auto [panel_requests, outcome] = RunScripted(home, store, 2400);
  CHECK(panel_requests.empty());
  CHECK(store.GetSession(outcome.session_id)->iterations == 2);
  CHECK(store.ListDrafts(std::nullopt, outcome.session_id).size() == 1);
}

}  // namespace
}  // namespace intern::agent
