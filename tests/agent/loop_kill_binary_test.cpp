// Kill -9 of the real `intern` binary mid-session, then `intern sessions resume`: the finished
// session's steps equal an uninterrupted run's, and no tool call ran twice.
//
// The binary runs `intern compare "Gemma 3n" SmolVLM2` with the anthropic provider pointed at a
// FakeLlm on loopback and github.api_url at a fake GitHub, in its own INTERN_HOME. The fake LLM
// plays a five-round research conversation (catalog_facts, github_lookup, doc_search,
// read_evidence, submit_draft). The process is killed at three points, each reached
// deterministically by a request the fakes hold without answering: while the model answers, while
// the first tool call of a turn runs (the answer is recorded, no result yet), and while the second
// tool call runs (the first one's result recorded).

#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "agent/providers/offline_provider.h"
#include "config/catalog.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/agent/loop_kill_binary_support.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_llm.h"
#include "tools/store_ledger.h"

namespace intern::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using kill_test::Home;
using kill_test::kApiKey;
using kill_test::kDeadline;
using kill_test::RunResult;

FakeTurn Turn(std::vector<FakeToolCall> calls) {
  return FakeTurn::Call(std::move(calls), {"Looking."}, agent::Usage{2000, 150, 0, 0});
}

// The research rounds before the draft; the github look-ups are turns 2 and 3.
std::vector<FakeTurn> ResearchTurns() {
  return {
      Turn({{"toolu_01", "catalog_facts", R"({"subject":"Gemma 3n"})"},
            {"toolu_02", "catalog_facts", R"({"subject":"SmolVLM2"})"}}),
      Turn({{"toolu_03", "github_lookup", R"({"repo":"google/gemma-3n","subject":"Gemma 3n"})"}}),
      Turn({{"toolu_04", "github_lookup", R"({"repo":"huggingface/smollm","subject":"SmolVLM2"})"},
            {"toolu_05", "github_lookup",
             R"({"repo":"huggingface/smolvlm2-demo","subject":"SmolVLM2"})"}}),
      Turn({{"toolu_06", "doc_search", R"({"query":"SmolVLM2 licence"})"},
            {"toolu_07", "read_evidence", R"({"id":"ev-1"})"}}),
  };
}

const std::vector<std::string> kCompare = {"compare", "Gemma 3n", "SmolVLM2"};

// The turns after the research: submit_draft with the offline researcher's document over the
// probe run's ledger, then one panel_take per persona (the panel phase of `intern compare`, which
// `sessions resume` owes a compare session it finishes). Evidence ids are numbered in call order
// in a fresh store (parallel_tools = 1), so every run of the same research produces the same ids
// and these turns fit each of them.
std::vector<FakeTurn> DraftAndPanelTurns() {
  Home probe(ResearchTurns(), "");
  RunResult r = probe.Run(kCompare);  // ends failed when the script runs out: the ledger is whole
  INFO(r.err);
  REQUIRE(r.exit);
  auto store = sessions::Store::Open(probe.db());
  const std::string id = probe.SessionId();
  tools::StoreLedger ledger(store, id);
  std::vector<tools::EvidenceRecord> records;
  std::map<std::string, std::string> first_of;  // subject -> its first evidence id
  for (const auto& e : store.ListEvidence(id)) {
    records.push_back(*ledger.Get(e.id));
    first_of.emplace(records.back().draft.subject, e.id);
  }
  REQUIRE(records.size() > 10);
  REQUIRE(first_of.count("Gemma 3n") == 1);
  REQUIRE(first_of.count("SmolVLM2") == 1);
  config::Catalog catalog = config::Catalog::Embedded();
  agent::Comparison doc = agent::OfflineComparison(
      *catalog.FindById("gemma-3n"), *catalog.FindById("smolvlm2"), records,
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()), {});
  std::vector<FakeTurn> turns = {
      Turn({{"toolu_08", "submit_draft", agent::SubmissionArguments(doc).dump()}})};
  json takes = json::array({{{"score", 72},
                             {"verdict", "ship"},
                             {"rationale", "runs on phones"},
                             {"evidence_ids", {first_of["Gemma 3n"]}}},
                            {{"score", 41},
                             {"verdict", "skip"},
                             {"rationale", "English only"},
                             {"evidence_ids", {first_of["SmolVLM2"]}}}});
  for (int p = 1; p <= 5; ++p) {
    turns.push_back(
        Turn({{fmt::format("toolu_p{}", p), "panel_take", json{{"takes", takes}}.dump()}}));
  }
  return turns;
}

