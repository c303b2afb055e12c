// `intern compare` end to end through the real HTTP path, in each wire protocol: RunCompare makes
// its provider from the configuration (the real factory, BeastHttpClient, the key bound to the
// fake's host), which talks to a scripted FakeLlm on loopback; the research look-up goes to a fake
// Hugging Face Hub on loopback; the store is a real one in a temporary folder.
//
// The script: (1) catalog_facts for both subjects in one turn, (2) hub_lookup of SmolVLM2's
// model, (3) a draft citing ev-999, which validation rejects, (4) the corrected draft, then the
// panel phase's five persona calls. Checked on the requests the fake recorded and on the store.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/compare_panel.h"
#include "agent/compare_workflow.h"
#include "agent/comparison_json.h"
#include "agent/comparison_validator.h"
#include "agent/prompts.h"
#include "agent/providers/offline_provider.h"
#include "agent/workflow_tools.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/fake_llm.h"
#include "tools/registry.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using nlohmann::json;
using testing::FakeLlm;
using testing::FakeResponse;
using testing::FakeToolCall;
using testing::FakeTurn;

enum class Wire { kAnthropic, kOpenAi };

constexpr const char* kKey = "sk-test-compare-e2e-Q4xDISTINCT";
constexpr const char* kSmolModel = "HuggingFaceTB/SmolVLM2-2.2B-Instruct";

const char* WireName(Wire w) { return w == Wire::kAnthropic ? "anthropic" : "openai"; }
const char* ModelOf(Wire w) { return w == Wire::kAnthropic ? "claude-sonnet-5" : "gpt-5-mini"; }
std::string CallId(Wire w, const std::string& n) {
  return (w == Wire::kAnthropic ? "toolu_" : "call_") + n;
}

// What catalog_facts records and answers for both subjects in a fresh store: the real run's
// ledger numbering is the same (parallel_tools = 1 keeps the two calls in order), so the
// scripted drafts can cite real ids before the run starts.
struct Expected {
  std::string gemma_result;
  std::string smol_result;
  Comparison draft;  // valid against the first 2 calls' evidence
  std::string gemma_ev;
  std::string smol_ev;
};

Expected Precompute() {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory();
  sessions::Session s;
  s.kind = "compare";
  const std::string session_id = store.CreateSession(s).id;
  config::Catalog catalog = config::Catalog::Embedded();
  tools::ToolRegistry registry;
  registry.Register(std::make_unique<CatalogFactsTool>(catalog));
  tools::StoreLedger ledger(store, session_id);
  tools::ToolContext ctx{ledger, clock, session_id, nullptr};
  Expected e;
  e.gemma_result = registry.Invoke("catalog_facts", R"({"subject":"Gemma 3n"})", ctx).content;
  e.smol_result = registry.Invoke("catalog_facts", R"({"subject":"SmolVLM2"})", ctx).content;
  std::vector<tools::EvidenceRecord> records;
  for (const auto& r : store.ListEvidence(session_id)) records.push_back(*ledger.Get(r.id));
  e.draft = OfflineComparison(*catalog.FindById("gemma-3n"), *catalog.FindById("smolvlm2"), records,
                              std::chrono::floor<std::chrono::days>(clock.Now()), {});
  // A model's draft: no offline disclaimer.
  e.draft.flags.notes = {"Looked up SmolVLM2 on the hub; Gemma 3n from the catalog only."};
  for (const auto& r : records) {
    if (e.gemma_ev.empty() && r.draft.subject == "Gemma 3n") e.gemma_ev = r.id;
    if (e.smol_ev.empty() && r.draft.subject == "SmolVLM2") e.smol_ev = r.id;
  }
  return e;
}

// Each persona's two scores, distinct so the stored panel shows whose take is whose.
struct PersonaScores {
  int a;
  int b;
};
constexpr PersonaScores kScores[] = {{81, 64}, {58, 47}, {77, 69}, {66, 52}, {72, 40}};

std::string Rationale(std::size_t p, int subject) {
  return fmt::format("persona-{}-subject-{} rationale", p, subject);
}

