#include "agent/offline_rubric.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace intern::agent {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

const sys_days kToday{2026y / 11 / 21};

// An open model on the Hub and GitHub, well covered by the ledger.
RubricFacts SmolVlm() {
  RubricFacts f;
  f.name = "SmolVLM2";
  f.facts = {
      {"licence", "Apache-2.0", {"ev-1"}},
      {"pricing", "open-source", {"ev-2"}},
      {"stars", "2,400", {"ev-3"}},
      {"forks", "180", {"ev-3"}},
      {"contributors", "35", {"ev-4"}},
      {"commits_last_year", "420", {"ev-4"}},
      {"open_issues", "60", {"ev-3"}},
      {"last_commit", "2026-11-10T08:00:00Z", {"ev-4"}},
      {"created_at", "2025-02-20", {"ev-3"}},
      {"releases_last_year", "3", {"ev-5"}},
      {"downloads", "1.2M", {"ev-6"}},
      {"parameters", "2.2B", {"ev-6"}},
      {"modalities", "text, image, video", {"ev-6"}},
      {"on_device", "yes", {"ev-7"}},
      {"docs", "https://huggingface.co/docs/smolvlm", {"ev-7"}},
      {"build_files", "pyproject.toml", {"ev-4"}},
      {"integrations", "transformers, mlx, llama.cpp", {"ev-7"}},
      {"organisation", "Hugging Face", {"ev-2"}},
  };
  f.evidence_count = 14;
  f.source_count = 4;
  return f;
}

// A hosted API: no repository figures, a proprietary licence, one claim without a source.
RubricFacts FlashLite() {
  RubricFacts f;
  f.name = "Gemini 2.5 Flash Lite";
  f.facts = {
      {"license", "Proprietary", {"ev-10"}},
      {"pricing_model", "usage-based", {"ev-11"}},
      {"modalities", "text, image, audio, video", {"ev-12"}},
      {"context_window", "1,048,576", {"ev-12"}},
      {"docs", "yes", {"ev-13"}},
      {"integrations", "Vertex AI, Google AI Studio", {"ev-13"}},
      {"organization", "Google DeepMind", {"ev-11"}},
      {"released", "2025-06-17", {"ev-12"}},
      {"on_device", "no", {}},
  };
  f.evidence_count = 5;
  f.source_count = 2;
  return f;
}

struct Expected {
  int score;
  Verdict verdict;
};

TEST_CASE("two realistic subjects get the rubric's exact scores and verdicts") {
  std::vector<PanelTake> panel = ScorePanel(SmolVlm(), FlashLite(), kToday);
  REQUIRE(panel.size() == 5);
  // persona: {SmolVLM2, Flash Lite}
  const std::array<std::array<Expected, 2>, 5> expected = {{
      {{{93, Verdict::kShip}, {44, Verdict::kSkip}}},  // builder
      {{{74, Verdict::kShip}, {47, Verdict::kSkip}}},  // skeptic
      {{{88, Verdict::kShip}, {59, Verdict::kSkip}}},  // futurist
      {{{97, Verdict::kShip}, {64, Verdict::kShip}}},  // creator
      {{{92, Verdict::kShip}, {51, Verdict::kSkip}}},  // founder
  }};
  for (size_t p = 0; p < 5; ++p) {
    CAPTURE(PersonaName(panel[p].persona));
    CHECK(panel[p].persona == kPersonas[p]);
    for (size_t s = 0; s < 2; ++s) {
      CAPTURE(s);
      CHECK_FALSE(panel[p].takes[s].abstain);
      CHECK(panel[p].takes[s].score == expected[p][s].score);
      CHECK(panel[p].takes[s].verdict == expected[p][s].verdict);
    }
  }
}

TEST_CASE("each score lists its signals, the evidence behind them and a rationale") {
  SubjectTake builder = ScoreSubject(Persona::kBuilder, FlashLite(), kToday);
  CHECK(builder.signals == std::vector<std::string>{
                               "docs: docs present +10",
                               "licence openness: licence Proprietary (closed) -10",
                               "integrations: integrates with Vertex AI, Google AI Studio (2) +4"});
  CHECK(builder.evidence_ids == std::vector<std::string>{"ev-13", "ev-10"});
  CHECK(builder.rationale ==
        "Skips at 44: licence Proprietary (closed) weighs against it; docs present and integrates "
        "with Vertex AI, Google AI Studio (2) do not make up for it.");

  SubjectTake futurist = ScoreSubject(Persona::kFuturist, SmolVlm(), kToday);
  CHECK(futurist.signals ==
        std::vector<std::string>{"momentum: 2,400 stars in 639 days (113 a month) +3",
                                 "adoption: 1,200,000 downloads +10",
                                 "recency: last commit 11 days ago +8",
                                 "modality breadth: modalities text, image, video (3) +12",
                                 "on-device reach: runs on device +10"});
  CHECK(futurist.rationale ==
        "Ships at 88: modalities text, image, video (3) and 1,200,000 downloads count most.");
}