// What must match between runs: each step's phase, usage, messages and tool calls, with the
// session's and drafts' ids and wall-clock times blanked out.
std::vector<std::string> Fingerprint(const sessions::SessionHistory& h) {
  static const std::regex kDraft("d-[0-9a-z]{4,}");
  static const std::regex kTime("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z");
  auto clean = [&](std::string text) {
    for (std::size_t at; (at = text.find(h.session.id)) != std::string::npos;) {
      text.replace(at, h.session.id.size(), "<session>");
    }
    text = std::regex_replace(text, kDraft, "<draft>");
    return std::regex_replace(text, kTime, "<time>");
  };
  std::vector<std::string> out;
  for (const auto& step : h.steps) {
    out.push_back(fmt::format("step {} {} {} {}+{} {}", step.n, step.phase, step.model,
                              step.usage.input, step.usage.output, step.stop_reason));
    for (const auto& m : step.messages) out.push_back(m.role + " " + clean(m.content));
    for (const auto& c : step.tool_calls) {
      std::string ids;
      for (const auto& e : c.evidence_ids) ids += e + ",";
      out.push_back(fmt::format("call {} {} {} -> {}{} [{}] {}", c.call_id, c.tool, c.args,
                                clean(c.result), c.is_error ? " (error)" : "", ids, c.approval));
    }
  }
  return out;
}