std::vector<FakeTurn> Script(Wire w, const Expected& e) {
  const Usage usage{1000, 100, 0, 0};
  Comparison bad = e.draft;
  bad.subjects[1].facts[0].evidence_ids = {"ev-999"};
  std::vector<FakeTurn> turns;
  turns.push_back(
      FakeTurn::Call({FakeToolCall{CallId(w, "1a"), "catalog_facts", R"({"subject":"Gemma 3n"})"},
                      FakeToolCall{CallId(w, "1b"), "catalog_facts", R"({"subject":"SmolVLM2"})"}},
                     {"Catalog facts for both first."}, usage));
  turns.push_back(FakeTurn::Call(
      {FakeToolCall{
          CallId(w, "2"), "hub_lookup",
          json{{"model_id", kSmolModel}, {"card", false}, {"subject", "SmolVLM2"}}.dump()}},
      {"Now the hub."}, usage));
  turns.push_back(FakeTurn::Call(
      {FakeToolCall{CallId(w, "3"), "submit_draft", SubmissionArguments(bad).dump()}},
      {"Submitting."}, usage));
  turns.push_back(FakeTurn::Call(
      {FakeToolCall{CallId(w, "4"), "submit_draft", SubmissionArguments(e.draft).dump()}},
      {"Fixed the citation."}, usage));
  for (std::size_t p = 0; p < kPersonas.size(); ++p) {
    auto take = [&](int score, int subject, const std::string& ev) {
      return json{{"score", score},
                  {"verdict", score >= kShipThreshold ? "ship" : "skip"},
                  {"rationale", Rationale(p, subject)},
                  {"evidence_ids", {ev}}};
    };
    json args = {{"takes", {take(kScores[p].a, 0, e.gemma_ev), take(kScores[p].b, 1, e.smol_ev)}}};
    turns.push_back(FakeTurn::Call(
        {FakeToolCall{CallId(w, "p" + std::to_string(p)), "panel_take", args.dump()}}, {}, usage));
  }
  return turns;
}

// The text of a message's content, whether a string or a list of text blocks.
std::string TextOf(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {
    for (const auto& block : content) {
      if (block.value("type", "") == "text") out += block.value("text", "");
    }
  }
  return out;
}

// The system prompt and the conversation of a request, whichever wire carried it.
struct Parts {
  std::string system;
  json messages = json::array();
};

Parts Split(Wire w, const json& body) {
  Parts parts;
  if (w == Wire::kAnthropic) {
    parts.system = TextOf(body.value("system", json()));
    parts.messages = body["messages"];
    return parts;
  }
  for (const auto& m : body["messages"]) {
    if (m["role"] == "system") {
      parts.system += TextOf(m["content"]);
    } else {
      parts.messages.push_back(m);
    }
  }
  return parts;
}

// The tool results the request's last turn carries, as {call id, content, is_error}.
struct WireResult {
  std::string call_id;
  std::string content;
  bool is_error = false;
};

std::vector<WireResult> LastResults(Wire w, const json& body) {
  std::vector<WireResult> out;
  const json& messages = body["messages"];
  if (w == Wire::kAnthropic) {
    const json& user = messages.back();
    REQUIRE(user["role"] == "user");
    for (const auto& block : user["content"]) {
      REQUIRE(block["type"] == "tool_result");
      out.push_back(
          {block["tool_use_id"], TextOf(block["content"]), block.value("is_error", false)});
    }
    return out;
  }
  // OpenAI: the role "tool" messages after the last assistant message; errors are marked in the
  // text, the wire has no flag.
  std::size_t i = messages.size();
  while (i > 0 && messages[i - 1]["role"] == "tool") --i;
  for (; i < messages.size(); ++i) {
    std::string content = TextOf(messages[i]["content"]);
    bool error = content.rfind("Error: ", 0) == 0;
    out.push_back({messages[i]["tool_call_id"], error ? content.substr(7) : content, error});
  }
  return out;
}

// The tool calls of the request's last assistant message, as {call id, tool, arguments}.
struct WireCall {
  std::string call_id;
  std::string tool;
  json arguments;
};

std::vector<WireCall> LastCalls(Wire w, const json& body) {
  const json& messages = body["messages"];
  std::size_t i = messages.size();
  while (i > 0 && messages[i - 1]["role"] != "assistant") --i;
  REQUIRE(i > 0);
  const json& assistant = messages[i - 1];
  std::vector<WireCall> out;
  if (w == Wire::kAnthropic) {
    for (const auto& block : assistant["content"]) {
      if (block["type"] == "tool_use") out.push_back({block["id"], block["name"], block["input"]});
    }
    return out;
  }
  for (const auto& call : assistant["tool_calls"]) {
    CHECK(call["type"] == "function");
    out.push_back({call["id"], call["function"]["name"],
                   json::parse(call["function"]["arguments"].get<std::string>())});
  }
  return out;
}

// The names of the tools a request offers.
std::vector<std::string> OfferedTools(Wire w, const json& body) {
  std::vector<std::string> names;
  for (const auto& tool : body["tools"]) {
    names.push_back(w == Wire::kAnthropic ? tool["name"] : tool["function"]["name"]);
  }
  return names;
}

