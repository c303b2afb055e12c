#include "agent/comparison_validator.h"

#include <catch2/catch.hpp>

#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

using testing::Abstain;
using testing::FakeLedger;
using testing::SampleComparison;
using testing::SampleLedger;
using testing::SampleSubmission;
using testing::Take;
using Kind = ValidationProblem::Kind;

std::vector<std::string> Messages(const std::vector<ValidationProblem>& problems) {
  std::vector<std::string> out;
  for (const ValidationProblem& p : problems) out.push_back(p.message);
  return out;
}

std::vector<std::string> Check(const Comparison& c) {
  FakeLedger ledger = SampleLedger();
  return Messages(Validate(c, ledger.Lookup()));
}

TEST_CASE("a complete, balanced draft has no problems") {
  Comparison c = SampleComparison();
  CHECK(Check(c).empty());
  CHECK_FALSE(c.flags.one_sided);
  CHECK(c.flags.gaps.empty());
}

TEST_CASE("the workflow's fills compute verdicts, derived decision rows and numbered evidence") {
  Comparison c = SampleComparison();
  CHECK(c.verdict[0] == SubjectVerdict{"Ship · 3 ship / 1 skip", 0.75, 3, 1, 1});
  CHECK(c.verdict[1] == SubjectVerdict{"Ship · 3 ship / 1 skip", 0.75, 3, 1, 1});
  REQUIRE(c.decision.size() == 7);
  CHECK(c.decision[0] ==
        DecisionRow{"Panel verdict", "Ship · 3 ship / 1 skip", "Ship · 3 ship / 1 skip", {}});
  CHECK(c.decision[1] == DecisionRow{"Panel ship", "75%", "75%", {}});
  CHECK(c.decision[2] == DecisionRow{"Pricing", "Free (open weights)", "Free", {}});
  CHECK(c.decision[6].label == "Parameters");
  // Decision rows, facts of subject 0 then of subject 1, takes, benchmarks: first citation wins.
  std::vector<std::string> ids;
  for (const EvidenceItem& e : c.evidence) ids.push_back(e.id);
  CHECK(ids == std::vector<std::string>{"ev-2", "ev-4", "ev-1", "ev-3", "ev-5", "ev-6"});
  CHECK(EvidenceNumber(c, "ev-5") == 5);
  CHECK(EvidenceNumber(c, "ev-99") == 0);
  CHECK(c.evidence[0] ==
        EvidenceItem{"ev-2", "gemma-3n", "https://huggingface.co/google/gemma-3n-E2B",
                     "google/gemma-3n-E2B", "", "2026-11-21T09:15:00Z", "hub_lookup"});
}

TEST_CASE("completing the derived parts twice changes nothing") {
  Comparison c = SampleComparison();
  Comparison again = c;
  FakeLedger ledger = SampleLedger();
  PrepareForValidation(again, ledger.Lookup());
  CHECK(again == c);
}

TEST_CASE(
    "the verdict label says skip or split when the panel does, and no take when all abstain") {
  Comparison c = SampleSubmission();
  for (PanelTake& p : c.panel) p.takes[0] = Take(30, Verdict::kSkip, "no", {});
  c.panel[0].takes[0] = Take(70, Verdict::kShip, "yes", {});
  CHECK(ComputeVerdict(c, 0).label == "Skip · 1 ship / 4 skip");
  CHECK(ComputeVerdict(c, 0).ship_share == Approx(0.2));
  c.panel[1].takes[0] = Take(70, Verdict::kShip, "yes", {});
  c.panel[2].takes[0] = Abstain("none");
  CHECK(ComputeVerdict(c, 0).label == "Split · 2 ship / 2 skip");
  for (PanelTake& p : c.panel) p.takes[0] = Abstain("none");
  CHECK(ComputeVerdict(c, 0) == SubjectVerdict{"No panel take", 0.0, 0, 0, 5});
}

TEST_CASE("a citation that is not in the ledger is named with its path") {
  Comparison c = SampleComparison();
  c.subjects[1].facts[1].evidence_ids = {"ev-4", "ev-99"};
  CHECK(Check(c) ==
        std::vector<std::string>{"subjects[1].facts[1].evidence_ids: ev-99 is not in the ledger"});
}