// Every file under `dir` that contains `needle`.
std::vector<std::string> FilesContaining(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && ReadFile(entry.path()).find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

enum class KillPoint { kModelCall, kFirstToolCall, kSecondToolCall };

const char* Name(KillPoint p) {
  switch (p) {
    case KillPoint::kModelCall:
      return "while the model answers turn 3";
    case KillPoint::kFirstToolCall:
      return "while turn 2's only tool call runs (answer recorded)";
    case KillPoint::kSecondToolCall:
      return "while turn 3's second tool call runs (first result recorded)";
  }
  return "";
}

struct Reference {
  std::vector<FakeTurn> tail;  // submit_draft and the panel
  std::vector<std::string> fingerprint;
  std::map<std::string, int> github_counts;
  std::size_t requests = 0;
};

const Reference& TheReference() {
  static const Reference ref = [] {
    Reference r;
    r.tail = DraftAndPanelTurns();
    std::vector<FakeTurn> script = ResearchTurns();
    script.insert(script.end(), r.tail.begin(), r.tail.end());
    Home home(script, "");
    RunResult run = home.Run(kCompare);
    INFO(run.out << run.err);
    REQUIRE(run.exit);
    CHECK(run.exit->code == 0);
    auto store = sessions::Store::Open(home.db());
    auto history = store.LoadHistory(home.SessionId());
    REQUIRE(history);
    CHECK(history->session.status == sessions::SessionStatus::kDone);
    r.fingerprint = Fingerprint(*history);
    r.github_counts = home.github().Counts();
    r.requests = home.llm().turns_served();
    CHECK(r.requests == 10);  // 5 research turns and 5 personas
    CHECK(store.ListDrafts(std::nullopt, history->session.id).size() == 2);
    return r;
  }();
  return ref;
}

void KillAndResume(KillPoint point) {
  CAPTURE(Name(point));
  const Reference& ref = TheReference();
  REQUIRE(ref.fingerprint.size() > 10);
  CHECK(ref.github_counts == std::map<std::string, int>{{"/repos/google/gemma-3n", 1},
                                                        {"/repos/huggingface/smollm", 1},
                                                        {"/repos/huggingface/smolvlm2-demo", 1}});

  std::vector<FakeTurn> script = ResearchTurns();
  script.insert(script.end(), ref.tail.begin(), ref.tail.end());
  std::string stall_path;
  if (point == KillPoint::kModelCall) {
    script.insert(script.begin() + 2, FakeTurn::Fault(LlmFault::kStall));
  } else if (point == KillPoint::kFirstToolCall) {
    stall_path = "/repos/google/gemma-3n";
  } else {
    stall_path = "/repos/huggingface/smolvlm2-demo";
  }
  Home home(script, stall_path);

  {
    auto child = home.Start(kCompare);
    REQUIRE(child->started());
    bool reached = point == KillPoint::kModelCall
                       ? home.llm().server().WaitForRequests(3, kDeadline)
                       : home.github().server().WaitForRequests(
                             point == KillPoint::kFirstToolCall ? 1 : 3, kDeadline);
    child->Kill();
    auto exit = child->Wait(kDeadline);
    INFO(ReadFile(home.err()));
    REQUIRE(reached);
    REQUIRE(exit);
    CHECK(exit->signaled);
    CHECK(exit->code == SIGKILL);
  }
  const std::string id = home.SessionId();
  REQUIRE_FALSE(id.empty());
  {
    auto store = sessions::Store::Open(home.db());
    auto session = store.GetSession(id);
    CHECK(session->status == sessions::SessionStatus::kRunning);  // as the dead process left it
    CHECK(session->iterations == (point == KillPoint::kFirstToolCall ? 1 : 2));
  }
  const std::size_t llm_before = home.llm().turns_served();
  RunResult listed = home.Run({"sessions", "list"});
  CHECK(listed.out.find(id + "  interrupted?") != std::string::npos);

  RunResult resumed = home.Run({"sessions", "resume", id, "--json"});
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit);
  CHECK_FALSE(resumed.exit->signaled);
  CHECK(resumed.exit->code == 0);

  auto store = sessions::Store::Open(home.db());
  auto history = store.LoadHistory(id);
  REQUIRE(history);
  CHECK(history->session.status == sessions::SessionStatus::kDone);
  CHECK(Fingerprint(*history) == ref.fingerprint);

  // The model was asked for each turn once: a recorded answer is reused, not paid for again
  // (the held request of the model-call kill consumed one extra scripted turn).
  CHECK(home.llm().rejections().empty());
  const std::size_t extra = point == KillPoint::kModelCall ? 1 : 0;
  CHECK(home.llm().turns_served() == ref.requests + extra);
  if (point != KillPoint::kModelCall)
    CHECK(llm_before == (point == KillPoint::kFirstToolCall ? 2u : 3u));

  // Each look-up reached GitHub once, except the one the process died in, which ran again.
  std::map<std::string, int> expected = ref.github_counts;
  if (!stall_path.empty()) expected[stall_path] = 2;
  CHECK(home.github().Counts() == expected);

  // One tool_calls row per call id.
  std::set<std::string> ids;
  std::size_t rows = 0;
  for (const auto& step : history->steps) {
    for (const auto& call : step.tool_calls) {
      ids.insert(call.call_id);
      ++rows;
    }
  }
  CHECK(rows == 13);  // 8 research calls and 5 panel takes
  CHECK(ids.size() == 13);
  // The panel ran on resume as it did in the uninterrupted compare: its draft replaced the
  // research draft.
  CHECK(store.ListDrafts(std::nullopt, id).size() == 2);
  CHECK(resumed.err.find("The panel judged both tools in 5 separate calls; draft ") !=
        std::string::npos);

  // The key went to the fake LLM only: not the store, not the logs, not any output.
  CHECK(FilesContaining(home.path(), kApiKey).empty());
  CHECK(resumed.out.find(kApiKey) == std::string::npos);
  CHECK(resumed.err.find(kApiKey) == std::string::npos);
  for (const auto& raw : home.llm().raw_requests()) {
    CHECK(raw.Header("x-api-key") == std::optional<std::string>(kApiKey));
  }
}