struct CompareHttpRun {
  explicit CompareHttpRun(Wire w)
      : wire(w), expected(Precompute()), llm(Script(w, expected), {kKey}) {
    hub.On("GET", std::string("/api/models/") + kSmolModel,
           {FakeResponse::Json(200, testing::ReadFile(std::filesystem::path(INTERN_TEST_FIXTURES) /
                                                      "hub" / "model_smolvlm2.json"))});
    cfg.home = home.path();
    cfg.github.api_url = "http://127.0.0.1:1";
    cfg.hub.url = hub.url();
    cfg.agent.parallel_tools = 1;
    cfg.providers.default_provider = WireName(w);
    if (w == Wire::kAnthropic) {
      cfg.providers.anthropic.base_url = llm.url();
      cfg.providers.anthropic.api_key = kKey;
      cfg.providers.anthropic.model = ModelOf(w);
      cfg.providers.anthropic.stream = true;
    } else {
      // The one-shot path here, the streamed one on the Anthropic wire.
      cfg.providers.openai.base_url = llm.openai_base_url();
      cfg.providers.openai.api_key = kKey;
      cfg.providers.openai.model = ModelOf(w);
      cfg.providers.openai.stream = false;
    }
    config::Catalog catalog = config::Catalog::Embedded();
    ModelCatalog models = ModelCatalog::Embedded();
    FixedApproval deny(ApprovalVerdict::kDeny);
    RecordingProgress progress;
    CompareServices services{store,
                             catalog,
                             SystemClock::Instance(),
                             models,
                             deny,
                             progress,
                             ToolboxOptions{},
                             nullptr,
                             nullptr,
                             [this](const std::string& line) { notices.push_back(line); }};
    CompareRequest request;
    request.name_a = "Gemma 3n";
    request.name_b = "SmolVLM2";
    outcome = RunCompare(cfg, request, services);
    bodies = llm.requests();
  }

  Wire wire;
  testing::TempDir home;
  Expected expected;
  FakeLlm llm;
  testing::FakeHttpServer hub;
  config::Config cfg;
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  std::vector<std::string> notices;
  CompareOutcome outcome;
  std::vector<json> bodies;
};

