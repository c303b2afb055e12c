#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/cli/store_access.h"
#include "config/clock.h"
#include "config/error.h"
#include "sessions/export.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::agent {
namespace {

using sessions::testing::MakeSession;
using sessions::testing::MakeStep;
using sessions::testing::TempDir;

// Sets an environment variable for the scope of a test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(std::vector<const char*> args) {
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err);
  return {code, out.str(), err.str()};
}

// A store in a temporary INTERN_HOME with two sessions: s-first (done, two steps with evidence
// and events) and s-second (running, no steps), one minute apart.
struct Fixture {
  TempDir dir;
  ScopedEnv home{"INTERN_HOME", dir.path().string()};
  std::string path = (dir.path() / "intern.db").string();
  std::string draft_id;

  void Populate() {
    FakeClock clock;
    sessions::Store store = sessions::Store::Open(path, {.clock = &clock});
    sessions::Session first = MakeSession("s-first");
    store.CreateSession(first);
    sessions::StepRecord one = MakeStep("s-first", 1, 2, 2);
    one.tool_calls[0].evidence_ids = {"ev-1", "ev-2"};
    one.events.push_back(
        {0, "", std::nullopt, "", "warn", "loop_detected", R"({"pattern":"repeat"})"});
    store.CommitStep(one);
    store.RecordEvidence("s-first", {"Gemma 3n", "fact", "license", "gemma", "https://a", "A", "q",
                                     "", "hub_lookup"});
    store.RecordEvidence("s-first", {"SmolVLM2", "fact", "license", "apache-2.0", "https://b", "B",
                                     "q", "", "hub_lookup"});
    sessions::StepRecord two = MakeStep("s-first", 2, 1, 0);
    two.session.status = sessions::SessionStatus::kDone;
    store.CommitStep(two);
    sessions::DraftRecord draft;
    draft.session_id = "s-first";
    draft.title = "Gemma 3n vs SmolVLM2";
    draft.document = R"({"title":"Gemma 3n vs SmolVLM2"})";
    draft = store.CreateDraft(draft);
    draft_id = draft.id;
    store.RecordDecision(draft.id, sessions::ApprovalDecision::kApprove, "ada", "fine",
                         draft.sha256);
    store.AppendEvent({0, "s-first", std::nullopt, "", "info", "finished", R"({"draft":"d-1"})"});
    clock.Advance(std::chrono::minutes(1));
    sessions::Session second = MakeSession("s-second", "sweep");
    second.title = "Sweep of new repositories";
    second.caps = {};
    store.CreateSession(second);
  }
};

TEST_CASE("StorePath prefers INTERN_HOME, then XDG_DATA_HOME, then HOME") {
  auto env = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  CHECK(StorePath(env({{"INTERN_HOME", "/i"}, {"XDG_DATA_HOME", "/x"}, {"HOME", "/h"}})) ==
        "/i/intern.db");
  CHECK(StorePath(env({{"INTERN_HOME", ""}, {"XDG_DATA_HOME", "/x"}, {"HOME", "/h"}})) ==
        "/x/intern/intern.db");
  CHECK(StorePath(env({{"HOME", "/h"}})) == "/h/.local/share/intern/intern.db");
  CHECK_THROWS_WITH(StorePath(env({})),
                    "cannot tell where the session store lives: set INTERN_HOME (or HOME)");
}

TEST_CASE("sessions list without a store says so and creates nothing") {
  Fixture f;
  Run r = Cli({"sessions", "list"});
  CHECK(r.code == kExitOk);
  CHECK(r.out == "No sessions yet (there is no store at " + f.path + ").\n");
  CHECK_FALSE(std::filesystem::exists(f.path));
  Run json = Cli({"sessions", "list", "--json"});
  CHECK(json.out == "[]\n");
}

TEST_CASE("sessions list prints a table, newest first") {
  Fixture f;
  f.Populate();
  Run r = Cli({"sessions", "list"});
  CHECK(r.code == kExitOk);
  CHECK(r.err == "");
  CHECK(r.out ==
        "ID          STATUS             KIND           ITER   TOKENS       COST  UPDATED         "
        "     TITLE\n"
        "s-second    running            sweep             0        0    $0.0000  2026-01-01 "
        "00:01:00  Sweep of new repositories\n"
        "s-first     done               compare       2/300      342    $0.5000  2026-01-01 "
        "00:00:00  Gemma 3n vs SmolVLM2\n");
}