TEST_CASE("a fact without evidence is an error") {
  Comparison c = SampleComparison();
  c.subjects[0].facts[1].evidence_ids.clear();
  CHECK(Check(c) == std::vector<std::string>{
                        "subjects[0].facts[1] (parameters) has no evidence_ids: cite the ledger "
                        "record it comes from, or drop the fact"});
}

TEST_CASE("evidence about the other subject cannot support a fact or a take") {
  Comparison c = SampleComparison();
  c.subjects[1].facts[0].evidence_ids = {"ev-1"};
  c.panel[0].takes[0].evidence_ids = {"ev-3", "ev-5"};  // ev-5 is general: fine
  CHECK(Check(c) == std::vector<std::string>{
                        "subjects[1].facts[0].evidence_ids: ev-1 is about Gemma 3n, not SmolVLM2",
                        "panel[0].takes[0].evidence_ids: ev-3 is about SmolVLM2, not Gemma 3n"});
}

TEST_CASE("a missing persona and a repeated persona are both reported") {
  Comparison c = SampleComparison();
  c.panel[4] = c.panel[1];  // founder replaced by a second skeptic
  ComputeVerdicts(c);
  CHECK(Check(c) == std::vector<std::string>{
                        "panel[4]: the skeptic already gave its take at panel[1]: give each "
                        "persona exactly once",
                        "panel: the founder's take is missing: each of builder, skeptic, "
                        "futurist, creator and founder judges both subjects (abstaining with a "
                        "reason when the evidence does not reach its lens)"});
}

TEST_CASE("a score outside 0-100 is out of range") {
  Comparison c = SampleComparison();
  c.panel[2].takes[1].score = 140;
  CHECK(Check(c) == std::vector<std::string>{
                        "panel[2].takes[1].score 140 is out of range: give a score from 0 to 100"});
}

TEST_CASE("a score below 60 that ships needs an exception with the reason") {
  Comparison c = SampleComparison();
  c.panel[1].takes[1] = Take(40, Verdict::kShip, "Good enough.", {"ev-4"});
  ComputeVerdicts(c);
  CompleteDerived(c);
  CHECK(Check(c) == std::vector<std::string>{
                        "panel[1].takes[1]: the skeptic gives SmolVLM2 40 but says ship (ship "
                        "needs a score of 60 or more): change the score or the verdict, or give "
                        "the reason in exception"});
  c.panel[1].takes[1].exception = "the only model of its size that handles video";
  CHECK(Check(c).empty());
}

TEST_CASE("a score of 60 or more that skips is a disagreement too") {
  Comparison c = SampleComparison();
  c.panel[0].takes[0].verdict = Verdict::kSkip;
  CompleteDerived(c);
  CHECK(Check(c) == std::vector<std::string>{
                        "panel[0].takes[0]: the builder gives Gemma 3n 84 but says skip (a score "
                        "of 60 or more ships): change the score or the verdict, or give the "
                        "reason in exception"});
}

TEST_CASE("verdicts that do not match the panel are reported with both labels") {
  Comparison c = SampleComparison();
  c.verdict[1] = {"Ship · 4 ship / 0 skip", 1.0, 4, 0, 1};
  CHECK(Check(c) == std::vector<std::string>{
                        "verdict[1] for SmolVLM2 says \"Ship · 4 ship / 0 skip\" (100% ship "
                        "share) but the panel gives \"Ship · 3 ship / 1 skip\" (75%): recompute "
                        "the verdicts"});
}

TEST_CASE("schema problems: same subject twice, unknown pricing, empty rationale and reason") {
  Comparison c = SampleComparison();
  c.subjects[1].name = "gemma-3n";
  c.subjects[0].pricing.model = "freemium";
  c.panel[0].takes[0].rationale.clear();
  c.panel[3].takes[1].abstain_reason.clear();
  c.subjects[1].facts.clear();
  c.panel[0].takes[1].evidence_ids.clear();
  c.panel[1].takes[1].evidence_ids.clear();
  c.panel[2].takes[1].evidence_ids.clear();
  c.panel[4].takes[1].evidence_ids.clear();
  c.benchmarks.clear();
  CompleteDerived(c);
  std::vector<std::string> problems = Check(c);
  REQUIRE(problems.size() >= 4);
  CHECK(
      problems[0] ==
      "subjects[0].pricing.model \"freemium\" is not one of free, open-source, paid, usage-based");
  CHECK(problems[1] ==
        "subjects[1].name \"gemma-3n\" names the same tool as subjects[0]: compare "
        "two different tools");
  CHECK(
      problems[2] ==
      "panel[0].takes[0].rationale is empty: say in a sentence or two why the builder decided so");
  CHECK(problems[3] ==
        "panel[3].takes[1].abstain_reason is empty: say which evidence the creator lacks");
}