TEST_CASE(
    "compare over HTTP: research calls, a rejected dangling citation, the corrected draft and five "
    "persona calls",
    "[compare][http]") {
  Wire wire = GENERATE(Wire::kAnthropic, Wire::kOpenAi);
  CAPTURE(WireName(wire));
  CompareHttpRun run(wire);
  const Expected& e = run.expected;

  CHECK(run.llm.rejections().empty());
  REQUIRE(run.outcome.loop.status == sessions::SessionStatus::kDone);
  REQUIRE(run.bodies.size() == 9);
  CHECK(run.llm.turns_served() == 9);
  for (const auto& body : run.bodies) CHECK(body["model"] == ModelOf(wire));
  CHECK(run.hub.request_count() == 1);

  {  // the research calls' results come back in the wire's tool-result shape
    std::vector<std::string> offered = OfferedTools(wire, run.bodies[0]);
    for (const char* tool : {"catalog_facts", "hub_lookup", "github_lookup", "submit_draft"}) {
      CHECK(std::find(offered.begin(), offered.end(), tool) != offered.end());
    }
    std::vector<WireCall> calls = LastCalls(wire, run.bodies[1]);
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].call_id == CallId(wire, "1a"));
    CHECK(calls[0].tool == "catalog_facts");
    CHECK(calls[0].arguments == json{{"subject", "Gemma 3n"}});
    CHECK(calls[1].call_id == CallId(wire, "1b"));
    CHECK(calls[1].arguments == json{{"subject", "SmolVLM2"}});
    std::vector<WireResult> facts = LastResults(wire, run.bodies[1]);
    REQUIRE(facts.size() == 2);
    CHECK(facts[0].call_id == CallId(wire, "1a"));
    CHECK(facts[0].content == e.gemma_result);
    CHECK_FALSE(facts[0].is_error);
    CHECK(facts[1].call_id == CallId(wire, "1b"));
    CHECK(facts[1].content == e.smol_result);
    CHECK_FALSE(facts[1].is_error);

    std::vector<WireResult> hub = LastResults(wire, run.bodies[2]);
    REQUIRE(hub.size() == 1);
    CHECK(hub[0].call_id == CallId(wire, "2"));
    CHECK_FALSE(hub[0].is_error);
    CHECK(hub[0].content.find(kSmolModel) != std::string::npos);
  }

  {  // the validation error names the dangling citation exactly
    std::vector<WireResult> rejected = LastResults(wire, run.bodies[3]);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].call_id == CallId(wire, "3"));
    CHECK(rejected[0].is_error);
    CHECK(rejected[0].content ==
          "The draft was not stored. Fix these problems and call submit_draft again:\n"
          "- subjects[1].facts[0].evidence_ids: ev-999 is not in the ledger\n");
  }

  {  // each persona is its own request, holding the ledger and nothing of the research
    const std::string digest = LedgerDigest(run.store, run.outcome.session_id);
    REQUIRE(digest.find(e.gemma_ev + " [Gemma 3n] ") != std::string::npos);
    REQUIRE(digest.find(" [SmolVLM2] ") != std::string::npos);
    for (std::size_t p = 0; p < kPersonas.size(); ++p) {
      CAPTURE(p);
      const json& body = run.bodies[4 + p];
      Parts parts = Split(wire, body);
      CHECK(parts.system == Prompt("persona_" + std::string(PersonaName(kPersonas[p])), run.cfg));
      REQUIRE(parts.messages.size() == 1);
      CHECK(parts.messages[0]["role"] == "user");
      const std::string text = TextOf(parts.messages[0]["content"]);
      CHECK(text.find(digest) != std::string::npos);
      // Not the transcript: no research turn's words, tool result or draft.
      for (const char* research : {"Catalog facts for both first.", "Now the hub.", "Submitting.",
                                   "rows recorded from the catalog", "The draft was not stored",
                                   "Looked up SmolVLM2 on the hub"}) {
        CHECK(body.dump().find(research) == std::string::npos);
      }
      // Not another persona's text.
      for (std::size_t q = 0; q < kPersonas.size(); ++q) {
        CHECK(body.dump().find(Rationale(q, 0)) == std::string::npos);
      }
      REQUIRE(body["tools"].size() == 1);
      if (wire == Wire::kAnthropic) {
        CHECK(body["tools"][0]["name"] == "panel_take");
        CHECK(body["tool_choice"] == json{{"type", "tool"}, {"name", "panel_take"}});
      } else {
        CHECK(body["tools"][0]["function"]["name"] == "panel_take");
        CHECK(body["tool_choice"] ==
              json{{"type", "function"}, {"function", {{"name", "panel_take"}}}});
      }
    }
  }

  {  // the stored draft is the corrected one, valid, with five personas scoring both
    std::vector<sessions::DraftRecord> drafts =
        run.store.ListDrafts(std::nullopt, run.outcome.session_id);
    REQUIRE(drafts.size() == 2);
    CHECK(drafts[0].id == run.outcome.draft_id);
    CHECK(drafts[0].status == sessions::DraftStatus::kPendingReview);
    CHECK(drafts[1].status == sessions::DraftStatus::kSuperseded);
    for (const auto& record : drafts) {
      CHECK(record.document.find("ev-999") == std::string::npos);
      CHECK(record.flags.empty());
    }
    Comparison doc = ComparisonFromJson(drafts[0].document).value();
    CHECK(doc.provider == WireName(wire));
    CHECK(doc.model == ModelOf(wire));
    CHECK(doc.session == run.outcome.session_id);
    CHECK(doc.subjects[1].facts[0].evidence_ids == e.draft.subjects[1].facts[0].evidence_ids);
    CHECK(doc.flags.notes == e.draft.flags.notes);
    CHECK_FALSE(doc.flags.one_sided);

    tools::StoreLedger ledger(run.store, run.outcome.session_id);
    std::vector<ValidationProblem> problems = Validate(doc, LookupIn(ledger));
    INFO(FormatProblems(problems));
    CHECK(problems.empty());

    REQUIRE(doc.panel.size() == 5);
    for (std::size_t p = 0; p < kPersonas.size(); ++p) {
      CAPTURE(p);
      CHECK(doc.panel[p].persona == kPersonas[p]);
      CHECK(doc.panel[p].takes[0].score == kScores[p].a);
      CHECK(doc.panel[p].takes[1].score == kScores[p].b);
      CHECK(doc.panel[p].takes[0].rationale == Rationale(p, 0));
      CHECK(doc.panel[p].takes[1].evidence_ids == std::vector<std::string>{e.smol_ev});
      CHECK_FALSE(doc.panel[p].takes[0].abstain);
      CHECK_FALSE(doc.panel[p].takes[1].abstain);
    }
    CHECK(doc.verdict[0].label == "Ship · 4 ship / 1 skip");
    CHECK(doc.verdict[1].label == "Skip · 2 ship / 3 skip");

    auto session = run.store.GetSession(run.outcome.session_id);
    CHECK(session->iterations == 9);  // 4 research turns + 5 persona calls
    CHECK(session->usage.input == 9000);
    CHECK(run.notices.back() ==
          fmt::format("The panel judged both tools in 5 separate calls; draft {} replaces {}.",
                      drafts[0].id, drafts[1].id));
  }
}

}  // namespace
}  // namespace intern::agent
