// `intern compare` and `intern drafts` end to end with the offline researcher: a real store in a
// temporary INTERN_HOME, the GitHub and hub URLs pointed at 127.0.0.1:1 so look-ups fail fast,
// and no network anywhere.
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cli/cli.h"
#include "agent/compare_workflow.h"
#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "agent/comparison_validator.h"
#include "agent/providers/offline_provider.h"
#include "agent/resolve.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(const std::filesystem::path& home, std::vector<const char*> args) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  std::vector<const char*> argv = {"intern", "-c", "github.api_url=http://127.0.0.1:1", "-c",
                                   "hub.url=http://127.0.0.1:1"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options);
  return {code, out.str(), err.str()};
}

std::string DraftIdIn(const std::string& out) {
  std::smatch m;
  // The review command is the summary's last line.
  static const std::regex kReview("Review it: intern review (d-[a-z0-9]+)\n$");
  return std::regex_search(out, m, kReview) ? m[1].str() : "";
}

// Checks what every offline draft must satisfy and returns it.
Comparison CheckStoredDraft(const std::filesystem::path& home, const std::string& draft_id,
                            const std::string& name_a, const std::string& name_b) {
  sessions::Store store = sessions::Store::Open(home / "intern.db");
  std::optional<sessions::DraftRecord> record = store.GetDraft(draft_id);
  REQUIRE(record.has_value());
  CHECK(record->status == sessions::DraftStatus::kPendingReview);
  CHECK(record->title == name_a + " vs " + name_b);
  Comparison doc = ComparisonFromJson(record->document).value();
  CHECK(doc.provider == "offline");
  CHECK(doc.cost.usd == 0.0);
  CHECK(doc.session == record->session_id);
  REQUIRE_FALSE(doc.flags.notes.empty());
  CHECK(doc.flags.notes.front() == kOfflineDisclaimer);
  CHECK(doc.subjects[0].name == name_a);
  CHECK(doc.subjects[1].name == name_b);

  tools::StoreLedger ledger(store, record->session_id);
  std::vector<ValidationProblem> problems = Validate(doc, LookupIn(ledger));
  INFO(FormatProblems(problems));
  CHECK(Storable(problems));
  for (int i = 0; i < 2; ++i) {
    REQUIRE_FALSE(doc.subjects[i].facts.empty());
    for (const Fact& f : doc.subjects[i].facts) {
      REQUIRE_FALSE(f.evidence_ids.empty());
      for (const auto& id : f.evidence_ids) {
        auto ev = ledger.Get(id);
        REQUIRE(ev.has_value());
        CHECK(NormaliseToolName(ev->draft.subject) == NormaliseToolName(doc.subjects[i].name));
      }
    }
    // The same fields on both sides.
    CHECK(doc.subjects[i].facts.size() == doc.subjects[0].facts.size());
  }
  REQUIRE(doc.panel.size() == 5);
  for (std::size_t p = 0; p < kPersonas.size(); ++p) {
    CHECK(doc.panel[p].persona == kPersonas[p]);
    for (const SubjectTake& t : doc.panel[p].takes) {
      if (t.abstain) {
        CHECK_FALSE(t.abstain_reason.empty());
      } else {
        CHECK_FALSE(t.signals.empty());
        CHECK((t.verdict == Verdict::kShip) == (t.score >= kShipThreshold));
      }
    }
  }
  return doc;
}