TEST_CASE("the skeptic marks down claims without a source and gated licences") {
  SubjectTake skeptic = ScoreSubject(Persona::kSkeptic, FlashLite(), kToday);
  CHECK(skeptic.signals ==
        std::vector<std::string>{
            "evidence volume: 5 ledger records +3", "source diversity: 2 distinct sources +2",
            "maturity: created 522 days ago +4", "unsourced claims: 1 fact without a source -4",
            "licence terms: licence Proprietary (closed) -8"});
}

TEST_CASE("a persona abstains when too few of its signals have evidence, saying which") {
  RubricFacts thin;
  thin.name = "Mystery";
  thin.facts = {{"licence", "MIT", {"ev-1"}}};
  thin.evidence_count = 1;
  thin.source_count = 1;
  SubjectTake founder = ScoreSubject(Persona::kFounder, thin, kToday);
  CHECK(founder.abstain);
  CHECK(founder.abstain_reason ==
        "the evidence reaches only 1 of the founder's 6 signals (missing pricing, vendor backing, "
        "integrations, adoption and community)");
  SubjectTake creator = ScoreSubject(Persona::kCreator, thin, kToday);
  CHECK(creator.abstain_reason ==
        "the evidence reaches only 0 of the creator's 7 signals (missing media, docs, "
        "integrations, hardware reach, quantised builds, model size and free to try)");
  // The skeptic has the ledger counts and the licence: enough to judge (harshly).
  SubjectTake skeptic = ScoreSubject(Persona::kSkeptic, thin, kToday);
  CHECK_FALSE(skeptic.abstain);
  CHECK(skeptic.score == 50 - 8 - 10 + 4);
  CHECK(skeptic.verdict == Verdict::kSkip);
}

TEST_CASE("an empty ledger makes every persona abstain") {
  RubricFacts none;
  none.name = "Nothing";
  for (const PanelTake& p : ScorePanel(none, none, kToday)) {
    CHECK(p.takes[0].abstain);
    CHECK(p.takes[1].abstain);
  }
}

struct SignCase {
  Persona persona;
  std::string signal;
  std::vector<Fact> good;
  std::vector<Fact> bad;
  bool bad_is_negative;  // false: the rule's worst band is 0
};

int PointsOf(Persona persona, const std::string& signal, const std::vector<Fact>& facts,
             int evidence_count = 0, int source_count = 0) {
  RubricFacts f;
  f.name = "X";
  f.facts = facts;
  f.evidence_count = evidence_count;
  f.source_count = source_count;
  for (const RubricSignal& s : MeasureSignals(persona, f, kToday))
    if (s.signal == signal) return s.points;
  FAIL("signal " << signal << " was not measured");
  return 0;
}

