#include "agent/review/comparison_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "agent/comparison_json.h"
#include "agent/resolve.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Index in `doc.subjects` of the subject called `name`, or -1.
int IndexOf(const Comparison& doc, const std::string& name) {
  const std::string key = NormaliseToolName(name);
  for (int i = 0; i < 2; ++i) {
    if (NormaliseToolName(doc.subjects[i].name) == key) return i;
  }
  return -1;
}

struct FieldValue {
  std::string field;  // first spelling seen
  std::string value;
};

// Facts of a subject by lower-cased field, in first-seen order; repeated fields joined.
std::vector<std::pair<std::string, FieldValue>> FactsByField(const Subject& subject) {
  std::vector<std::pair<std::string, FieldValue>> out;
  for (const Fact& f : subject.facts) {
    std::string key = Lower(f.field);
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == key; });
    if (it == out.end()) {
      out.push_back({key, FieldValue{f.field, f.value}});
    } else {
      it->second.value += "; " + f.value;
    }
  }
  return out;
}

std::string Describe(const SubjectTake& take) {
  if (take.abstain) return "no panel take";
  return fmt::format("{}/100 · {}", take.score, VerdictName(take.verdict));
}

const SubjectTake* TakeOf(const Comparison& doc, Persona persona, int subject) {
  if (subject < 0) return nullptr;
  for (const PanelTake& p : doc.panel) {
    if (p.persona == persona) return &p.takes[subject];
  }
  return nullptr;
}

}  // namespace

bool SamePair(const Comparison& a, const Comparison& b) {
  return IndexOf(b, a.subjects[0].name) >= 0 && IndexOf(b, a.subjects[1].name) >= 0 &&
         NormaliseToolName(a.subjects[0].name) != NormaliseToolName(a.subjects[1].name);
}

ComparisonDiff DiffComparisons(const Comparison& published, const Comparison& current) {
  ComparisonDiff diff;
  for (int i = 0; i < 2; ++i) {
    const Subject& now = current.subjects[i];
    int j = IndexOf(published, now.name);
    auto after = FactsByField(now);
    auto before = j >= 0 ? FactsByField(published.subjects[j])
                         : std::vector<std::pair<std::string, FieldValue>>{};
    for (const auto& [key, fv] : after) {
      auto old =
          std::find_if(before.begin(), before.end(), [&](const auto& e) { return e.first == key; });
      if (old == before.end()) {
        diff.facts.push_back({FactChange::Kind::kAdded, now.name, fv.field, "", fv.value});
      } else if (old->second.value != fv.value) {
        diff.facts.push_back(
            {FactChange::Kind::kChanged, now.name, fv.field, old->second.value, fv.value});
      }
    }
    for (const auto& [key, fv] : before) {
      bool kept =
          std::any_of(after.begin(), after.end(), [&](const auto& e) { return e.first == key; });
      if (!kept) {
        diff.facts.push_back({FactChange::Kind::kRemoved, now.name, fv.field, fv.value, ""});
      }
    }
  }

  for (Persona persona : kPersonas) {
    for (int i = 0; i < 2; ++i) {
      const std::string& name = current.subjects[i].name;
      const SubjectTake* now = TakeOf(current, persona, i);
      const SubjectTake* old = TakeOf(published, persona, IndexOf(published, name));
      SubjectTake none;
      none.abstain = true;
      const SubjectTake& a = old != nullptr ? *old : none;
      const SubjectTake& b = now != nullptr ? *now : none;
      if (a.abstain == b.abstain && (a.abstain || (a.score == b.score && a.verdict == b.verdict))) {
        continue;
      }
      TakeChange change;
      change.persona = persona;
      change.subject = name;
      change.before = Describe(a);
      change.after = Describe(b);
      if (!a.abstain && !b.abstain) change.score_delta = b.score - a.score;
      change.verdict_changed = a.abstain != b.abstain || a.verdict != b.verdict;
      diff.takes.push_back(std::move(change));
    }
  }

  for (int i = 0; i < 2; ++i) {
    const std::string& name = current.subjects[i].name;
    int j = IndexOf(published, name);
    std::string before = j >= 0 ? published.verdict[j].label : "";
    const std::string& after = current.verdict[i].label;
    if (before != after) diff.verdicts.push_back({name, before, after});
  }
  return diff;
}

std::string RenderDiff(const ComparisonDiff& diff) {
  if (diff.empty()) return "No fact, score or verdict changed.\n";
  std::string out;
  if (!diff.facts.empty()) {
    out += "Facts\n";
    for (const FactChange& f : diff.facts) {
      switch (f.kind) {
        case FactChange::Kind::kAdded:
          out += fmt::format("  + {} · {}: \"{}\"\n", f.subject, f.field, f.after);
          break;
        case FactChange::Kind::kRemoved:
          out += fmt::format("  - {} · {}: \"{}\"\n", f.subject, f.field, f.before);
          break;
        case FactChange::Kind::kChanged:
          out +=
              fmt::format("  ~ {} · {}: \"{}\" → \"{}\"\n", f.subject, f.field, f.before, f.after);
          break;
      }
    }
  }
  if (!diff.takes.empty()) {
    out += "Scores\n";
    for (const TakeChange& t : diff.takes) {
      std::string delta = t.score_delta ? fmt::format(" ({:+d})", *t.score_delta) : std::string();
      out += fmt::format("  {} · {}: {} → {}{}{}\n", PersonaTitle(t.persona), t.subject, t.before,
                         t.after, delta, t.verdict_changed ? ", verdict changed" : "");
    }
  }
  if (!diff.verdicts.empty()) {
    out += "Panel verdicts\n";
    for (const VerdictChange& v : diff.verdicts) {
      out += fmt::format("  {}: {} → {}\n", v.subject, v.before.empty() ? "—" : v.before,
                         v.after.empty() ? "—" : v.after);
    }
  }
  return out;
}

std::optional<sessions::DraftRecord> PublishedPredecessor(const sessions::Store& store,
                                                          const sessions::DraftRecord& draft) {
  Result<Comparison> current = ComparisonFromJson(draft.document);
  if (!current.ok()) return std::nullopt;
  std::vector<sessions::DraftRecord> published =
      store.ListDrafts(sessions::DraftStatus::kPublished);
  std::stable_sort(published.begin(), published.end(),
                   [](const auto& a, const auto& b) { return a.published_at > b.published_at; });
  for (const sessions::DraftRecord& p : published) {
    if (p.id == draft.id) continue;
    Result<Comparison> doc = ComparisonFromJson(p.document);
    if (doc.ok() && SamePair(doc.value(), current.value())) return p;
  }
  return std::nullopt;
}

}  // namespace intern::agent
