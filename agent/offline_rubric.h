#pragma once
// The offline researcher's panel (DESIGN §8): five personas scoring both subjects from ledger
// facts with a fixed, documented rubric, so a draft written without a language model still says
// exactly why each score is what it is.
//
// Score = persona base + the points of every signal whose facts are in the ledger, clamped to
// 0-100. Verdict: ship iff score >= 60 (kShipThreshold). A persona abstains on a subject when
// fewer than kMinRubricSignals of its signals have evidence. Each take lists its signals
// ("licence Apache-2.0 (open) +12") and the evidence ids of the facts behind them; the rationale
// is a sentence built from the strongest signals. Deterministic: same facts, same day, same
// panel.
//
// Ledger fields read (first alias present wins; values are the tools' text):
//   licence|license, pricing|pricing_model (free, open-source, paid, usage-based), stars, forks,
//   contributors, commits_last_year, open_issues, last_commit|pushed_at|last_modified (date),
//   created_at|released (date), releases_last_year, downloads, likes, parameters ("2.2B",
//   "2200000000"), modalities ("text, image, audio"), context_window, on_device, quantised|
//   quantized, docs (yes/no or a URL), build_files ("pyproject.toml, CMakeLists.txt" or "none"),
//   integrations ("transformers, vllm"), organisation|organization.
//   Counts accept "12,400", "12.4k", "1.2M". Dates accept YYYY-MM-DD with anything after it.
//
// Licence classes: open (Apache, MIT, BSD, ISC, MPL, Unlicense, zlib, CC0, CC-BY without NC),
// copyleft (GPL, LGPL, AGPL), closed (proprietary, commercial, none), restricted (anything else:
// Gemma, Llama, OpenRAIL, CC-BY-NC, custom terms).
//
// The rubric (Rubric() in offline_rubric.cpp is the same table as data; a test pins the two):
//
// clang-format off
// | persona (base) | signal              | measure                          | points                                      |
// |----------------|---------------------|----------------------------------|---------------------------------------------|
// | builder (40)   | docs                | docs                             | yes +10, no -10                             |
// |                | licence openness    | licence class                    | open +12, copyleft +4, restricted -4, closed -10 |
// |                | installability      | build files                      | present +8, none -6                         |
// |                | activity            | commits in the last year         | >=500 +10, >=100 +6, >=12 +2, else -8       |
// |                | recency             | days since last commit           | <=30 +6, <=180 +2, <=365 -4, else -10       |
// |                | integrations        | integrations listed              | >=3 +8, >=1 +4, else 0                      |
// |                | contributors        | contributors                     | >=50 +6, >=10 +3, >=3 0, else -4            |
// | skeptic (50)   | evidence volume     | ledger records about it          | >=10 +6, >=5 +3, >=2 0, else -8             |
// |                | source diversity    | distinct sources                 | >=4 +8, >=2 +2, else -10                    |
// |                | maturity            | days since created               | >=730 +8, >=365 +4, >=90 0, else -8         |
// |                | release cadence     | releases in the last year        | >=4 +6, >=1 +2, else -6                     |
// |                | open issues         | open issues per 100 stars        | <=2 +4, <=5 0, <=10 -3, else -6             |
// |                | unsourced claims    | facts without evidence ids       | >=3 -12, >=2 -8, >=1 -4 (1)                 |
// |                | licence terms       | licence class                    | open +4, copyleft 0, restricted -6, closed -8 |
// | futurist (45)  | momentum            | stars per month since created    | >=1000 +14, >=200 +8, >=50 +3, else -4      |
// |                | adoption            | downloads                        | >=1M +10, >=100k +6, >=10k +2, else -2      |
// |                | recency             | days since last commit           | <=30 +8, <=90 +4, <=365 0, else -12         |
// |                | modality breadth    | modalities                       | >=3 +12, 2 +6, else 0                       |
// |                | on-device reach     | on_device                        | yes +10, no -2                              |
// |                | context             | context window (tokens)          | >=128k +4, >=32k +2, else 0                 |
// |                | community interest  | likes                            | >=1000 +4, >=100 +2, else 0                 |
// | creator (40)   | media               | modalities other than text       | >=2 +15, 1 +8, none -6                      |
// |                | docs                | docs                             | yes +8, no -8                               |
// |                | integrations        | integrations listed              | >=3 +6, >=1 +3, else 0                      |
// |                | hardware reach      | on_device                        | yes +10, no -4                              |
// |                | quantised builds    | quantised                        | yes +4, no 0                                |
// |                | model size          | parameters (billions)            | <=4 +8, <=15 +3, <=70 -3, else -8           |
// |                | free to try         | pricing                          | open-source +10, free +10, usage-based +2, paid -8 |
// | founder (45)   | pricing             | pricing                          | open-source +10, free +6, usage-based +2, paid -6 |
// |                | commercial licence  | licence class                    | open +14, copyleft -4, restricted -2, closed -6 |
// |                | vendor backing      | organisation named               | named +6                                    |
// |                | integrations        | integrations listed              | >=3 +8, >=1 +4, else 0                      |
// |                | adoption            | downloads                        | >=1M +6, >=100k +3, else 0                  |
// |                | community           | forks                            | >=1000 +6, >=100 +3, else 0                 |
// clang-format on
//
// (1) only counted when at least one fact lacks evidence ids.
// Signals needing two facts (momentum: stars and created_at; open issues: open_issues and stars)
// are available only when both are. "Evidence volume" and "source diversity" are available only
// when the ledger holds at least one record about the subject.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "agent/comparison.h"
#include "tools/evidence.h"