TEST_CASE("every signal rewards the good case and penalises (or ignores) the bad case") {
  using P = Persona;
  auto F = [](std::string field, std::string value) { return Fact{field, value, {"ev-1"}}; };
  const std::vector<SignCase> cases = {
      {P::kBuilder, "docs", {F("docs", "yes")}, {F("docs", "no")}, true},
      {P::kBuilder, "licence openness", {F("licence", "MIT")}, {F("licence", "proprietary")}, true},
      {P::kBuilder,
       "installability",
       {F("build_files", "CMakeLists.txt")},
       {F("build_files", "none")},
       true},
      {P::kBuilder,
       "activity",
       {F("commits_last_year", "900")},
       {F("commits_last_year", "3")},
       true},
      {P::kBuilder,
       "recency",
       {F("last_commit", "2026-11-20")},
       {F("last_commit", "2024-01-01")},
       true},
      {P::kBuilder,
       "integrations",
       {F("integrations", "a, b, c")},
       {F("integrations", "none")},
       false},
      {P::kBuilder, "contributors", {F("contributors", "120")}, {F("contributors", "1")}, true},
      {P::kSkeptic,
       "maturity",
       {F("created_at", "2020-01-01")},
       {F("created_at", "2026-11-01")},
       true},
      {P::kSkeptic,
       "release cadence",
       {F("releases_last_year", "12")},
       {F("releases_last_year", "0")},
       true},
      {P::kSkeptic,
       "open issues",
       {F("open_issues", "10"), F("stars", "5k")},
       {F("open_issues", "900"), F("stars", "1000")},
       true},
      {P::kSkeptic,
       "licence terms",
       {F("licence", "BSD-3-Clause")},
       {F("licence", "llama3.2")},
       true},
      {P::kFuturist,
       "momentum",
       {F("stars", "30k"), F("created_at", "2026-08-21")},
       {F("stars", "40"), F("created_at", "2020-01-01")},
       true},
      {P::kFuturist, "adoption", {F("downloads", "3M")}, {F("downloads", "500")}, true},
      {P::kFuturist,
       "recency",
       {F("pushed_at", "2026-11-01")},
       {F("pushed_at", "2025-01-01")},
       true},
      {P::kFuturist,
       "modality breadth",
       {F("modalities", "text/image/audio")},
       {F("modalities", "text")},
       false},
      {P::kFuturist, "on-device reach", {F("on_device", "true")}, {F("on_device", "false")}, true},
      {P::kFuturist,
       "context",
       {F("context_window", "128k")},
       {F("context_window", "4096")},
       false},
      {P::kCreator, "media", {F("modalities", "image, audio")}, {F("modalities", "text")}, true},
      {P::kCreator, "docs", {F("docs", "present")}, {F("docs", "absent")}, true},
      {P::kCreator,
       "integrations",
       {F("integrations", "comfyui")},
       {F("integrations", "no")},
       false},
      {P::kCreator, "hardware reach", {F("on_device", "yes")}, {F("on_device", "no")}, true},
      {P::kCreator, "quantised builds", {F("quantized", "yes")}, {F("quantised", "no")}, false},
      {P::kFuturist, "community interest", {F("likes", "2.5k")}, {F("likes", "3")}, false},
      {P::kCreator, "model size", {F("parameters", "1.7B")}, {F("parameters", "405B")}, true},
      {P::kCreator, "free to try", {F("pricing", "free")}, {F("pricing", "paid")}, true},
      {P::kFounder, "pricing", {F("pricing", "open-source")}, {F("pricing", "paid")}, true},
      {P::kFounder,
       "commercial licence",
       {F("licence", "Apache-2.0")},
       {F("licence", "AGPL-3.0")},
       true},
      {P::kFounder,
       "integrations",
       {F("integrations", "a, b, c, d")},
       {F("integrations", "none")},
       false},
      {P::kFounder, "adoption", {F("downloads", "2,000,000")}, {F("downloads", "12")}, false},
      {P::kFounder, "community", {F("forks", "4.2k")}, {F("forks", "2")}, false},
  };
  for (const SignCase& c : cases) {
    CAPTURE(PersonaName(c.persona), c.signal);
    CHECK(PointsOf(c.persona, c.signal, c.good) > 0);
    int bad = PointsOf(c.persona, c.signal, c.bad);
    if (c.bad_is_negative)
      CHECK(bad < 0);
    else
      CHECK(bad == 0);
  }
  CHECK(PointsOf(P::kSkeptic, "evidence volume", {}, 12, 5) > 0);
  CHECK(PointsOf(P::kSkeptic, "evidence volume", {}, 1, 1) < 0);
  CHECK(PointsOf(P::kSkeptic, "source diversity", {}, 12, 5) > 0);
  CHECK(PointsOf(P::kSkeptic, "source diversity", {}, 3, 1) < 0);
  CHECK(PointsOf(P::kSkeptic, "unsourced claims", {Fact{"stars", "1", {}}}) < 0);
  CHECK(PointsOf(P::kFounder, "vendor backing", {F("organisation", "Mistral AI")}) > 0);
}

TEST_CASE("licence classes: permissive is open, GPL is copyleft, NC and custom terms restricted") {
  auto shown = [](const std::string& licence) {
    RubricFacts f;
    f.facts = {{"licence", licence, {"ev-1"}}};
    return MeasureSignals(Persona::kBuilder, f, kToday).at(0).shown;
  };
  CHECK(shown("MIT") == "licence MIT (open)");
  CHECK(shown("LGPL-2.1") == "licence LGPL-2.1 (copyleft)");
  CHECK(shown("CC-BY-NC-4.0") == "licence CC-BY-NC-4.0 (restricted)");
  CHECK(shown("gemma") == "licence gemma (restricted)");
  CHECK(shown("Proprietary") == "licence Proprietary (closed)");
}

