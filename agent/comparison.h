#pragma once
// The comparison document, `intern.comparison/v1` (DESIGN §6), as plain structs. JSON lives in
// agent/comparison_json.h, checks in agent/comparison_validator.h, Markdown in
// agent/comparison_markdown.h. Everything here is pure and value-typed: copy freely, share
// const instances between threads.
//
// Who fills what: the model (or the offline researcher) submits title, question, subjects,
// panel, key-number rows of `decision` and benchmarks. The workflow fills generated_at, session,
// provider, model, cost, flags and override_comment, and calls CompleteDerived() (verdicts and
// the standard decision rows) and FillEvidence() (the numbered evidence list).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace intern::agent {

inline constexpr std::string_view kComparisonSchema = "intern.comparison/v1";

// A score at or above this is a ship; below it a skip (unless the take gives an exception).
inline constexpr int kShipThreshold = 60;

enum class Persona { kBuilder, kSkeptic, kFuturist, kCreator, kFounder };
inline constexpr std::array<Persona, 5> kPersonas = {
    Persona::kBuilder, Persona::kSkeptic, Persona::kFuturist, Persona::kCreator, Persona::kFounder};
// "builder", "skeptic", ...
std::string_view PersonaName(Persona persona);
// "Builder", "Skeptic", ...
std::string_view PersonaTitle(Persona persona);
// The persona called `name` (exact lower-case name), or nullopt.
std::optional<Persona> PersonaFromName(std::string_view name);

enum class Verdict { kShip, kSkip };
std::string_view VerdictName(Verdict verdict);  // "ship" / "skip"

struct Pricing {
  std::string model;  // free | open-source | paid | usage-based
  std::string entry;  // "Free (open weights)", "$20/month", ...
  bool operator==(const Pricing&) const = default;
};

struct Link {
  std::string label;  // "GitHub", "Model card", "Docs"
  std::string url;
  bool operator==(const Link&) const = default;
};

// One fact about a subject. Both subjects should use the same `field` names (parity).
struct Fact {
  std::string field;  // "licence", "stars", "parameters", ...
  std::string value;
  std::vector<std::string> evidence_ids;
  bool operator==(const Fact&) const = default;
};

struct Subject {
  std::string name;
  std::string tagline;  // what it is best for
  std::string summary;
  std::string category;
  std::string kind;  // model | framework | agent | hosted-api | ...
  std::string organisation;
  Pricing pricing;
  std::string licence;
  std::vector<Link> links;
  std::vector<Fact> facts;
  bool operator==(const Subject&) const = default;
};

// One persona's judgement of one subject: either a score with a verdict, or an abstention.
struct SubjectTake {
  bool abstain = false;
  std::string abstain_reason;  // when abstaining: why the evidence does not reach this lens
  int score = 0;               // 0-100
  Verdict verdict = Verdict::kSkip;
  std::string rationale;
  // Non-empty when the verdict deliberately disagrees with the score (a 55 that still ships):
  // the reason, shown next to the verdict. Empty means score and verdict must agree.
  std::string exception;
  std::vector<std::string> evidence_ids;
  // The offline rubric's contributions ("licence Apache-2.0 (open) +12"); empty for model takes.
  std::vector<std::string> signals;
  bool operator==(const SubjectTake&) const = default;
};

struct PanelTake {
  Persona persona = Persona::kBuilder;
  std::array<SubjectTake, 2> takes;  // in the order of Comparison::subjects
  bool operator==(const PanelTake&) const = default;
};

// The panel's verdict on one subject, computed from the takes (ComputeVerdicts).
struct SubjectVerdict {
  std::string label;        // "Ship · 3 ship / 1 skip"
  double ship_share = 0.0;  // ship / (ship + skip); 0 when nobody scored
  int ship = 0;
  int skip = 0;
  int abstain = 0;
  bool operator==(const SubjectVerdict&) const = default;
};

struct DecisionRow {
  std::string label;
  std::string left;
  std::string right;
  std::vector<std::string> evidence_ids;  // for key-number rows; empty for derived rows
  bool operator==(const DecisionRow&) const = default;
};

