#include "agent/review/comparison_diff.h"

#include <catch2/catch.hpp>

#include "agent/comparison_json.h"
#include "config/clock.h"
#include "sessions/store.h"
#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

using testing::SampleComparison;

TEST_CASE("diff: identical comparisons have no changes") {
  ComparisonDiff diff = DiffComparisons(SampleComparison(), SampleComparison());
  CHECK(diff.empty());
  CHECK(RenderDiff(diff) == "No fact, score or verdict changed.\n");
}

TEST_CASE("diff: facts are compared per subject and field, table") {
  struct Row {
    const char* name;
    std::vector<Fact> gemma_after;
    std::vector<FactChange> expected;
  };
  // Published Gemma 3n facts: licence "Gemma terms of use", parameters "5B raw (2B effective)".
  std::vector<Row> rows = {
      {"value changed",
       {{"licence", "Gemma terms of use", {"ev-1"}}, {"parameters", "8B raw", {"ev-2"}}},
       {{FactChange::Kind::kChanged, "Gemma 3n", "parameters", "5B raw (2B effective)", "8B raw"}}},
      {"fact added",
       {{"licence", "Gemma terms of use", {"ev-1"}},
        {"parameters", "5B raw (2B effective)", {"ev-2"}},
        {"stars", "12k", {"ev-2"}}},
       {{FactChange::Kind::kAdded, "Gemma 3n", "stars", "", "12k"}}},
      {"fact removed",
       {{"licence", "Gemma terms of use", {"ev-1"}}},
       {{FactChange::Kind::kRemoved, "Gemma 3n", "parameters", "5B raw (2B effective)", ""}}},
      {"only evidence ids changed: no change",
       {{"licence", "Gemma terms of use", {"ev-9"}},
        {"parameters", "5B raw (2B effective)", {"ev-8"}}},
       {}},
      {"field case does not matter",
       {{"Licence", "Gemma terms of use", {"ev-1"}},
        {"PARAMETERS", "5B raw (2B effective)", {"ev-2"}}},
       {}},
      {"a repeated field is compared as its joined values",
       {{"licence", "Gemma terms of use", {"ev-1"}},
        {"parameters", "5B raw (2B effective)", {"ev-2"}},
        {"parameters", "E4B: 8B raw", {"ev-2"}}},
       {{FactChange::Kind::kChanged, "Gemma 3n", "parameters", "5B raw (2B effective)",
         "5B raw (2B effective); E4B: 8B raw"}}},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    Comparison now = SampleComparison();
    now.subjects[0].facts = row.gemma_after;
    CHECK(DiffComparisons(SampleComparison(), now).facts == row.expected);
  }
}

TEST_CASE("diff: subjects are matched by name when the new draft lists them the other way round") {
  Comparison published = SampleComparison();
  Comparison now = SampleComparison();
  std::swap(now.subjects[0], now.subjects[1]);
  for (PanelTake& p : now.panel) std::swap(p.takes[0], p.takes[1]);
  std::swap(now.verdict[0], now.verdict[1]);
  now.subjects[0].name = "smolvlm-2";  // another spelling of the same tool
  CHECK(SamePair(published, now));
  CHECK(DiffComparisons(published, now).empty());
}

TEST_CASE("diff: persona scores, verdict flips and abstentions, table") {
  struct Row {
    const char* name;
    std::function<void(Comparison&)> change;
    std::vector<TakeChange> expected;
  };
  std::vector<Row> rows = {
      {"score moved, verdict kept",
       [](Comparison& c) { c.panel[0].takes[0].score = 90; },
       {{Persona::kBuilder, "Gemma 3n", "84/100 · ship", "90/100 · ship", 6, false}}},
      {"score and verdict flipped",
       [](Comparison& c) {
         c.panel[1].takes[1].score = 72;
         c.panel[1].takes[1].verdict = Verdict::kShip;
       },
       {{Persona::kSkeptic, "SmolVLM2", "55/100 · skip", "72/100 · ship", 17, true}}},
      {"abstention began",
       [](Comparison& c) {
         c.panel[2].takes[0].abstain = true;
         c.panel[2].takes[0].abstain_reason = "no roadmap evidence";
       },
       {{Persona::kFuturist, "Gemma 3n", "87/100 · ship", "no panel take", std::nullopt, true}}},
      {"abstention ended",
       [](Comparison& c) {
         c.panel[4].takes[0] = testing::Take(61, Verdict::kShip, "Free is a price.", {"ev-1"});
       },
       {{Persona::kFounder, "Gemma 3n", "no panel take", "61/100 · ship", std::nullopt, true}}},
      {"rationale only: no change",
       [](Comparison& c) { c.panel[0].takes[1].rationale = "Reworded."; },
       {}},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    Comparison now = SampleComparison();
    row.change(now);
    CHECK(DiffComparisons(SampleComparison(), now).takes == row.expected);
  }
}