TEST_CASE("compare offline stores a valid draft: both sides cited, five personas score both",
          "[compare]") {
  testing::TempDir home;
  Run r = Cli(home.path(), {"compare", "Gemma 3n", "SmolVLM2"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  CHECK(r.out.rfind("Note: " + std::string(kOfflineNotice) + "\n", 0) == 0);
  const std::string id = DraftIdIn(r.out);
  REQUIRE_FALSE(id.empty());
  CHECK(r.out.find("Draft " + id + ": Gemma 3n vs SmolVLM2\n") != std::string::npos);
  CHECK(r.out.find("Cost: $0.0000 · 0 tokens · 2 iterations · offline researcher, no language "
                   "model\n") != std::string::npos);
  CHECK(r.err.find("Done: the draft was submitted after 2 iterations (exit 0).") !=
        std::string::npos);
  Comparison doc = CheckStoredDraft(home.path(), id, "Gemma 3n", "SmolVLM2");
  for (const PanelTake& p : doc.panel) {
    INFO(PersonaName(p.persona));
    CHECK_FALSE(p.takes[0].abstain);
    CHECK_FALSE(p.takes[1].abstain);
  }
  // The hub look-ups failed fast and the draft says so.
  int unreachable = 0;
  for (const auto& note : doc.flags.notes) {
    if (note.rfind("hub_lookup ", 0) == 0 && note.find(": unreachable (") != std::string::npos) {
      ++unreachable;
    }
  }
  CHECK(unreachable == 2);
  CHECK_FALSE(doc.flags.one_sided);
}

// The other pairs of /work/shared/reference/seed-pages (Gemma 3n vs SmolVLM2 is the test above),
// named as the pages name them.
TEST_CASE("compare offline stores a valid draft for each pair of the reference pages",
          "[compare]") {
  // As typed on the page, and the catalog names they resolve to.
  auto [a, b, name_a, name_b] = GENERATE(table<std::string, std::string, std::string, std::string>(
      {{"Gemma 3n", "ml-intern", "Gemma 3n", "ml-intern"},
       {"Gemma 3 27B", "ml-intern", "Gemma 3 27B", "ml-intern"},
       {"Gemini 2.5 Flash Lite", "ml-intern", "Gemini 2.5 Flash-Lite", "ml-intern"},
       {"Axolotl v0.16", "Gemma 3n", "Axolotl", "Gemma 3n"}}));
  testing::TempDir home;
  Run r = Cli(home.path(), {"compare", a.c_str(), b.c_str()});
  INFO(a << " vs " << b << "\n" << r.err);
  REQUIRE(r.code == kExitOk);
  const std::string id = DraftIdIn(r.out);
  REQUIRE_FALSE(id.empty());
  CHECK(r.out.find("Draft " + id + ": " + name_a + " vs " + name_b + "\n") != std::string::npos);
  CheckStoredDraft(home.path(), id, name_a, name_b);
}

TEST_CASE("compare refuses bad names with one sentence and leaves no store behind", "[compare]") {
  const std::string long_name(10'240, 'a');
  auto [a, b, code, sentence] = GENERATE_COPY(table<std::string, std::string, int, std::string>({
      {"", "SmolVLM2", kExitUsage, "a tool name must not be empty"},
      {"Gemma 3n", "gemma-3n", kExitUsage,
       "\"Gemma 3n\" and \"gemma-3n\" are the same tool (Gemma 3n); compare two different tools"},
      {long_name, "SmolVLM2", kExitUsage,
       "a tool name must be at most 200 characters (this one has 10240)"},
      {"Gemma\x01 3n", "SmolVLM2", kExitUsage, "a tool name must not contain control characters"},
      {"SmolVLM2", "Zyxwvut Quorblex", kExitError,
       "\"Zyxwvut Quorblex\" is not in the catalog, and neither the Hugging Face Hub nor GitHub "
       "could be reached to look it up; add it with `intern catalog add` or check the network"},
      {"gemma", "SmolVLM2", kExitUsage,
       "\"gemma\" matches several tools in the catalog: 1. Gemma 3n, 2. Gemma 3 27B; add --pick N "
       "to choose one"},
  }));
  testing::TempDir home;
  Run r = Cli(home.path(), {"compare", a.c_str(), b.c_str()});
  CHECK(r.code == code);
  CHECK(r.err == "intern: " + sentence + "\n");
  CHECK(r.out.empty());
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
  CHECK_FALSE(std::filesystem::exists(home.path() / "docs.db"));
}

TEST_CASE("compare with a provider that cannot be made says why and leaves no store behind",
          "[compare]") {
  auto [provider, sentence] = GENERATE(table<std::string, std::string>({
      {"openai", "openai needs an API key: set OPENAI_API_KEY"},
      {"gemini", "unknown provider \"gemini\": choose one of anthropic, offline, openai"},
  }));
  testing::TempDir home;
  Run r = Cli(home.path(), {"compare", "Gemma 3n", "SmolVLM2", "--provider", provider.c_str()});
  CHECK(r.code == kExitError);
  CHECK(r.err == "intern: " + sentence + "\n");
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

TEST_CASE("compare --pick chooses among the candidates of an ambiguous name", "[compare]") {
  testing::TempDir home;
  Run r = Cli(home.path(), {"compare", "gemma", "SmolVLM2", "--pick", "2", "--json"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  std::string last;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) last = line;
  nlohmann::json result = nlohmann::json::parse(last);
  CHECK(result["type"] == "result");
  CHECK(result["status"] == "done");
  CHECK(result["verdicts"][0]["subject"] == "Gemma 3 27B");
  CHECK(result["verdicts"][1]["subject"] == "SmolVLM2");
}

TEST_CASE("drafts list shows the pending draft and drafts show renders it", "[compare][drafts]") {
  testing::TempDir home;
  Run compared = Cli(home.path(), {"compare", "Axolotl", "Unsloth"});
  REQUIRE(compared.code == kExitOk);
  const std::string id = DraftIdIn(compared.out);

  Run list = Cli(home.path(), {"drafts", "list"});
  CHECK(list.code == kExitOk);
  CHECK(list.out.rfind(
            "ID           STATUS          AGE        COST  FLAGS                 TITLE\n", 0) == 0);
  CHECK(list.out.find(id + "   pending_review  ") != std::string::npos);
  CHECK(list.out.find("  $0.0000  offline               Axolotl vs Unsloth\n") !=
        std::string::npos);

  Run md = Cli(home.path(), {"drafts", "show", id.substr(0, 5).c_str()});
  CHECK(md.code == kExitOk);
  CHECK(md.out.rfind("# Axolotl vs Unsloth\n", 0) == 0);
  CHECK(md.out.find("## Scorecard") != std::string::npos);

  Run js = Cli(home.path(), {"drafts", "show", id.c_str(), "--format", "json"});
  CHECK(js.code == kExitOk);
  CHECK(nlohmann::json::parse(js.out)["title"] == "Axolotl vs Unsloth");

  Run missing = Cli(home.path(), {"drafts", "show", "d-nothere"});
  CHECK(missing.code == kExitError);
  CHECK(missing.err ==
        "intern: there is no draft \"d-nothere\"; `intern drafts list --all` shows them\n");
}

TEST_CASE("the built intern compares two tools offline and ends with the review command",
          "[compare][binary]") {
  testing::TempDir home;
  const std::string command = "env -i HOME='" + home.path().string() + "' INTERN_HOME='" +
                              home.path().string() + "' '" + INTERN_BINARY +
                              "' -c github.api_url=http://127.0.0.1:1 -c "
                              "hub.url=http://127.0.0.1:1 compare 'Gemma 3n' SmolVLM2 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = ::pclose(pipe);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const std::string id = DraftIdIn(out);
  REQUIRE_FALSE(id.empty());
  CHECK(out.find("Draft " + id + ": Gemma 3n vs SmolVLM2\n") != std::string::npos);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetDraft(id).has_value());
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE("an interrupted offline compare resumes with the built intern and stores its draft",
          "[compare][binary]") {
  testing::TempDir home;
  std::string session_id;
  {
    config::Config cfg;
    cfg.home = home.path();
    cfg.github.api_url = "http://127.0.0.1:1";
    cfg.hub.url = "http://127.0.0.1:1";
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    config::Catalog catalog = config::Catalog::Embedded();
    FakeClock clock;
    ModelCatalog models = ModelCatalog::Embedded();
    FixedApproval deny(ApprovalVerdict::kDeny);
    RecordingProgress progress;
    std::atomic<int> interrupt{1};  // stop before the first step
    CompareServices services{store,    catalog,          clock,      models,  deny,
                             progress, ToolboxOptions{}, &interrupt, nullptr, nullptr};
    CompareRequest request;
    request.name_a = "Axolotl";
    request.name_b = "Unsloth";
    CompareOutcome outcome = RunCompare(cfg, request, services);
    REQUIRE(outcome.loop.status == sessions::SessionStatus::kInterrupted);
    CHECK(outcome.draft_id.empty());
    session_id = outcome.session_id;
  }
  const std::string command = "env -i HOME='" + home.path().string() + "' INTERN_HOME='" +
                              home.path().string() + "' '" + INTERN_BINARY +
                              "' -c github.api_url=http://127.0.0.1:1 -c "
                              "hub.url=http://127.0.0.1:1 sessions resume " +
                              session_id + " --json >/dev/null 2>&1";
  int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  CHECK(store.GetSession(session_id)->status == sessions::SessionStatus::kDone);
  CHECK(store.ListDrafts(std::nullopt, session_id).size() == 1);
}

}  // namespace
}  // namespace intern::agent
