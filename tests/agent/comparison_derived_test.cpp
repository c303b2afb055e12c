#include <catch2/catch.hpp>

#include "agent/comparison.h"
#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

using testing::SampleSubmission;

TEST_CASE("key-number rows pair the subjects' facts by field, with a dash for a gap") {
  Comparison c = SampleSubmission();
  c.subjects[1].facts.push_back({"context_window", "16,384", {"ev-4", "ev-3"}});
  std::vector<DecisionRow> rows =
      KeyNumberRows(c, {"Parameters", "context_window", "stars", "licence"});
  CHECK(rows == std::vector<DecisionRow>{
                    {"Parameters", "5B raw (2B effective)", "2.2B", {"ev-2", "ev-4"}},
                    {"Context window", "—", "16,384", {"ev-4", "ev-3"}},
                    {"Licence", "Gemma terms of use", "Apache-2.0", {"ev-1", "ev-3"}},
                });
}

TEST_CASE("derived decision rows come first and replace stale copies of themselves") {
  Comparison c = SampleSubmission();
  c.decision.insert(c.decision.begin(), {"Panel verdict", "stale", "stale", {}});
  CompleteDerived(c);
  REQUIRE(c.decision.size() == 7);
  std::vector<std::string> labels;
  for (const DecisionRow& r : c.decision) labels.push_back(r.label);
  CHECK(labels == std::vector<std::string>{"Panel verdict", "Panel ship", "Pricing", "Best for",
                                           "Category", "Licence", "Parameters"});
  CHECK(c.decision[0].left == "Ship · 3 ship / 1 skip");
}

TEST_CASE("a one-sided draft cannot be approved without an override comment") {
  Comparison c = SampleSubmission();
  CHECK_FALSE(ApprovalBlocker(c).has_value());
  c.flags.one_sided = true;
  CHECK(ApprovalBlocker(c) ==
        "this draft is one-sided (the evidence does not cover both tools comparably): approve it "
        "only with an override comment saying why it is fair");
  c.override_comment = "  ";
  CHECK(ApprovalBlocker(c).has_value());
  c.override_comment = "the second tool has no public repository; the hub card is all there is";
  CHECK_FALSE(ApprovalBlocker(c).has_value());
}

TEST_CASE("personas and verdicts have stable names, and shares round to whole percents") {
  CHECK(PersonaName(Persona::kFuturist) == "futurist");
  CHECK(PersonaTitle(Persona::kFounder) == "Founder");
  CHECK(PersonaFromName("skeptic") == Persona::kSkeptic);
  CHECK_FALSE(PersonaFromName("Skeptic").has_value());
  CHECK(VerdictName(Verdict::kSkip) == "skip");
  CHECK(FormatShare(0.75) == "75%");
  CHECK(FormatShare(2.0 / 3.0) == "67%");
  CHECK(FormatShare(0.0) == "0%");
}

}  // namespace
}  // namespace intern::agent
