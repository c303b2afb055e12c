#include "agent/comparison_json.h"

#include <catch2/catch.hpp>

#include "tests/agent/comparison_fixture.h"
#include "tools/schema_validator.h"

namespace intern::agent {
namespace {

using nlohmann::json;
using testing::SampleComparison;

// A submission as a model would write it, in the schema's exact shape.
json GoodSubmission() {
  json take = {
      {"score", 72}, {"verdict", "ship"}, {"rationale", "Solid."}, {"evidence_ids", {"ev-1"}}};
  json panel = json::array();
  for (const char* p : {"builder", "skeptic", "futurist", "creator", "founder"})
    panel.push_back(
        {{"persona", p},
         {"takes", json::array({take, {{"abstain", true}, {"abstain_reason", "no data"}}})}});
  auto subject = [](const char* name) {
    return json{
        {"name", name},
        {"tagline", "t"},
        {"summary", "s"},
        {"category", "Developer Tools"},
        {"pricing", {{"model", "free"}, {"entry", "Free"}}},
        {"licence", "MIT"},
        {"facts",
         json::array({{{"field", "licence"}, {"value", "MIT"}, {"evidence_ids", {"ev-1"}}}})}};
  };
  return {{"title", "A vs B"},
          {"question", "Which?"},
          {"subjects", {subject("A"), subject("B")}},
          {"panel", panel},
          {"decision", json::array({{{"label", "Stars"}, {"left", "1"}, {"right", "2"}}})},
          {"benchmarks",
           json::array({{{"subject", "A"},
                         {"name", "latency"},
                         {"figures", {{"median", 1.5}, {"min", 1}, {"max", 2}, {"unit", "ms"}}},
                         {"receipt_id", "rcpt-1"}}})}};
}

TEST_CASE("a full comparison round-trips through JSON unchanged") {
  Comparison c = SampleComparison();
  c.flags.notes = {"GitHub was unreachable"};
  c.flags.over_budget = true;
  c.override_comment = "checked by hand";
  c.panel[0].takes[1].exception = "reason";
  c.panel[0].takes[1].signals = {"docs: docs present +10"};
  Result<Comparison> back = ComparisonFromJson(ComparisonToJson(c));
  REQUIRE(back.ok());
  CHECK(*back == c);
}

TEST_CASE("the stored JSON has the schema name and the documented keys") {
  json j = ComparisonToJsonValue(SampleComparison());
  CHECK(j["schema"] == "intern.comparison/v1");
  CHECK(j["verdict"][0]["label"] == "Ship · 3 ship / 1 skip");
  CHECK(j["verdict"][0]["ship_share"] == 0.75);
  CHECK(j["panel"][3]["takes"][1] ==
        json{{"abstain", true}, {"abstain_reason", "no evidence about creative tools"}});
  CHECK(j["evidence"][0]["id"] == "ev-2");
  CHECK(j["benchmarks"][0]["figures"]["unit"] == "tokens/s");
  CHECK(j["cost"] == json{{"usd", 0.42}, {"tokens", 12345}});
}

TEST_CASE("text that is not JSON, or another schema, is refused with the reason") {
  Result<Comparison> bad = ComparisonFromJson("{nope");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().code == ErrorCode::kInvalidArgument);
  CHECK(bad.failure().message.rfind("comparison JSON: [json.exception.parse_error.101]", 0) == 0);
  json j = ComparisonToJsonValue(SampleComparison());
  j["schema"] = "intern.comparison/v2";
  Result<Comparison> other = ComparisonFromJson(j.dump());
  REQUIRE_FALSE(other.ok());
  CHECK(other.failure().message ==
        "comparison JSON: schema must be \"intern.comparison/v1\", got \"intern.comparison/v2\"");
}

TEST_CASE("a well-formed submission passes the submit_draft schema and reads without problems") {
  json args = GoodSubmission();
  CHECK(tools::ValidateAgainstSchema(args, SubmitDraftSchema()).empty());
  ParsedComparison parsed = ParseDraftSubmission(args);
  CHECK(parsed.problems.empty());
  const Comparison& c = parsed.comparison;
  CHECK(c.title == "A vs B");
  CHECK(c.subjects[1].name == "B");
  CHECK(c.subjects[0].pricing == Pricing{"free", "Free"});
  CHECK(c.subjects[0].facts == std::vector<Fact>{{"licence", "MIT", {"ev-1"}}});
  REQUIRE(c.panel.size() == 5);
  CHECK(c.panel[4].persona == Persona::kFounder);
  CHECK(c.panel[4].takes[0].score == 72);
  CHECK(c.panel[4].takes[0].verdict == Verdict::kShip);
  CHECK(c.panel[4].takes[1].abstain);
  CHECK(c.panel[4].takes[1].abstain_reason == "no data");
  CHECK(c.decision == std::vector<DecisionRow>{{"Stars", "1", "2", {}}});
  CHECK(c.benchmarks[0].figures == BenchmarkFigures{1.5, 1, 2, "ms"});
}

TEST_CASE("the submit_draft schema catches a score out of range, an unknown persona, counts") {
  json args = GoodSubmission();
  args["panel"][0]["takes"][0]["score"] = 140;
  args["panel"][1]["persona"] = "critic";
  args["subjects"].erase(1);
  args["panel"].erase(4);
  // Unsigned minItems/maxItems: tools/schema_validator.cpp only honours unsigned counts.
  CHECK(tools::ValidateAgainstSchema(args, SubmitDraftSchema()) ==
        std::vector<std::string>{
            "argument \"panel\" must have at least 5 items, got 4",
            "argument \"panel[0].takes[0].score\" must be at most 100, got 140",
            "argument \"panel[1].persona\" must be one of \"builder\", \"skeptic\", "
            "\"futurist\", \"creator\", \"founder\", got the string \"critic\"",
            "argument \"subjects\" must have at least 2 items, got 1"});
}

TEST_CASE("the reader accepts common variations of shape") {
  json args = GoodSubmission();
  json& s0 = args["subjects"][0];
  s0.erase("licence");
  s0["license"] = "Apache-2.0";
  s0["pricing"] = "Free (open weights)";
  s0["links"] = json::array({"https://example.org/a"});
  s0["facts"] =
      json::array({{{"field", "stars"}, {"value", 12400}, {"evidence_ids", "ev-1, ev-2"}}});
  json& builder = args["panel"][0];
  builder["takes"] = {{"B", {{"abstain", "nothing about builds"}}},
                      {"A", {{"score", "84/100"}, {"verdict", "Ship"}, {"rationale", "ok"}}}};
  args["panel"][1]["takes"][0]["score"] = 71.6;
  args["panel"][1]["persona"] = "Skeptic";
  ParsedComparison parsed = ParseDraftSubmission(args);
  CHECK(parsed.problems.empty());
  const Comparison& c = parsed.comparison;
  CHECK(c.subjects[0].licence == "Apache-2.0");
  CHECK(c.subjects[0].pricing == Pricing{"", "Free (open weights)"});
  CHECK(c.subjects[0].links == std::vector<Link>{{"", "https://example.org/a"}});
  CHECK(c.subjects[0].facts == std::vector<Fact>{{"stars", "12400", {"ev-1", "ev-2"}}});
  CHECK(c.panel[0].takes[0].score == 84);
  CHECK(c.panel[0].takes[0].verdict == Verdict::kShip);
  CHECK(c.panel[0].takes[1].abstain);
  CHECK(c.panel[0].takes[1].abstain_reason == "nothing about builds");
  CHECK(c.panel[1].persona == Persona::kSkeptic);
  CHECK(c.panel[1].takes[0].score == 72);
}

TEST_CASE("shape problems are reported with their paths, all at once") {
  json args = GoodSubmission();
  args["subjects"][1]["facts"][0]["value"] = {{"n", 1}};
  args["subjects"][1]["facts"][0]["evidence_ids"] = 3;
  args["panel"][0]["takes"][1] = {{"score", "high"}, {"verdict", "maybe"}, {"rationale", "x"}};
  args["panel"][2]["persona"] = "critic";
  args["panel"][3]["takes"] = json::array({args["panel"][3]["takes"][0]});
  args["panel"][4]["takes"][0].erase("verdict");
  args["panel"][4]["takes"][0].erase("score");
  ParsedComparison parsed = ParseDraftSubmission(args);
  CHECK(parsed.problems ==
        std::vector<std::string>{
            "subjects[1].facts[0].value must be text, got an object",
            "subjects[1].facts[0].evidence_ids must be a list of evidence ids, got the number 3",
            "panel[0].takes[1].score must be a number from 0 to 100, got the string \"high\"",
            "panel[0].takes[1].verdict must be \"ship\" or \"skip\", got \"maybe\"",
            "panel[2].persona \"critic\" is not one of builder, skeptic, futurist, creator, "
            "founder",
            "panel[3].takes must have exactly 2 takes (one per subject), got 1",
            "panel[4].takes[0].score is missing: give a score from 0 to 100, or abstain with a "
            "reason",
            "panel[4].takes[0].verdict is missing: give \"ship\" or \"skip\""});
  CHECK(parsed.comparison.panel.size() == 4);  // the unknown persona is left out
}

TEST_CASE("a submission with one subject or no panel says what is missing") {
  ParsedComparison parsed =
      ParseDraftSubmission(json{{"title", "A"}, {"subjects", json::array({json{{"name", "A"}}})}});
  CHECK(parsed.problems ==
        std::vector<std::string>{"subjects must list exactly two subjects, got 1",
                                 "panel is missing: give the five personas' takes"});
  CHECK(ParseDraftSubmission(json::array()).problems ==
        std::vector<std::string>{"the draft must be a JSON object, got a list"});
}

TEST_CASE("a stored document read as a submission gives back what was submitted") {
  Comparison submitted = testing::SampleSubmission();
  ParsedComparison parsed = ParseDraftSubmission(ComparisonToJsonValue(SampleComparison()));
  CHECK(parsed.problems.empty());
  Comparison& c = parsed.comparison;
  CHECK(c.title == submitted.title);
  CHECK(c.question == submitted.question);
  CHECK(c.subjects == submitted.subjects);
  CHECK(c.panel == submitted.panel);
  CHECK(c.benchmarks == submitted.benchmarks);
  CompleteDerived(c);
  CompleteDerived(submitted);
  CHECK(c.decision == submitted.decision);
}

TEST_CASE("fields the workflow owns are ignored in a submission") {
  json args = GoodSubmission();
  args["provider"] = "me";
  args["evidence"] = json::array({json{{"id", "ev-7"}}});
  args["verdict"] = json::array({json{{"label", "Ship · 5 ship / 0 skip"}}});
  ParsedComparison parsed = ParseDraftSubmission(args);
  CHECK(parsed.problems.empty());
  CHECK(parsed.comparison.provider.empty());
  CHECK(parsed.comparison.evidence.empty());
  CHECK(parsed.comparison.verdict[0].label.empty());
}

}  // namespace
}  // namespace intern::agent