TEST_CASE("diff: panel verdict labels that changed are listed and everything renders") {
  Comparison now = SampleComparison();
  now.panel[1].takes[1].score = 72;
  now.panel[1].takes[1].verdict = Verdict::kShip;
  now.subjects[1].facts[1].value = "2.2B, 500M and 256M";
  ComputeVerdicts(now);
  ComparisonDiff diff = DiffComparisons(SampleComparison(), now);
  REQUIRE(diff.verdicts.size() == 1);
  CHECK(diff.verdicts[0] ==
        VerdictChange{"SmolVLM2", "Ship · 3 ship / 1 skip", "Ship · 4 ship / 0 skip"});
  CHECK(RenderDiff(diff) ==
        "Facts\n"
        "  ~ SmolVLM2 · parameters: \"2.2B\" → \"2.2B, 500M and 256M\"\n"
        "Scores\n"
        "  Skeptic · SmolVLM2: 55/100 · skip → 72/100 · ship (+17), verdict changed\n"
        "Panel verdicts\n"
        "  SmolVLM2: Ship · 3 ship / 1 skip → Ship · 4 ship / 0 skip\n");
}

TEST_CASE("diff: added and removed facts render with + and -") {
  ComparisonDiff diff;
  diff.facts = {{FactChange::Kind::kAdded, "A", "stars", "", "12k"},
                {FactChange::Kind::kRemoved, "B", "licence", "MIT", ""}};
  CHECK(RenderDiff(diff) == "Facts\n  + A · stars: \"12k\"\n  - B · licence: \"MIT\"\n");
}

TEST_CASE("SamePair is false for a different pair") {
  Comparison other = SampleComparison();
  other.subjects[1].name = "Phi-4";
  CHECK_FALSE(SamePair(SampleComparison(), other));
}

sessions::DraftRecord StoreDraft(sessions::Store& store, const std::string& session,
                                 const Comparison& doc) {
  sessions::Session s;
  s.id = session;
  s.kind = "compare";
  store.CreateSession(s);
  sessions::DraftRecord d;
  d.session_id = session;
  d.title = doc.title;
  d.document = ComparisonToJson(doc);
  return store.CreateDraft(d);
}

void Publish(sessions::Store& store, const sessions::DraftRecord& d, const std::string& commit) {
  store.RecordDecision(d.id, sessions::ApprovalDecision::kApprove, "ana", "", d.sha256);
  store.MarkDraftPublished(d.id, commit);
}

TEST_CASE("PublishedPredecessor finds the latest published draft of the same pair") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({.clock = &clock});
  Comparison first = SampleComparison();
  first.question = "first";
  sessions::DraftRecord old = StoreDraft(store, "s-1", first);
  Publish(store, old, "c1");
  clock.Sleep(std::chrono::seconds(5));
  sessions::DraftRecord newer = StoreDraft(store, "s-2", SampleComparison());
  Publish(store, newer, "c2");
  clock.Sleep(std::chrono::seconds(5));
  Comparison other_pair = SampleComparison();
  other_pair.subjects[1].name = "Phi-4";
  sessions::DraftRecord unrelated = StoreDraft(store, "s-3", other_pair);
  Publish(store, unrelated, "c3");

  sessions::DraftRecord rerun = StoreDraft(store, "s-4", SampleComparison());
  std::optional<sessions::DraftRecord> found = PublishedPredecessor(store, rerun);
  REQUIRE(found.has_value());
  CHECK(found->id == newer.id);
  CHECK_FALSE(PublishedPredecessor(store, *store.GetDraft(unrelated.id)).has_value());
}

TEST_CASE("PublishedPredecessor: nothing published, nothing to diff") {
  sessions::Store store = sessions::Store::OpenInMemory();
  sessions::DraftRecord d = StoreDraft(store, "s-1", SampleComparison());
  CHECK_FALSE(PublishedPredecessor(store, d).has_value());
}

}  // namespace
}  // namespace intern::agent