namespace intern::agent {

// A persona abstains on a subject when fewer of its signals than this have evidence.
inline constexpr int kMinRubricSignals = 2;

// What the rubric reads about one subject.
struct RubricFacts {
  std::string name;
  std::vector<Fact> facts;  // field, value, evidence ids (field names as listed above)
  int evidence_count = 0;   // ledger records about the subject
  int source_count = 0;     // distinct source URLs among them
};

// The facts of `records` about `name` (subject matched ignoring case and punctuation): one Fact
// per field from records of kind "fact" (the latest retrieved_at wins; ties go to the later
// record), plus the record and distinct-source counts over every record about `name`.
RubricFacts RubricFactsFromLedger(const std::string& name,
                                  const std::vector<tools::EvidenceRecord>& records);

// How a measured value turns into points.
enum class RubricMeasure {
  kDocs,
  kLicence,
  kBuildFiles,
  kCommitsLastYear,
  kDaysSinceCommit,
  kIntegrations,
  kContributors,
  kEvidenceCount,
  kSourceCount,
  kAgeDays,
  kReleasesLastYear,
  kIssuesPer100Stars,
  kUnsourced,
  kStarsPerMonth,
  kDownloads,
  kModalities,
  kMediaModalities,
  kOnDevice,
  kContextWindow,
  kParametersBillions,
  kPricing,
  kOrganisation,
  kForks,
  kLikes,
  kQuantised,
};

// First band that matches wins: for kAtLeast the first with value >= bound, for kAtMost the
// first with value <= bound. Categorical measures use codes: licence open 3, copyleft 2,
// restricted 1, closed 0; pricing open-source 3, free 2, usage-based 1, paid 0; yes 1, no 0.
struct RubricBand {
  double bound = 0.0;
  int points = 0;
};

struct RubricRule {
  Persona persona = Persona::kBuilder;
  std::string_view signal;  // "licence openness"
  RubricMeasure measure = RubricMeasure::kDocs;
  bool at_most = false;  // false: kAtLeast bands; true: kAtMost bands
  std::vector<RubricBand> bands;
};

// Base score of each persona, in kPersonas order.
int RubricBase(Persona persona);
// The rubric as data, in the order of the table above.
const std::vector<RubricRule>& Rubric();

// One PanelTake per persona, in kPersonas order; takes[0] scores `a`, takes[1] scores `b`.
// `today` dates recency and age.
std::vector<PanelTake> ScorePanel(const RubricFacts& a, const RubricFacts& b,
                                  std::chrono::sys_days today);

// One contribution of the rubric: the signal's name, what was measured, its points and the
// evidence ids of the facts it read.
struct RubricSignal {
  std::string_view signal;
  std::string shown;  // "licence Apache-2.0 (open)"
  int points = 0;
  std::vector<std::string> evidence_ids;
};

// Every signal of `persona`'s rubric that `subject` has evidence for, in rubric order (also when
// there are too few to score).
std::vector<RubricSignal> MeasureSignals(Persona persona, const RubricFacts& subject,
                                         std::chrono::sys_days today);

// One persona's take on one subject (what ScorePanel does for each cell). The abstain reason
// reads "the evidence reaches only 1 of the founder's 6 signals (missing pricing, ...)".
SubjectTake ScoreSubject(Persona persona, const RubricFacts& subject, std::chrono::sys_days today);

}  // namespace intern::agent
