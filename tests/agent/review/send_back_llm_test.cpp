// A send-back with a language model: the revision runs in the same session (the iteration count
// goes on), and the panel phase judges the revised draft in five separate calls, as `intern
// compare` does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "agent/cli/cli.h"
#include "agent/compare_workflow.h"
#include "agent/comparison_json.h"
#include "agent/providers/offline_provider.h"
#include "agent/review/feedback.h"
#include "config/catalog.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/agent/scripted_compare.h"
#include "tests/support/scripted_provider.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using scripted::Calls;

bool HasFeedback(const LlmRequest& request) {
  for (const auto& m : request.messages) {
    if (m.role == Role::kUser && ParseReviewerFeedback(m.Text())) return true;
  }
  return false;
}

// Researches with catalog_facts, submits from the ledger (a revision's question says it was
// revised), and judges each persona's take: 72/41 before a send-back, 80/35 after.
struct Model {
  explicit Model(sessions::Store& s) : store(s) {}

  sessions::Store& store;
  config::Catalog catalog = config::Catalog::Embedded();
  FakeClock clock;
  int panel_calls = 0;
  bool revised = false;

  Result<Response> operator()(int turn, const LlmRequest& request) {
    if (request.tool_choice.mode == ToolChoice::Mode::kTool &&
        request.tool_choice.tool_name == "panel_take") {
      ++panel_calls;
      CHECK(request.messages.size() == 1);  // the ledger digest, not the transcript
      const std::string text = request.messages.front().Text();
      std::smatch a, b;
      std::regex_search(text, a, std::regex("(ev-[0-9]+) \\[Gemma 3n\\]"));
      std::regex_search(text, b, std::regex("(ev-[0-9]+) \\[SmolVLM2\\]"));
      nlohmann::json takes = nlohmann::json::array({{{"score", revised ? 80 : 72},
                                                     {"verdict", "ship"},
                                                     {"rationale", "runs on phones"},
                                                     {"evidence_ids", {a[1].str()}}},
                                                    {{"score", revised ? 35 : 41},
                                                     {"verdict", "skip"},
                                                     {"rationale", "English only"},
                                                     {"evidence_ids", {b[1].str()}}}});
      return Calls({ToolUseBlock{"", "panel_take", nlohmann::json{{"takes", takes}}.dump()}});
    }
    if (turn == 1) {
      return Calls({ToolUseBlock{"", "catalog_facts", R"({"subject":"Gemma 3n"})"},
                    ToolUseBlock{"", "catalog_facts", R"({"subject":"SmolVLM2"})"}});
    }
    revised = HasFeedback(request);
    Comparison doc = scripted::LedgerDraft(store, catalog, clock);
    if (revised) doc.question = "Which one for a phone app, with licences named?";
    return Calls({ToolUseBlock{"", "submit_draft", SubmissionArguments(doc).dump()}});
  }
};

TEST_CASE("send-back with a language model revises in the same session and re-runs the panel",
          "[review]") {
  intern::testing::TempDir home;
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  Model model(store);
  auto script = [&model](int turn, const LlmRequest& r) { return model(turn, r); };

  config::Config cfg;
  cfg.home = home.path();
  cfg.github.api_url = "http://127.0.0.1:1";
  cfg.hub.url = "http://127.0.0.1:1";
  ModelCatalog models = ModelCatalog::Embedded();
  FixedApproval allow(ApprovalVerdict::kAllow);
  RecordingProgress progress;
  CompareServices services = scripted::ScriptedServices(store, model.catalog, model.clock, models,
                                                        allow, progress, script);
  CompareRequest request = scripted::GemmaSmolRequest();
  CompareOutcome outcome = RunCompare(cfg, request, services);
  REQUIRE(outcome.loop.status == sessions::SessionStatus::kDone);
  REQUIRE(model.panel_calls == 5);
  const std::string id = outcome.draft_id;
  const std::int64_t iterations_before = store.GetSession(outcome.session_id)->iterations;
  CHECK(iterations_before == 7);

  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.path().string()}};
  options.cwd = home.path();
  options.system_dir = home.path() / "etc";
  options.home = home.path();
  std::vector<const char*> argv = {"intern",
                                   "-c",
                                   "github.api_url=http://127.0.0.1:1",
                                   "-c",
                                   "hub.url=http://127.0.0.1:1",
                                   "review",
                                   id.c_str(),
                                   "--send-back",
                                   "Name the licences.",
                                   "--reviewer",
                                   "Ana"};
  std::ostringstream out, err;
  int code =
      RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options, [&](CliContext& ctx) {
        WireAgent(ctx);
        ctx.provider_factory = [&](const config::Config&, const std::string&, const std::string&) {
          return std::unique_ptr<LlmProvider>(
              std::make_unique<intern::testing::ScriptedProvider>(script));
        };
      });
  INFO(err.str());
  REQUIRE(code == kExitOk);
  CHECK(model.panel_calls == 10);

  std::vector<sessions::DraftRecord> pending =
      store.ListDrafts(sessions::DraftStatus::kPendingReview);
  REQUIRE(pending.size() == 1);
  const sessions::DraftRecord& judged = pending[0];
  CHECK(judged.session_id == outcome.session_id);
  CHECK(judged.version == 4);  // research, panel; revision, panel
  CHECK(out.str() == fmt::format("Sent {} back to session {}.\nRevised: draft {} (version 4) is "
                                 "pending review; `intern review {}`.\n",
                                 id, outcome.session_id, judged.id, judged.id));
  Comparison doc = ComparisonFromJson(judged.document).value();
  CHECK(doc.question == "Which one for a phone app, with licences named?");
  for (const PanelTake& take : doc.panel) {
    CHECK(take.takes[0].score == 80);
    CHECK(take.takes[1].score == 35);
  }
  // One revision step and five persona calls, counted on from where the session was.
  CHECK(store.GetSession(outcome.session_id)->iterations == iterations_before + 6);
}

}  // namespace
}  // namespace intern::agent