TEST_CASE("scores are clamped to 0-100") {
  RubricFacts bad;
  bad.name = "Abandoned";
  bad.facts = {{"docs", "no", {"e"}},
               {"licence", "proprietary", {"e"}},
               {"build_files", "none", {"e"}},
               {"commits_last_year", "0", {"e"}},
               {"last_commit", "2019-01-01", {"e"}},
               {"contributors", "1", {"e"}}};
  CHECK(ScoreSubject(Persona::kBuilder, bad, kToday).score == 0);
}

TEST_CASE("ledger records become rubric facts: latest value per field, counts per subject") {
  auto rec = [](std::string id, std::string subject, std::string kind, std::string field,
                std::string value, std::string url, std::string at) {
    tools::EvidenceRecord r;
    r.id = std::move(id);
    r.draft.subject = std::move(subject);
    r.draft.kind = std::move(kind);
    r.draft.field = std::move(field);
    r.draft.value = std::move(value);
    r.draft.source_url = std::move(url);
    r.retrieved_at = std::move(at);
    return r;
  };
  std::vector<tools::EvidenceRecord> records = {
      rec("ev-1", "SmolVLM2", "fact", "stars", "2,000", "https://github.com/x/y",
          "2026-11-01T00:00:00Z"),
      rec("ev-2", "smolvlm2", "fact", "Stars", "2,400", "https://github.com/x/y#stars",
          "2026-11-20T00:00:00Z"),
      rec("ev-3", "SmolVLM2", "page", "", "README", "https://hf.co/x", "2026-11-20T00:00:00Z"),
      rec("ev-4", "Gemma 3n", "fact", "stars", "9,000", "https://github.com/g/h",
          "2026-11-20T00:00:00Z"),
      rec("ev-5", "SmolVLM2", "fact", "licence", "Apache-2.0", "https://hf.co/x",
          "2026-11-02T00:00:00Z"),
  };
  RubricFacts f = RubricFactsFromLedger("SmolVLM2", records);
  CHECK(f.facts ==
        std::vector<Fact>{{"stars", "2,400", {"ev-2"}}, {"licence", "Apache-2.0", {"ev-5"}}});
  CHECK(f.evidence_count == 4);
  CHECK(f.source_count == 2);
}

// Reads the rubric table from the header comment and compares it with Rubric() row by row, so
// the documented rubric and the scored one cannot drift apart.
TEST_CASE("the rubric table in offline_rubric.h matches the rubric data") {
  std::ifstream in(std::string(INTERN_SOURCE_DIR) + "/agent/offline_rubric.h");
  REQUIRE(in.good());
  struct Row {
    std::string persona;
    int base = -1;
    std::string signal;
    std::vector<int> points;
  };
  std::vector<Row> rows;
  std::string line;
  std::string persona;
  int base = -1;
  auto trim = [](std::string s) {
    size_t b = s.find_first_not_of(' ');
    size_t e = s.find_last_not_of(' ');
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  while (std::getline(in, line)) {
    if (line.rfind("// | ", 0) != 0 || line.find("---") != std::string::npos) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line.substr(3));
    std::string col;
    while (std::getline(ss, col, '|')) cols.push_back(trim(col));
    // cols: "", persona, signal, measure, points
    REQUIRE(cols.size() >= 5);
    if (cols[1] == "persona (base)") continue;
    if (!cols[1].empty()) {
      persona = cols[1].substr(0, cols[1].find(' '));
      base = std::stoi(cols[1].substr(cols[1].find('(') + 1));
    }
    Row row{persona, base, cols[2], {}};
    std::stringstream items(cols[4]);
    std::string item;
    while (std::getline(items, item, ',')) {
      item = trim(item);
      if (size_t foot = item.find(" ("); foot != std::string::npos) item = item.substr(0, foot);
      row.points.push_back(std::stoi(item.substr(item.rfind(' ') + 1)));
    }
    rows.push_back(row);
  }
  const std::vector<RubricRule>& rubric = Rubric();
  REQUIRE(rows.size() == rubric.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i, rows[i].signal);
    CHECK(rows[i].persona == PersonaName(rubric[i].persona));
    CHECK(rows[i].base == RubricBase(rubric[i].persona));
    CHECK(rows[i].signal == rubric[i].signal);
    std::vector<int> points;
    for (const RubricBand& band : rubric[i].bands) points.push_back(band.points);
    CHECK(rows[i].points == points);
  }
}

}  // namespace
}  // namespace intern::agent