TEST_CASE("sessions list filters by status and limit and prints JSON with --json") {
  Fixture f;
  f.Populate();
  Run done = Cli({"sessions", "list", "--status", "done", "--json"});
  CHECK(done.code == kExitOk);
  nlohmann::json parsed = nlohmann::json::parse(done.out);
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0]["id"] == "s-first");
  CHECK(parsed[0]["status"] == "done");
  CHECK(parsed[0]["iterations"] == 2);
  CHECK(parsed[0]["subjects"] == nlohmann::json::array({"Gemma 3n", "SmolVLM2"}));
  CHECK(parsed[0]["usage"]["input"] == 300);

  Run limited = Cli({"sessions", "list", "--limit", "1", "--json"});
  CHECK(nlohmann::json::parse(limited.out).size() == 1);
  CHECK(nlohmann::json::parse(limited.out)[0]["id"] == "s-second");

  Run none = Cli({"sessions", "list", "--status", "stuck"});
  CHECK(none.out == "No sessions match the filter in " + f.path + ".\n");
}

TEST_CASE("sessions list --status with an unknown status is a usage error naming the choices") {
  Fixture f;
  Run r = Cli({"sessions", "list", "--status", "finished"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "intern: unknown status \"finished\" for --status; use one of running, done, capped, "
        "over_budget, stuck, context_exhausted, failed, interrupted\n");
}

TEST_CASE("sessions show of an unknown id is one sentence and exit 1") {
  Fixture f;
  f.Populate();
  Run r = Cli({"sessions", "show", "s-xyz"});
  CHECK(r.code == kExitError);
  CHECK(r.out == "");
  CHECK(r.err == "intern: no session \"s-xyz\" in " + f.path + " (see `intern sessions list`)\n");
  Run missing_store = [] {
    TempDir empty;
    ScopedEnv home("INTERN_HOME", empty.path().string());
    return Cli({"sessions", "export", "s-xyz"});
  }();
  CHECK(missing_store.code == kExitError);
  CHECK(missing_store.err.find("no session \"s-xyz\" in ") != std::string::npos);
}

TEST_CASE("sessions show takes a unique prefix of an id and refuses an ambiguous one") {
  Fixture f;
  f.Populate();
  Run unique = Cli({"sessions", "show", "s-f", "--json"});
  CHECK(unique.code == kExitOk);
  CHECK(nlohmann::json::parse(unique.out)["id"] == "s-first");
  Run ambiguous = Cli({"sessions", "show", "s-"});
  CHECK(ambiguous.code == kExitError);
  CHECK(ambiguous.err ==
        "intern: \"s-\" matches several sessions (s-first, s-second); give more of the id\n");
}

TEST_CASE("sessions show prints totals, steps with usage and cost, and tool calls") {
  Fixture f;
  f.Populate();
  Run r = Cli({"sessions", "show", "s-first"});
  CHECK(r.code == kExitOk);
  CHECK(r.out ==
        "Session s-first: Gemma 3n vs SmolVLM2\n"
        "  kind        compare\n"
        "  status      done\n"
        "  subjects    Gemma 3n, SmolVLM2\n"
        "  model       offline / offline\n"
        "  created     2026-01-01 00:00:00\n"
        "  updated     2026-01-01 00:00:00\n"
        "  iterations  2 of 300\n"
        "  tokens      300 in, 30 out, 10 cache read, 2 cache write (342 of 1000000)\n"
        "  cost        $0.5000 of $5.0000\n"
        "  evidence    2 items\n"
        "\n"
        "Steps\n"
        "  #1    research   2026-01-01 00:00:00  in 100 out 10 cache 5/1  $0.2500  tool_use\n"
        "        doc_search {\"query\":\"q1\",\"k\":0}  ok  12 ms  ev-1, ev-2\n"
        "        doc_search {\"query\":\"q1\",\"k\":1}  ok  12 ms\n"
        "        [warn] loop_detected {\"pattern\":\"repeat\"}\n"
        "  #2    research   2026-01-01 00:00:00  in 200 out 20 cache 5/1  $0.2500  end_turn\n"
        "\n"
        "Drafts\n"
        "  " +
            f.draft_id +
            "  v1  approved        2026-01-01 00:00:00  Gemma 3n vs SmolVLM2\n"
            "\n"
            "Events\n"
            "  2026-01-01 00:00:00  [info] finished {\"draft\":\"d-1\"}\n");
}

TEST_CASE("sessions show --json gives the summary, steps and tool calls as one object") {
  Fixture f;
  f.Populate();
  Run r = Cli({"sessions", "show", "s-first", "--json"});
  CHECK(r.code == kExitOk);
  nlohmann::json show = nlohmann::json::parse(r.out);
  CHECK(show["id"] == "s-first");
  CHECK(show["cost_usd"] == 0.5);
  REQUIRE(show["steps"].size() == 2);
  CHECK(show["steps"][0]["usage"]["output"] == 10);
  CHECK(show["steps"][0]["messages"] == 2);
  REQUIRE(show["steps"][0]["tool_calls"].size() == 2);
  CHECK(show["steps"][0]["tool_calls"][0]["args"] == nlohmann::json{{"query", "q1"}, {"k", 0}});
  CHECK(show["steps"][0]["tool_calls"][0]["evidence_ids"] ==
        nlohmann::json::array({"ev-1", "ev-2"}));
  CHECK(show["steps"][0]["tool_calls"][0].contains("result") == false);
  CHECK(show["evidence_ids"] == nlohmann::json::array({"ev-1", "ev-2"}));
  CHECK(show["events"][0]["kind"] == "finished");
  REQUIRE(show["drafts"].size() == 1);
  CHECK(show["drafts"][0]["status"] == "approved");
  CHECK(show["drafts"][0].contains("document") == false);
}

TEST_CASE("sessions export writes every row of the session as one JSON object a line") {
  Fixture f;
  f.Populate();
  Run r = Cli({"sessions", "export", "s-first", "--format", "jsonl"});
  CHECK(r.code == kExitOk);
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  std::vector<std::string> types;
  for (const auto& l : lines) types.push_back(l["type"]);
  CHECK(types == std::vector<std::string>{"session", "step", "message", "message", "tool_call",
                                          "tool_call", "event", "step", "message", "evidence",
                                          "evidence", "draft", "approval", "event"});
  CHECK(lines[0]["format"] == sessions::kExportFormat);
  CHECK(lines[0]["id"] == "s-first");
  CHECK(lines[2]["content"] ==
        nlohmann::json::parse(R"([{"type":"text","text":"step 1 message 0"}])"));
  CHECK(lines[4]["result"] == "result of step 1 call 0");
  CHECK(lines[9]["source_url"] == "https://a");
  CHECK(lines[9]["id"] == "ev-1");
  CHECK(lines[11]["document"]["title"] == "Gemma 3n vs SmolVLM2");
  CHECK(lines[11]["id"] == f.draft_id);
  CHECK(lines[12]["reviewer"] == "ada");
  CHECK(lines[12]["decision"] == "approve");
  CHECK(lines[12]["sha256"] == lines[11]["sha256"]);
  CHECK(lines[13]["message"]["draft"] == "d-1");
}

TEST_CASE("sessions export refuses a format it does not write") {
  Fixture f;
  Run r = Cli({"sessions", "export", "s-first", "--format", "csv"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err.find("csv") != std::string::npos);
}

TEST_CASE("an export of stored invalid UTF-8 is still valid JSON") {
  sessions::Store store = sessions::Store::OpenInMemory();
  store.CreateSession(MakeSession("s-utf"));
  sessions::StepRecord step = MakeStep("s-utf", 1, 0, 1);
  step.tool_calls[0].result = "bad \xff\xfe bytes";
  store.CommitStep(step);
  std::ostringstream out;
  sessions::WriteSessionJsonl(*store.LoadHistory("s-utf"), out);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  std::getline(in, line);
  CHECK(nlohmann::json::parse(line)["result"] == "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

}  // namespace
}  // namespace intern::agent