TEST_CASE(
    "the intern binary killed with SIGKILL mid-session resumes with `sessions resume` to the "
    "uninterrupted run's steps, running no finished tool call twice",
    "[loop][kill][binary]") {
  KillPoint point =
      GENERATE(KillPoint::kModelCall, KillPoint::kFirstToolCall, KillPoint::kSecondToolCall);
  KillAndResume(point);
}

TEST_CASE(
    "a kill -9 does not reset the cap: the resumed session gets its final turn at cap-1 of "
    "the original count and ends capped at exactly the cap",
    "[loop][kill][binary]") {
  auto search = [](const char* id, const char* query) {
    return Turn({{id, "doc_search", fmt::format(R"({{"query":"{}"}})", query)}});
  };
  // A model that never submits; the held third request is where the process dies.
  std::vector<FakeTurn> script = {search("toolu_1", "q1"),
                                  search("toolu_2", "q2"),
                                  FakeTurn::Fault(LlmFault::kStall),
                                  search("toolu_3", "q3"),
                                  search("toolu_4", "q4"),
                                  Turn({{"toolu_5", "submit_draft", R"({"title":"too early"})"}})};
  Home home(script, "");
  std::vector<std::string> command = kCompare;
  command.push_back("--max-iterations");
  command.push_back("5");
  {
    auto child = home.Start(command);
    REQUIRE(child->started());
    bool reached = home.llm().server().WaitForRequests(3, kDeadline);
    child->Kill();
    REQUIRE(child->Wait(kDeadline));
    REQUIRE(reached);
  }
  const std::string id = home.SessionId();
  {
    auto store = sessions::Store::Open(home.db());
    CHECK(store.GetSession(id)->iterations == 2);
    CHECK(store.GetSession(id)->caps.max_iterations == 5);
  }
  // The resume names no cap: the session's own is used, not the config's 300.
  RunResult resumed = home.Run({"sessions", "resume", id, "--json"});
  INFO(resumed.out << resumed.err);
  REQUIRE(resumed.exit);
  CHECK(resumed.exit->code == kExitStopped);

  auto store = sessions::Store::Open(home.db());
  auto history = store.LoadHistory(id);
  REQUIRE(history);
  CHECK(history->session.status == sessions::SessionStatus::kCapped);
  CHECK(history->session.iterations == 5);
  REQUIRE(history->steps.size() == 5);
  CHECK(history->steps[3].phase == "research");
  CHECK(history->steps[4].phase == "final_turn");

  // Requests 1-2 before the kill, the held 3rd, then 3-5 again: six in all, the last offering
  // submit_draft alone and forcing it.
  std::vector<json> bodies = home.llm().requests();
  REQUIRE(bodies.size() == 6);
  CHECK(bodies[4]["tools"].size() > 1);
  REQUIRE(bodies[5]["tools"].size() == 1);
  CHECK(bodies[5]["tools"][0]["name"] == "submit_draft");
  CHECK(bodies[5]["tool_choice"] == json{{"type", "tool"}, {"name", "submit_draft"}});
  std::string lines = resumed.out;
  while (!lines.empty() && lines.back() == '\n') lines.pop_back();
  json stopped = json::parse(lines.substr(lines.rfind('\n') + 1), nullptr, false);
  CHECK(stopped.value("type", "") == "stopped");
  CHECK(stopped.value("status", "") == "capped");
}

}  // namespace
}  // namespace intern::testing