struct BenchmarkFigures {
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
  std::string unit;  // "ms", "tokens/s", "MiB"
  bool operator==(const BenchmarkFigures&) const = default;
};

// A result measured in our sandbox (never a vendor's claim: those are facts).
struct Benchmark {
  std::string subject;  // one of the two subject names
  std::string name;     // "first token latency, 128-token prompt"
  BenchmarkFigures figures;
  std::string receipt_id;
  std::vector<std::string> evidence_ids;
  bool operator==(const Benchmark&) const = default;
};

// One cited ledger record; the list is numbered [1], [2], ... in order of first citation.
struct EvidenceItem {
  std::string id;
  std::string subject;  // "" when general
  std::string source_url;
  std::string title;
  std::string quote;
  std::string retrieved_at;
  std::string tool;
  bool operator==(const EvidenceItem&) const = default;
};

struct Flags {
  bool one_sided = false;          // parity failed; approval needs override_comment
  std::vector<std::string> gaps;   // "SmolVLM2: no licence fact", ...
  bool over_budget = false;        // the session stopped at its budget
  std::vector<std::string> notes;  // anything else the reader must know ("GitHub unreachable")
  bool operator==(const Flags&) const = default;
};

struct Cost {
  double usd = 0.0;
  std::int64_t tokens = 0;
  bool operator==(const Cost&) const = default;
};

struct Comparison {
  std::string schema{kComparisonSchema};
  std::string title;  // "A vs B"
  std::string question;
  std::string generated_at;  // RFC 3339, UTC
  std::string session;
  std::string provider;  // "anthropic", "openai", "offline", ...
  std::string model;
  Cost cost;
  std::array<Subject, 2> subjects;
  std::vector<PanelTake> panel;
  std::array<SubjectVerdict, 2> verdict;
  std::vector<DecisionRow> decision;
  std::vector<Benchmark> benchmarks;
  std::vector<EvidenceItem> evidence;
  Flags flags;
  std::string override_comment;
  bool operator==(const Comparison&) const = default;
};

// The provider name of the offline researcher; drafts from it say no language model wrote them.
inline constexpr std::string_view kOfflineProvider = "offline";

// The verdict of subject `index` (0 or 1) from the panel's takes. Label: "Ship · 3 ship / 1 skip"
// when ships outnumber skips, "Skip · ..." when skips do, "Split · 2 ship / 2 skip" on a tie, and
// "No panel take" when every persona abstained (or the panel is empty).
SubjectVerdict ComputeVerdict(const Comparison& comparison, int index);

// Sets `verdict` for both subjects.
void ComputeVerdicts(Comparison& comparison);

// Labels of the rows CompleteDerived writes at the top of `decision`, in order.
inline constexpr std::array<std::string_view, 6> kDerivedDecisionLabels = {
    "Panel verdict", "Panel ship", "Pricing", "Best for", "Category", "Licence"};

// Computes the verdicts, then rewrites `decision` as the derived rows (kDerivedDecisionLabels,
// from the verdicts and subjects) followed by the submitted key-number rows. Rows whose label is
// a derived label are replaced, so calling it again changes nothing.
void CompleteDerived(Comparison& comparison);

// Key-number rows for `fields`, in that order, from the two subjects' facts (what the offline
// researcher puts in `decision`; a model writes its own). Each row: the field as a label
// ("context_window" → "Context window"), each side's value or "—", and the evidence ids of both
// facts. A field neither subject has gives no row. Fields are matched ignoring case.
std::vector<DecisionRow> KeyNumberRows(const Comparison& comparison,
                                       const std::vector<std::string>& fields);

// Why the review gate must not approve `comparison` as it stands, or nullopt when it may: a
// one-sided draft needs a non-empty override_comment (DESIGN §6).
std::optional<std::string> ApprovalBlocker(const Comparison& comparison);

// "75%" for 0.75 (rounded to the nearest whole percent).
std::string FormatShare(double share);

}  // namespace intern::agent
