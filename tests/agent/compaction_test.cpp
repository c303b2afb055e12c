#include "agent/compaction.h"

#include <catch2/catch.hpp>

namespace intern::agent {
namespace {

Message Use(std::vector<std::string> ids) {
  Message m{Role::kAssistant, {TextBlock{"calling"}}};
  for (auto& id : ids) m.content.emplace_back(ToolUseBlock{id, "web_search", "{}"});
  return m;
}

Message Results(std::vector<std::string> ids) {
  std::vector<ToolResultBlock> r;
  for (auto& id : ids) r.push_back(ToolResultBlock{id, "body of " + id, false});
  return Message::ToolResults(r);
}

// sys, task, then n turns of (assistant tool_use tN, tool result tN), then a final assistant text.
std::vector<Message> Conversation(int n) {
  std::vector<Message> m = {Message::System("sys"), Message::User("compare A and B")};
  for (int i = 0; i < n; ++i) {
    std::string id = "t" + std::to_string(i);
    m.push_back(Use({id}));
    m.push_back(Results({id}));
  }
  m.push_back(Message::Assistant("thinking"));
  return m;
}

TEST_CASE(
    "the estimate adds the characters since the last report at the calibrated rate, rounded up") {
  CHECK(EstimateTokens(1000, 400, 4.0) == 1100);
  CHECK(EstimateTokens(1000, 401, 4.0) == 1101);
  CHECK(EstimateTokens(0, 0, 3.5) == 0);
  CHECK(EstimateTokens(10, 40, 0.0) == 20);  // falls back to 4 chars per token
  CHECK(EstimateTokens(10, -5, 4.0) == 10);
}

TEST_CASE("calibration blends the measured chars per token and stays within bounds") {
  CHECK(CalibrateCharsPerToken(4.0, 3000, 1000) == Approx(3.5));
  CHECK(CalibrateCharsPerToken(4.0, 0, 1000) == 4.0);
  CHECK(CalibrateCharsPerToken(4.0, 100000, 10) == 12.0);
  CHECK(CalibrateCharsPerToken(1.0, 1, 1000) == 1.0);
}

TEST_CASE("compaction triggers only above the ratio of the context window") {
  CHECK_FALSE(ShouldCompact(800, 1000, 0.8));
  CHECK(ShouldCompact(801, 1000, 0.8));
  CHECK_FALSE(ShouldCompact(5000, 0, 0.8));
}

TEST_CASE("the plan keeps system and task, summarises the middle and keeps the last turns") {
  auto m = Conversation(5);  // 2 + 10 + 1 = 13 messages
  auto plan = PlanCompaction(m, 2);
  CHECK(plan.prefix_end == 2);
  // Turns start at 2,4,6,8,10 (assistant tool_use) and 12 (assistant text): keep the last two.
  CHECK(plan.tail_begin == 10);
  CHECK(plan.HasMiddle());
}

TEST_CASE("keeping more turns than exist leaves nothing to summarise") {
  auto m = Conversation(2);
  auto plan = PlanCompaction(m, 10);
  CHECK(plan == CompactionPlan{2, 2, m.size()});
  CHECK_FALSE(plan.HasMiddle());
}

TEST_CASE("a kept tool result pulls its tool_use into the tail even across an inserted message") {
  std::vector<Message> m = {Message::System("sys"),
                            Message::User("task"),
                            Use({"a"}),
                            Results({"a"}),
                            Use({"b"}),
                            Message::User("guard: you are repeating yourself"),
                            Results({"b"}),
                            Message::Assistant("ok")};
  // Turn starts: 2, 4, 5, 7. Keeping 2 turns would start the tail at 5 (the guard), whose
  // following tool result answers the tool_use at 4: the tail must begin at 4.
  auto plan = PlanCompaction(m, 2);
  CHECK(plan.tail_begin == 4);
}

TEST_CASE("parallel tool calls of one turn stay together with all their results") {
  Message anthropic_style{Role::kUser,
                          {ToolResultBlock{"p1", "r1", false}, ToolResultBlock{"p2", "r2", false},
                           ToolResultBlock{"p3", "r3", true}}};
  std::vector<Message> m = {Message::System("sys"),
                            Message::User("task"),
                            Use({"x"}),
                            Results({"x"}),
                            Use({"p1", "p2", "p3"}),
                            anthropic_style,
                            Message::Assistant("next")};
  // A user message carrying tool results is not a turn start: turns start at 2, 4, 6.
  auto keep1 = PlanCompaction(m, 1);
  CHECK(keep1.tail_begin == 6);
  auto keep2 = PlanCompaction(m, 2);
  CHECK(keep2.tail_begin == 4);
}

TEST_CASE(
    "a tail whose first turn is followed by a late tool result extends back to its tool_use") {
  std::vector<Message> m = {Message::User("task"), Use({"a", "b"}), Results({"a"}),
                            Message::User("note"), Results({"b"})};
  // Turn starts: 1, 3. Keeping one turn starts at the note, whose following result answers b.
  auto plan = PlanCompaction(m, 1);
  CHECK(plan.prefix_end == 1);
  CHECK(plan.tail_begin == 1);
  auto none = PlanCompaction(m, 0);
  CHECK(none.tail_begin == 5);
}

TEST_CASE("assembling the compacted request puts digest and summary between prefix and tail") {
  auto m = Conversation(3);
  auto plan = PlanCompaction(m, 1);
  auto out = AssembleCompacted(m, plan, "DIGEST", "SUMMARY");
  REQUIRE(out.size() == 2 + 1 + (m.size() - plan.tail_begin));
  CHECK(out[0] == m[0]);
  CHECK(out[1] == m[1]);
  CHECK(out[2].role == Role::kUser);
  CHECK(out[2].Text().find("DIGEST\n\nSUMMARY") != std::string::npos);
  CHECK(out.back() == m.back());
}

TEST_CASE("old tool-result bodies are replaced by their evidence handles, the tail is untouched") {
  auto m = Conversation(3);  // results at 3, 5, 7
  int replaced = -1;
  auto out = ReplaceOldToolResults(
      m, 6,
      [](const ToolResultBlock& r) -> std::optional<std::string> {
        if (r.tool_use_id == "t1") return std::nullopt;  // no handle: keep the body
        return "[stored as ev-" + r.tool_use_id + "]";
      },
      &replaced);
  CHECK(replaced == 1);
  CHECK(std::get<ToolResultBlock>(out[3].content[0]).content == "[stored as ev-t0]");
  CHECK(std::get<ToolResultBlock>(out[5].content[0]).content == "body of t1");
  CHECK(std::get<ToolResultBlock>(out[7].content[0]).content == "body of t2");
}

// Runs the ladder with a fixed answer to every step and returns the actions taken.
std::vector<std::string> RunLadder(LadderOutcome always, int max_attempts) {
  std::vector<std::string> actions;
  LadderState state;
  LadderOutcome outcome = LadderOutcome::kStart;
  for (int guard = 0; guard < 50; ++guard) {
    auto step = NextLadderStep(state, outcome, max_attempts);
    actions.push_back(LadderActionName(step.action));
    state = step.next;
    if (step.action == LadderAction::kSend || step.action == LadderAction::kContextExhausted) break;
    outcome = always;
  }
  return actions;
}

TEST_CASE(
    "fall-back ladder: summarise, then replace bodies, then context_exhausted, never looping") {
  CHECK(RunLadder(LadderOutcome::kFits, 2) == std::vector<std::string>{"summarise", "send"});
  CHECK(RunLadder(LadderOutcome::kStillTooLarge, 2) ==
        std::vector<std::string>{"summarise", "replace_bodies", "context_exhausted"});
  CHECK(RunLadder(LadderOutcome::kSummariserFailed, 2) ==
        std::vector<std::string>{"summarise", "summarise", "replace_bodies", "context_exhausted"});
  CHECK(RunLadder(LadderOutcome::kSummariserFailed, 0) ==
        std::vector<std::string>{"replace_bodies", "context_exhausted"});
}

TEST_CASE(
    "the ladder recovers when replacing bodies is enough, and a finished episode stays finished") {
  LadderState s;
  auto a = NextLadderStep(s, LadderOutcome::kStart);
  auto b = NextLadderStep(a.next, LadderOutcome::kStillTooLarge);
  CHECK(b.action == LadderAction::kReplaceBodies);
  auto c = NextLadderStep(b.next, LadderOutcome::kFits);
  CHECK(c.action == LadderAction::kSend);
  CHECK(NextLadderStep(c.next, LadderOutcome::kStart).action == LadderAction::kContextExhausted);
}

std::vector<DigestEntry> Ledger() {
  return {
      {"ev-1", "Gemma 3n", "license", "Gemma Terms of Use", "https://ai.google.dev/gemma/terms"},
      {"ev-2", "SmolVLM2", "parameters", "2.2B",
       "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct"},
      {"ev-3", "Gemma 3n", "", "model card\nwith two lines", ""},
      {"ev-4", "", "", "search hits for \"edge vlm\"", "search:edge vlm"}};
}

TEST_CASE("the ledger digest groups by subject and lists every id") {
  std::string digest = LedgerDigest(Ledger());
  CHECK(digest ==
        "Evidence ledger (4 records):\n"
        "[Gemma 3n]\n"
        "- ev-1 license = Gemma Terms of Use (https://ai.google.dev/gemma/terms)\n"
        "- ev-3 model card with two lines\n"
        "[SmolVLM2]\n"
        "- ev-2 parameters = 2.2B (https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct)\n"
        "[(no subject)]\n"
        "- ev-4 search hits for \"edge vlm\" (search:edge vlm)\n");
}

TEST_CASE("ledger records become digest entries: facts by field, other kinds by kind and summary") {
  tools::EvidenceRecord fact;
  fact.id = "ev-7";
  fact.draft.subject = "SmolVLM2";
  fact.draft.kind = "fact";
  fact.draft.field = "license";
  fact.draft.value = "Apache-2.0";
  fact.draft.source_url = "https://huggingface.co/x";
  CHECK(LedgerDigest({DigestEntryFrom(fact)}) ==
        "Evidence ledger (1 record):\n[SmolVLM2]\n- ev-7 license = Apache-2.0 "
        "(https://huggingface.co/x)\n");
  tools::EvidenceRecord page = fact;
  page.id = "ev-8";
  page.draft.kind = "page";
  page.draft.field = "";
  page.draft.value = "Model card of SmolVLM2";
  CHECK(DigestEntryFrom(page).value == "page: Model card of SmolVLM2");
}

TEST_CASE("a digest of many long records still names every id") {
  std::vector<DigestEntry> many;
  for (int i = 0; i < 200; ++i) {
    many.push_back(
        {"ev-" + std::to_string(i), "S" + std::to_string(i % 7), "f", std::string(1000, 'v'), "u"});
  }
  std::string digest = LedgerDigest(many, 40);
  for (const auto& e : many) {
    INFO(e.id);
    CHECK(digest.find("- " + e.id + " ") != std::string::npos);
  }
  CHECK(digest.size() < 200 * 80);
}

ResearchSummary Sample() {
  return {{"Gemma 3n", "SmolVLM2"},
          {{"Gemma 3n ships under the Gemma Terms of Use", {"ev-1"}},
           {"SmolVLM2 has 2.2B parameters", {"ev-2"}}},
          {"Which runs faster on a phone?"},
          {"https://ai.google.dev/gemma/terms"},
          "Licences done; benchmarks next."};
}

TEST_CASE("a rendered summary parses back to the same struct") {
  ResearchSummary s = Sample();
  CHECK(ParseSummary(RenderSummary(s)) == s);
}

TEST_CASE("summary parsing is lenient about headings, bullets and id placement") {
  auto s = ParseSummary(
      "Here is the summary.\n"
      "**Subjects:**\n"
      "* Gemma 3n\n"
      "# FACTS ESTABLISHED\n"
      "1. Gemma 3n is licensed under its own terms (ev-1, ev-7)\n"
      "2) Parameter count per ev-2 is 2.2B\n"
      "- previous ev-notes are not prev-9 ids\n"
      "### Notes\n"
      "- ignored\n"
      "Open questions:\n"
      "• speed?\n"
      "## Plan\n"
      "Step 3 of 5.\n"
      "Then draft.\n");
  CHECK(s.subjects == std::vector<std::string>{"Gemma 3n"});
  REQUIRE(s.facts.size() == 3);
  CHECK(s.facts[0] == SummaryFact{"Gemma 3n is licensed under its own terms", {"ev-1", "ev-7"}});
  CHECK(s.facts[1] == SummaryFact{"Parameter count per ev-2 is 2.2B", {"ev-2"}});
  CHECK(s.facts[2].evidence_ids == std::vector<std::string>{"ev-notes"});
  CHECK(s.open_questions == std::vector<std::string>{"speed?"});
  CHECK(s.sources.empty());
  CHECK(s.plan_status == "Step 3 of 5.\nThen draft.");
  CHECK(ParseSummary("no structure at all") == ResearchSummary{});
}

TEST_CASE(
    "a summary that drops evidence ids is repaired by appending the digest of the missing ones") {
  std::string repaired = RepairSummary(Sample(), Ledger());
  CHECK(repaired.find(RenderSummary(Sample())) == 0);
  CHECK(repaired.find("Evidence not cited above:\nEvidence ledger (2 records):") !=
        std::string::npos);
  for (const auto& e : Ledger()) {
    INFO(e.id);
    CHECK(repaired.find(e.id) != std::string::npos);
  }
  ResearchSummary complete = Sample();
  complete.facts.push_back({"more", {"ev-3", "ev-4"}});
  CHECK(RepairSummary(complete, Ledger()) == RenderSummary(complete));
}

}  // namespace
}  // namespace intern::agent
