#include "agent/comparison_validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace intern::agent {
namespace {

using Kind = ValidationProblem::Kind;

// Lower-case letters and digits only, so "Gemma 3n", "gemma-3n" and "GEMMA 3N" are one name.
std::string NameKey(std::string_view name) {
  std::string key;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string FieldKey(std::string_view field) {
  std::string key;
  for (char c : field) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t b = key.find_first_not_of(' ');
  size_t e = key.find_last_not_of(' ');
  return b == std::string::npos ? "" : key.substr(b, e - b + 1);
}

std::string SourceKey(std::string_view url) { return std::string(url.substr(0, url.find('#'))); }

bool IsPricingModel(const std::string& m) {
  return m == "free" || m == "open-source" || m == "paid" || m == "usage-based";
}

class Checker {
 public:
  Checker(const Comparison& c, const EvidenceLookup& lookup) : c_(c), lookup_(lookup) {}

  std::vector<ValidationProblem> Run() {
    CheckSchema();
    CheckFacts();
    CheckPanel();
    CheckVerdicts();
    CheckDecision();
    CheckBenchmarks();
    ParityAssessment parity = AssessParity(c_, lookup_);
    for (const std::string& reason : parity.reasons) Add(Kind::kFlag, reason);
    return std::move(problems_);
  }

 private:
  void Add(Kind kind, std::string message) { problems_.push_back({kind, std::move(message)}); }
  void Error(std::string message) { Add(Kind::kError, std::move(message)); }

  // `subject` is the index the citation is for, or -1 when it may be about either.
  void CheckCitations(const std::vector<std::string>& ids, const std::string& path, int subject) {
    for (const std::string& id : ids) {
      std::optional<tools::EvidenceRecord> record = lookup_ ? lookup_(id) : std::nullopt;
      if (!record) {
        Error(fmt::format("{}: {} is not in the ledger", path, id));
        continue;
      }
      const std::string& about = record->draft.subject;
      if (about.empty()) continue;
      if (subject >= 0) {
        const std::string& name = c_.subjects[static_cast<size_t>(subject)].name;
        if (NameKey(about) != NameKey(name))
          Error(fmt::format("{}: {} is about {}, not {}", path, id, about, name));
      } else if (NameKey(about) != NameKey(c_.subjects[0].name) &&
                 NameKey(about) != NameKey(c_.subjects[1].name)) {
        Error(fmt::format("{}: {} is about {}, which is neither {} nor {}", path, id, about,
                          c_.subjects[0].name, c_.subjects[1].name));
      }
    }
  }

  void CheckSchema() {
    if (c_.schema != kComparisonSchema)
      Error(fmt::format("schema is \"{}\": it must be \"{}\"", c_.schema, kComparisonSchema));
    if (c_.title.empty()) Error("title is empty: give the comparison a title such as \"A vs B\"");
    for (size_t i = 0; i < 2; ++i) {
      const Subject& s = c_.subjects[i];
      if (s.name.empty()) Error(fmt::format("subjects[{}].name is empty: give the tool's name", i));
      const std::string& m = s.pricing.model;
      if (m.empty())
        Error(
            fmt::format("subjects[{}].pricing.model is missing: give one of free, open-source, "
                        "paid, usage-based",
                        i));
      else if (!IsPricingModel(m))
        Error(
            fmt::format("subjects[{}].pricing.model \"{}\" is not one of free, open-source, paid, "
                        "usage-based",
                        i, m));
    }
    if (!c_.subjects[0].name.empty() &&
        NameKey(c_.subjects[0].name) == NameKey(c_.subjects[1].name))
      Error(
          fmt::format("subjects[1].name \"{}\" names the same tool as subjects[0]: compare two "
                      "different tools",
                      c_.subjects[1].name));
  }

  void CheckFacts() {
    for (size_t i = 0; i < 2; ++i) {
      const Subject& s = c_.subjects[i];
      for (size_t f = 0; f < s.facts.size(); ++f) {
        const Fact& fact = s.facts[f];
        std::string path = fmt::format("subjects[{}].facts[{}]", i, f);
        if (fact.field.empty()) Error(path + ".field is empty: name what the fact is about");
        if (fact.value.empty()) Error(path + ".value is empty: give the fact's value or drop it");
        if (fact.evidence_ids.empty())
          Error(
              fmt::format("{} ({}) has no evidence_ids: cite the ledger record it comes from, or "
                          "drop the fact",
                          path, fact.field));
        CheckCitations(fact.evidence_ids, path + ".evidence_ids", static_cast<int>(i));
      }
    }
  }

  void CheckTake(const PanelTake& p, size_t index, size_t s) {
    const SubjectTake& t = p.takes[s];
    std::string path = fmt::format("panel[{}].takes[{}]", index, s);
    std::string_view persona = PersonaName(p.persona);
    const std::string& name = c_.subjects[s].name;
    if (t.abstain) {
      if (t.abstain_reason.empty())
        Error(path + ".abstain_reason is empty: say which evidence the " + std::string(persona) +
              " lacks");
      return;
    }
    if (t.score < 0 || t.score > 100) {
      Error(fmt::format("{}.score {} is out of range: give a score from 0 to 100", path, t.score));
    } else if (t.exception.empty()) {
      if (t.verdict == Verdict::kShip && t.score < kShipThreshold)
        Error(
            fmt::format("{}: the {} gives {} {} but says ship (ship needs a score of {} or more): "
                        "change the score or the verdict, or give the reason in exception",
                        path, persona, name, t.score, kShipThreshold));
      if (t.verdict == Verdict::kSkip && t.score >= kShipThreshold)
        Error(
            fmt::format("{}: the {} gives {} {} but says skip (a score of {} or more ships): "
                        "change the score or the verdict, or give the reason in exception",
                        path, persona, name, t.score, kShipThreshold));
    }
    if (t.rationale.empty())
      Error(fmt::format("{}.rationale is empty: say in a sentence or two why the {} decided so",
                        path, persona));
    CheckCitations(t.evidence_ids, path + ".evidence_ids", static_cast<int>(s));
  }

  void CheckPanel() {
    std::map<Persona, size_t> seen;
    for (size_t i = 0; i < c_.panel.size(); ++i) {
      const PanelTake& p = c_.panel[i];
      if (auto it = seen.find(p.persona); it != seen.end()) {
        Error(
            fmt::format("panel[{}]: the {} already gave its take at panel[{}]: give each persona "
                        "exactly once",
                        i, PersonaName(p.persona), it->second));
        continue;
      }
      seen.emplace(p.persona, i);
      CheckTake(p, i, 0);
      CheckTake(p, i, 1);
    }
    for (Persona persona : kPersonas)
      if (seen.count(persona) == 0)
        Error(
            fmt::format("panel: the {}'s take is missing: each of builder, skeptic, futurist, "
                        "creator and founder judges both subjects (abstaining with a reason "
                        "when the evidence does not reach its lens)",
                        PersonaName(persona)));
  }

  void CheckVerdicts() {
    for (int i = 0; i < 2; ++i) {
      SubjectVerdict want = ComputeVerdict(c_, i);
      const SubjectVerdict& have = c_.verdict[static_cast<size_t>(i)];
      bool same = have.label == want.label && have.ship == want.ship && have.skip == want.skip &&
                  have.abstain == want.abstain &&
                  std::fabs(have.ship_share - want.ship_share) < 1e-9;
      if (!same)
        Error(
            fmt::format("verdict[{}] for {} says \"{}\" ({} ship share) but the panel gives "
                        "\"{}\" ({}): recompute the verdicts",
                        i, c_.subjects[static_cast<size_t>(i)].name, have.label,
                        FormatShare(have.ship_share), want.label, FormatShare(want.ship_share)));
    }
  }

  void CheckDecision() {
    for (size_t i = 0; i < c_.decision.size(); ++i) {
      const DecisionRow& row = c_.decision[i];
      std::string path = fmt::format("decision[{}]", i);
      if (row.label.empty()) Error(path + ".label is empty: say what the row compares");
      CheckCitations(row.evidence_ids, path + ".evidence_ids", -1);
    }
  }

  void CheckBenchmarks() {
    for (size_t i = 0; i < c_.benchmarks.size(); ++i) {
      const Benchmark& b = c_.benchmarks[i];
      std::string path = fmt::format("benchmarks[{}]", i);
      int subject = -1;
      for (int s = 0; s < 2; ++s)
        if (NameKey(b.subject) == NameKey(c_.subjects[static_cast<size_t>(s)].name)) subject = s;
      if (subject < 0)
        Error(fmt::format("{}.subject \"{}\" is neither {} nor {}", path, b.subject,
                          c_.subjects[0].name, c_.subjects[1].name));
      if (b.receipt_id.empty())
        Error(path +
              ".receipt_id is empty: only results measured with run_benchmark belong in "
              "benchmarks (put vendors' figures in facts)");
      CheckCitations(b.evidence_ids, path + ".evidence_ids", subject);
    }
  }

  const Comparison& c_;
  const EvidenceLookup& lookup_;
  std::vector<ValidationProblem> problems_;
};

// Every id cited for subject `s` (facts, takes, benchmarks about it), in document order.
std::vector<std::string> IdsCitedFor(const Comparison& c, size_t s) {
  std::vector<std::string> ids;
  for (const Fact& f : c.subjects[s].facts)
    ids.insert(ids.end(), f.evidence_ids.begin(), f.evidence_ids.end());
  for (const PanelTake& p : c.panel)
    ids.insert(ids.end(), p.takes[s].evidence_ids.begin(), p.takes[s].evidence_ids.end());
  for (const Benchmark& b : c.benchmarks)
    if (NameKey(b.subject) == NameKey(c.subjects[s].name))
      ids.insert(ids.end(), b.evidence_ids.begin(), b.evidence_ids.end());
  return ids;
}

}  // namespace

EvidenceLookup LookupIn(const tools::EvidenceLedger& ledger) {
  return [&ledger](const std::string& id) { return ledger.Get(id); };
}

std::vector<ValidationProblem> Validate(const Comparison& comparison,
                                        const EvidenceLookup& lookup) {
  return Checker(comparison, lookup).Run();
}

bool Storable(const std::vector<ValidationProblem>& problems) {
  return std::none_of(problems.begin(), problems.end(),
                      [](const ValidationProblem& p) { return p.kind == Kind::kError; });
}

std::string FormatProblems(const std::vector<ValidationProblem>& problems) {
  std::string out;
  for (const ValidationProblem& p : problems)
    out += fmt::format("- {}{}\n", p.kind == Kind::kFlag ? "(flag) " : "", p.message);
  return out;
}

ParityAssessment AssessParity(const Comparison& c, const EvidenceLookup& lookup) {
  ParityAssessment out;
  for (size_t s = 0; s < 2; ++s) {
    std::set<std::string> sources;
    for (const std::string& id : IdsCitedFor(c, s)) {
      std::optional<tools::EvidenceRecord> r = lookup ? lookup(id) : std::nullopt;
      if (r && !r->draft.subject.empty() &&
          NameKey(r->draft.subject) == NameKey(c.subjects[s].name) && !r->draft.source_url.empty())
        sources.insert(SourceKey(r->draft.source_url));
    }
    out.sources[s] = static_cast<int>(sources.size());
  }

  // Fields in order of first appearance, so gaps read in document order.
  std::vector<std::string> order;
  std::array<std::set<std::string>, 2> fields;
  for (size_t s = 0; s < 2; ++s)
    for (const Fact& f : c.subjects[s].facts) {
      std::string key = FieldKey(f.field);
      if (key.empty()) continue;
      if (fields[0].count(key) == 0 && fields[1].count(key) == 0) order.push_back(key);
      fields[s].insert(key);
    }
  out.all_fields = static_cast<int>(order.size());
  for (const std::string& key : order) {
    bool a = fields[0].count(key) > 0;
    bool b = fields[1].count(key) > 0;
    if (a && b)
      ++out.shared_fields;
    else
      out.gaps.push_back(fmt::format("{}: no {} fact", c.subjects[a ? 1 : 0].name, key));
  }

  for (size_t s = 0; s < 2; ++s) {
    if (out.sources[s] >= kParityMinSources) continue;
    out.reasons.push_back(fmt::format(
        "parity: {} is backed by {} distinct source{} (at least {} are needed for a balanced "
        "comparison): research it further, or the draft needs an override comment to be approved",
        c.subjects[s].name, out.sources[s], out.sources[s] == 1 ? "" : "s", kParityMinSources));
  }
  if (out.all_fields > 0 &&
      out.shared_fields < std::ceil(kParityMinSharedShare * out.all_fields - 1e-9)) {
    out.reasons.push_back(fmt::format(
        "parity: only {} of {} fact fields are given for both subjects (at least half must be): "
        "cover the same fields for both, or the draft needs an override comment to be approved",
        out.shared_fields, out.all_fields));
  }
  out.one_sided = !out.reasons.empty();
  return out;
}

void FillEvidence(Comparison& c, const EvidenceLookup& lookup) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  auto cite = [&](const std::vector<std::string>& ids) {
    for (const std::string& id : ids)
      if (seen.insert(id).second) order.push_back(id);
  };
  // The order the Markdown shows them in, so the numbers read [1], [2], ... from the top.
  for (const DecisionRow& r : c.decision) cite(r.evidence_ids);
  for (const Subject& s : c.subjects)
    for (const Fact& f : s.facts) cite(f.evidence_ids);
  for (const PanelTake& p : c.panel)
    for (const SubjectTake& t : p.takes) cite(t.evidence_ids);
  for (const Benchmark& b : c.benchmarks) cite(b.evidence_ids);

  c.evidence.clear();
  for (const std::string& id : order) {
    std::optional<tools::EvidenceRecord> r = lookup ? lookup(id) : std::nullopt;
    if (!r) continue;
    c.evidence.push_back({r->id.empty() ? id : r->id, r->draft.subject, r->draft.source_url,
                          r->draft.title, r->draft.quote, r->retrieved_at, r->draft.tool});
  }
}

int EvidenceNumber(const Comparison& c, const std::string& id) {
  for (size_t i = 0; i < c.evidence.size(); ++i)
    if (c.evidence[i].id == id) return static_cast<int>(i) + 1;
  return 0;
}

void PrepareForValidation(Comparison& c, const EvidenceLookup& lookup) {
  CompleteDerived(c);
  FillEvidence(c, lookup);
  ParityAssessment parity = AssessParity(c, lookup);
  c.flags.one_sided = parity.one_sided;
  c.flags.gaps = parity.gaps;
}

}  // namespace intern::agent