TEST_CASE("a benchmark must name a subject and carry a receipt") {
  Comparison c = SampleComparison();
  c.benchmarks[0].subject = "Llama";
  c.benchmarks[0].receipt_id.clear();
  c.benchmarks[0].evidence_ids.clear();
  std::vector<std::string> problems = Check(c);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] == "benchmarks[0].subject \"Llama\" is neither Gemma 3n nor SmolVLM2");
  CHECK(problems[1] ==
        "benchmarks[0].receipt_id is empty: only results measured with "
        "run_benchmark belong in benchmarks (put vendors' figures in facts)");
}

TEST_CASE("a draft that researched only one subject is flagged one-sided, not rejected") {
  Comparison c = SampleSubmission();
  c.subjects[1].facts.clear();
  for (PanelTake& p : c.panel)
    if (!p.takes[1].abstain) p.takes[1].evidence_ids.clear();
  c.benchmarks.clear();
  c.decision.clear();
  FakeLedger ledger = SampleLedger();
  PrepareForValidation(c, ledger.Lookup());
  std::vector<ValidationProblem> problems = Validate(c, ledger.Lookup());
  CHECK(problems ==
        std::vector<ValidationProblem>{
            {Kind::kFlag,
             "parity: SmolVLM2 is backed by 0 distinct sources (at least 2 are needed for a "
             "balanced comparison): research it further, or the draft needs an override comment "
             "to be approved"},
            {Kind::kFlag,
             "parity: only 0 of 2 fact fields are given for both subjects (at least half must "
             "be): cover the same fields for both, or the draft needs an override comment to be "
             "approved"}});
  CHECK(Storable(problems));
  CHECK(c.flags.one_sided);
  CHECK(c.flags.gaps ==
        std::vector<std::string>{"SmolVLM2: no licence fact", "SmolVLM2: no parameters fact"});
  CHECK(FormatProblems({problems[0]}).rfind("- (flag) parity: SmolVLM2 is backed by 0", 0) == 0);
}

TEST_CASE("parity counts distinct sources about the subject and tolerates a few gaps") {
  Comparison c = SampleComparison();
  c.subjects[0].facts.push_back({"downloads", "1,200,000", {"ev-2"}});
  FakeLedger ledger = SampleLedger();
  ParityAssessment parity = AssessParity(c, ledger.Lookup());
  CHECK(parity.sources == std::array<int, 2>{2, 3});
  CHECK(parity.shared_fields == 2);
  CHECK(parity.all_fields == 3);
  CHECK_FALSE(parity.one_sided);
  CHECK(parity.gaps == std::vector<std::string>{"SmolVLM2: no downloads fact"});
}

TEST_CASE("errors make a draft unstorable and are listed for the model") {
  std::vector<ValidationProblem> problems = {{Kind::kError, "a"}, {Kind::kFlag, "b"}};
  CHECK_FALSE(Storable(problems));
  CHECK(FormatProblems(problems) == "- a\n- (flag) b\n");
}

TEST_CASE("a lookup over an EvidenceLedger finds its records") {
  class OneRecord : public tools::EvidenceLedger {
   public:
    Result<std::string> Record(const tools::EvidenceDraft&) override { return std::string("ev-1"); }
    std::optional<tools::EvidenceRecord> Get(const std::string& id) const override {
      if (id != "ev-1") return std::nullopt;
      tools::EvidenceRecord r;
      r.id = "ev-1";
      return r;
    }
  } ledger;
  EvidenceLookup lookup = LookupIn(ledger);
  CHECK(lookup("ev-1").has_value());
  CHECK_FALSE(lookup("ev-2").has_value());
}

}  // namespace
}  // namespace intern::agent
