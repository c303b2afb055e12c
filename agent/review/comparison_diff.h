#pragma once
// What changed between the published comparison of two tools and a new draft of the same pair
// (DESIGN §7: re-publishing shows a fact-level diff at review). The reviewer sees which facts
// and which persona scores moved, not a text diff of two JSON files.
//
// Subjects are matched by name (NormaliseToolName: case and punctuation do not matter), so a
// draft that lists the tools in the other order still diffs fact by fact. Facts are keyed by
// (subject, field), the field compared ignoring case; values only are compared (evidence ids are
// per session, so a re-run always cites new ids). A field given twice for one subject is
// compared as its values joined with "; ". Takes are compared per persona and subject: score,
// verdict, or abstention.
//
// Pure and deterministic except PublishedPredecessor, which reads the store.

#include <optional>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "sessions/records.h"

namespace intern::sessions {
class Store;
}

namespace intern::agent {

struct FactChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind = Kind::kChanged;
  std::string subject;  // the name as the new draft spells it
  std::string field;    // as the new draft spells it (the published one's when removed)
  std::string before;   // "" when added
  std::string after;    // "" when removed
  bool operator==(const FactChange&) const = default;
};

struct TakeChange {
  Persona persona = Persona::kBuilder;
  std::string subject;
  std::string before;  // "72/100 · ship" or "no panel take"
  std::string after;
  std::optional<int> score_delta;  // when both versions scored
  bool verdict_changed = false;    // ship/skip flipped, or an abstention began or ended
  bool operator==(const TakeChange&) const = default;
};

struct VerdictChange {
  std::string subject;
  std::string before;  // "Ship · 3 ship / 1 skip"
  std::string after;
  bool operator==(const VerdictChange&) const = default;
};

struct ComparisonDiff {
  std::vector<FactChange> facts;  // first subject's changes, then the second's; by field
  std::vector<TakeChange> takes;  // in persona order, then subject order
  std::vector<VerdictChange> verdicts;
  bool empty() const { return facts.empty() && takes.empty() && verdicts.empty(); }
  bool operator==(const ComparisonDiff&) const = default;
};

// True when both documents compare the same two tools, in either order.
bool SamePair(const Comparison& a, const Comparison& b);

// Changes from `published` to `current`. Both must compare the same pair (SamePair); otherwise
// the result says every fact was replaced, which is true but not useful: check first.
ComparisonDiff DiffComparisons(const Comparison& published, const Comparison& current);

// The diff for a reviewer, one change a line under "Facts", "Scores" and "Panel verdicts"
// headings (a heading only when it has changes); "No fact, score or verdict changed." when empty.
std::string RenderDiff(const ComparisonDiff& diff);

// The most recently published draft (by published_at) of the same pair as `draft`, other than
// `draft` itself; nullopt when there is none or `draft` does not read as a comparison.
// Published drafts that do not read as comparisons are skipped.
std::optional<sessions::DraftRecord> PublishedPredecessor(const sessions::Store& store,
                                                          const sessions::DraftRecord& draft);

}  // namespace intern::agent
