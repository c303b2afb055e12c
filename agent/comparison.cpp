#include "agent/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace intern::agent {

std::string_view PersonaName(Persona persona) {
  switch (persona) {
    case Persona::kBuilder:
      return "builder";
    case Persona::kSkeptic:
      return "skeptic";
    case Persona::kFuturist:
      return "futurist";
    case Persona::kCreator:
      return "creator";
    case Persona::kFounder:
      return "founder";
  }
  return "builder";
}

std::string_view PersonaTitle(Persona persona) {
  switch (persona) {
    case Persona::kBuilder:
      return "Builder";
    case Persona::kSkeptic:
      return "Skeptic";
    case Persona::kFuturist:
      return "Futurist";
    case Persona::kCreator:
      return "Creator";
    case Persona::kFounder:
      return "Founder";
  }
  return "Builder";
}

std::optional<Persona> PersonaFromName(std::string_view name) {
  for (Persona p : kPersonas)
    if (PersonaName(p) == name) return p;
  return std::nullopt;
}

std::string_view VerdictName(Verdict verdict) {
  return verdict == Verdict::kShip ? "ship" : "skip";
}

SubjectVerdict ComputeVerdict(const Comparison& comparison, int index) {
  SubjectVerdict v;
  for (const PanelTake& take : comparison.panel) {
    const SubjectTake& t = take.takes[static_cast<size_t>(index)];
    if (t.abstain)
      ++v.abstain;
    else if (t.verdict == Verdict::kShip)
      ++v.ship;
    else
      ++v.skip;
  }
  int scored = v.ship + v.skip;
  if (scored == 0) {
    v.label = "No panel take";
    return v;
  }
  v.ship_share = static_cast<double>(v.ship) / scored;
  std::string_view head = v.ship > v.skip ? "Ship" : v.skip > v.ship ? "Skip" : "Split";
  v.label = fmt::format("{} · {} ship / {} skip", head, v.ship, v.skip);
  return v;
}

void ComputeVerdicts(Comparison& comparison) {
  comparison.verdict[0] = ComputeVerdict(comparison, 0);
  comparison.verdict[1] = ComputeVerdict(comparison, 1);
}

std::optional<std::string> ApprovalBlocker(const Comparison& comparison) {
  bool blank = comparison.override_comment.find_first_not_of(" \t\r\n") == std::string::npos;
  if (comparison.flags.one_sided && blank)
    return "this draft is one-sided (the evidence does not cover both tools comparably): approve "
           "it only with an override comment saying why it is fair";
  return std::nullopt;
}

std::string FormatShare(double share) {
  return fmt::format("{}%", static_cast<int>(std::lround(share * 100.0)));
}

namespace {

std::string OrDash(const std::string& s) { return s.empty() ? "—" : s; }

// The entry says more than the model ("Free (open weights)" vs "free"); the model is the fallback.
std::string PricingCell(const Pricing& p) { return p.entry.empty() ? OrDash(p.model) : p.entry; }

std::string ShareCell(const SubjectVerdict& v) {
  return v.ship + v.skip == 0 ? "—" : FormatShare(v.ship_share);
}

}  // namespace

void CompleteDerived(Comparison& comparison) {
  ComputeVerdicts(comparison);
  const Subject& a = comparison.subjects[0];
  const Subject& b = comparison.subjects[1];
  std::vector<DecisionRow> rows = {
      {"Panel verdict", comparison.verdict[0].label, comparison.verdict[1].label, {}},
      {"Panel ship", ShareCell(comparison.verdict[0]), ShareCell(comparison.verdict[1]), {}},
      {"Pricing", PricingCell(a.pricing), PricingCell(b.pricing), {}},
      {"Best for", OrDash(a.tagline), OrDash(b.tagline), {}},
      {"Category", OrDash(a.category), OrDash(b.category), {}},
      {"Licence", OrDash(a.licence), OrDash(b.licence), {}},
  };
  for (const DecisionRow& row : comparison.decision) {
    bool derived = std::find(kDerivedDecisionLabels.begin(), kDerivedDecisionLabels.end(),
                             row.label) != kDerivedDecisionLabels.end();
    if (!derived) rows.push_back(row);
  }
  comparison.decision = std::move(rows);
}

namespace {

std::string LowerAscii(std::string_view s) {
  std::string out;
  for (char c : s) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

const Fact* FindFact(const Subject& s, std::string_view field) {
  std::string key = LowerAscii(field);
  for (const Fact& f : s.facts)
    if (LowerAscii(f.field) == key) return &f;
  return nullptr;
}

std::string FieldLabel(std::string_view field) {
  std::string label(field);
  std::replace(label.begin(), label.end(), '_', ' ');
  if (!label.empty() && label[0] >= 'a' && label[0] <= 'z')
    label[0] = static_cast<char>(label[0] - 'a' + 'A');
  return label;
}

}  // namespace

std::vector<DecisionRow> KeyNumberRows(const Comparison& comparison,
                                       const std::vector<std::string>& fields) {
  std::vector<DecisionRow> rows;
  for (const std::string& field : fields) {
    const Fact* left = FindFact(comparison.subjects[0], field);
    const Fact* right = FindFact(comparison.subjects[1], field);
    if (left == nullptr && right == nullptr) continue;
    DecisionRow row{FieldLabel(field), left ? left->value : "—", right ? right->value : "—", {}};
    for (const Fact* f : {left, right})
      if (f != nullptr)
        for (const std::string& id : f->evidence_ids)
          if (std::find(row.evidence_ids.begin(), row.evidence_ids.end(), id) ==
              row.evidence_ids.end())
            row.evidence_ids.push_back(id);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace intern::agent
