#pragma once
// Checks a comparison before it is stored (DESIGN §6), and the two fills that need the ledger.
//
// Validate() returns every problem at once, each one sentence the model can act on, starting
// with the path of the offending value ("subjects[1].facts[3].evidence_ids: ev-99 is not in the
// ledger"). Errors block storing: the workflow sends them back to the model (the retry counts
// toward the cap). Flags do not block: the draft is stored with `flags.one_sided` set, and the
// review gate requires an override comment to approve it.
//
// Checks, in order:
//   schema     two subjects with distinct non-empty names; pricing.model one of free,
//              open-source, paid, usage-based; the five personas each exactly once; every
//              scored take has a score 0-100 and a rationale; every abstention has a reason.
//   citations  every cited id (facts, takes, decision rows, benchmarks) is in the ledger, and
//              evidence cited for a subject is about that subject or general (subject "").
//   facts      every fact has a field, a value and at least one evidence id.
//   agreement  a score >= 60 ships and a score < 60 skips, unless the take's `exception` gives
//              the reason for the disagreement.
//   verdicts   each `verdict` equals what ComputeVerdict() gives for the panel.
//   benchmarks name one of the two subjects and carry a receipt id.
//   parity     (flag) see AssessParity().
//
// Validate the document as it will be stored: after PrepareForValidation() (verdicts, derived
// rows, evidence list, parity flags), also after a reviewer's edit — otherwise the verdict check
// reports the stale labels.
//
// Names are matched ignoring case and everything but letters and digits ("Gemma 3n" is the
// ledger's "gemma-3n").
//
// Pure: no I/O beyond the lookup; thread-safe if the lookup is.

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "tools/evidence.h"

namespace intern::agent {

// The ledger record with `id`, or nullopt.
using EvidenceLookup = std::function<std::optional<tools::EvidenceRecord>(const std::string& id)>;

// A lookup reading `ledger`, which must outlive the returned function.
EvidenceLookup LookupIn(const tools::EvidenceLedger& ledger);

struct ValidationProblem {
  enum class Kind { kError, kFlag };
  Kind kind = Kind::kError;
  std::string message;
  bool operator==(const ValidationProblem&) const = default;
};

std::vector<ValidationProblem> Validate(const Comparison& comparison, const EvidenceLookup& lookup);

// True when no problem is an error (flags allowed).
bool Storable(const std::vector<ValidationProblem>& problems);
// Every problem as a "- " line (flags prefixed "(flag) "), for the model's retry turn.
std::string FormatProblems(const std::vector<ValidationProblem>& problems);

// ---- Parity ------------------------------------------------------------------------------------
//
// A draft is balanced when both hold:
//   sources  each subject is backed by evidence from at least kParityMinSources distinct sources
//            (source URL without fragment) among the cited ledger records about it;
//   fields   at least half of all fact fields used (kParityMinSharedShare of the union) are given
//            for both subjects.
// Otherwise it is one-sided. `gaps` lists each field given for one subject only
// ("SmolVLM2: no licence fact"), whether or not the draft is one-sided.

inline constexpr int kParityMinSources = 2;
inline constexpr double kParityMinSharedShare = 0.5;

struct ParityAssessment {
  bool one_sided = false;
  std::vector<std::string> reasons;  // one sentence per failed test (become flag problems)
  std::vector<std::string> gaps;
  std::array<int, 2> sources{0, 0};  // distinct sources per subject
  int shared_fields = 0;
  int all_fields = 0;
};

ParityAssessment AssessParity(const Comparison& comparison, const EvidenceLookup& lookup);

// ---- Fills -------------------------------------------------------------------------------------

// Rebuilds `evidence` from the ids cited in decision rows, facts (first subject, then second),
// panel takes and benchmarks — the order RenderMarkdown shows them in — numbered by first
// citation. Ids the lookup does not know are left
// out (Validate reports them).
void FillEvidence(Comparison& comparison, const EvidenceLookup& lookup);

// 1-based number of `id` in comparison.evidence, or 0 when it is not listed.
int EvidenceNumber(const Comparison& comparison, const std::string& id);

// What the workflow does before validating a submission: CompleteDerived, FillEvidence, and the
// parity result written into flags.one_sided and flags.gaps.
void PrepareForValidation(Comparison& comparison, const EvidenceLookup& lookup);

}  // namespace intern::agent
