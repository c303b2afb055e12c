// A compare whose process dies during the panel phase: the session is already done, so only the
// panel is left; `intern sessions resume` must finish it with exactly the persona calls that were
// never recorded, and a finished panel is not owed again.

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "agent/cli/cli.h"
#include "agent/compare_panel.h"
#include "agent/compare_workflow.h"
#include "agent/comparison_json.h"
#include "agent/providers/offline_provider.h"
#include "config/catalog.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/agent/scripted_compare.h"
#include "tests/support/scripted_provider.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

class ScopedHome {
 public:
  explicit ScopedHome(const std::string& value) {
    if (const char* old = std::getenv("INTERN_HOME")) old_ = old;
    setenv("INTERN_HOME", value.c_str(), 1);
  }
  ~ScopedHome() {
    if (old_) {
      setenv("INTERN_HOME", old_->c_str(), 1);
    } else {
      unsetenv("INTERN_HOME");
    }
  }

 private:
  std::optional<std::string> old_;
};

using scripted::Calls;

bool IsPanelCall(const LlmRequest& request) {
  return request.tool_choice.mode == ToolChoice::Mode::kTool &&
         request.tool_choice.tool_name == "panel_take";
}

// The persona a panel request is for, by the title its instructions name.
std::string PersonaOf(const LlmRequest& request) {
  const std::string text = request.messages.front().Text();
  for (Persona persona : kPersonas) {
    if (text.rfind("You are the " + std::string(PersonaTitle(persona)) + " on the panel", 0) == 0) {
      return std::string(PersonaName(persona));
    }
  }
  return "?";
}

// Every persona ships the first subject and skips the second, citing the first ledger line
// about each.
Response PanelTake(const LlmRequest& request) {
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

// Runs `intern compare` Gemma 3n vs SmolVLM2 with a scripted model whose process "dies" (the
// provider throws, so nothing after it runs) on persona call `die_at` (1-based; 0: never).
// Returns the session id and the personas asked.
std::string CompareDyingAt(const testing::TempDir& home, int die_at,
                           std::vector<std::string>& asked) {
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
  auto script = [&](int turn, const LlmRequest& request) -> Result<Response> {
    if (IsPanelCall(request)) {
      asked.push_back(PersonaOf(request));
      if (static_cast<int>(asked.size()) == die_at) throw std::runtime_error("killed");
      return PanelTake(request);
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
  if (die_at > 0) {
    CHECK_THROWS_WITH(RunCompare(cfg, request, services), "killed");
    return store.ListSessions().front().id;
  }
  return RunCompare(cfg, request, services).session_id;
}

// `intern sessions resume ID` with a scripted model that answers every persona.
struct ResumeRun {
  std::ostringstream out, err;
  CliContext ctx{out, err, {}, 0, std::nullopt, nullptr};
  std::vector<std::string> asked;
  std::vector<std::string> made;

  ResumeRun() {
    ctx.provider_factory = [this](const config::Config&, const std::string& provider,
                                  const std::string& model) -> std::unique_ptr<LlmProvider> {
      made.push_back(provider + ":" + model);
      return std::make_unique<testing::ScriptedProvider>(
          [this](int, const LlmRequest& request) -> Result<Response> {
            REQUIRE(IsPanelCall(request));
            asked.push_back(PersonaOf(request));
            return PanelTake(request);
          });
    };
  }

  void Run(const std::string& id) {
    CLI::App app;
    CLI::App* sessions_cmd = app.add_subcommand("sessions");
    AttachSessionsCommand(*sessions_cmd, ctx);
    std::vector<const char*> argv = {"intern", "sessions", "resume", id.c_str(), "--json"};
    app.parse(static_cast<int>(argv.size()), argv.data());
  }
};

}  // namespace

TEST_CASE("a compare killed after two persona calls resumes with exactly the three missing ones",
          "[compare][panel][resume]") {
  testing::TempDir home;
  ScopedHome scoped(home.path().string());
  std::vector<std::string> first_asked;
  const std::string id = CompareDyingAt(home, 3, first_asked);
  CHECK(first_asked == std::vector<std::string>{"builder", "skeptic", "futurist"});
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    auto session = store.GetSession(id);
    REQUIRE(session);
    CHECK(session->status == sessions::SessionStatus::kDone);
    CHECK(session->iterations == 4);  // 2 research + the 2 persona calls that were committed
    CHECK(store.ListDrafts(std::nullopt, id).size() == 1);
    CHECK(PanelOwed(store, id));
  }

  ResumeRun resume;
  resume.Run(id);
  CHECK(resume.ctx.exit_code == 0);
  CHECK(resume.made == std::vector<std::string>{"openai:gpt-4.1"});
  CHECK(resume.asked == std::vector<std::string>{"futurist", "creator", "founder"});
  CHECK(resume.err.str().find("The panel judged both tools in 3 separate calls (2 more recorded "
                              "before the interruption); draft d-") != std::string::npos);

  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  auto session = store.GetSession(id);
  CHECK(session->status == sessions::SessionStatus::kDone);
  CHECK(session->iterations == 7);  // the same as an uninterrupted run
  auto drafts = store.ListDrafts(std::nullopt, id);
  REQUIRE(drafts.size() == 2);
  CHECK(drafts[0].status == sessions::DraftStatus::kPendingReview);
  CHECK(drafts[1].status == sessions::DraftStatus::kSuperseded);
  Comparison doc = ComparisonFromJson(drafts[0].document).value();
  for (const auto& take : doc.panel) {
    CHECK(take.takes[0].score == 72);
    CHECK(take.takes[1].verdict == Verdict::kSkip);
  }
  CHECK(doc.verdict[0].label == "Ship · 5 ship / 0 skip");
  CHECK(doc.verdict[1].label == "Skip · 0 ship / 5 skip");
  CHECK_FALSE(PanelOwed(store, id));

  ResumeRun again;
  CHECK_THROWS_WITH(again.Run(id), "session " + id + " is already done; nothing to resume");
  CHECK(again.asked.empty());
}

TEST_CASE("a compare killed before its first persona call resumes with all five",
          "[compare][panel][resume]") {
  testing::TempDir home;
  ScopedHome scoped(home.path().string());
  std::vector<std::string> first_asked;
  const std::string id = CompareDyingAt(home, 1, first_asked);
  ResumeRun resume;
  resume.Run(id);
  CHECK(resume.asked ==
        std::vector<std::string>{"builder", "skeptic", "futurist", "creator", "founder"});
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetSession(id)->iterations == 7);
  CHECK(store.ListDrafts(std::nullopt, id).size() == 2);
}

TEST_CASE("an uninterrupted compare owes no panel, so resuming it says it is done",
          "[compare][panel][resume]") {
  testing::TempDir home;
  ScopedHome scoped(home.path().string());
  std::vector<std::string> asked;
  const std::string id = CompareDyingAt(home, 0, asked);
  CHECK(asked.size() == 5);
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    CHECK_FALSE(PanelOwed(store, id));
  }
  ResumeRun resume;
  CHECK_THROWS_WITH(resume.Run(id), "session " + id + " is already done; nothing to resume");
  CHECK(resume.asked.empty());
}

}  // namespace intern::agent
