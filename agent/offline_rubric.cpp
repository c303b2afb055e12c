#include "agent/offline_rubric.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace intern::agent {
namespace {

using M = RubricMeasure;
constexpr double kAll = std::numeric_limits<double>::lowest();  // last kAtLeast band
constexpr double kAny = std::numeric_limits<double>::max();     // last kAtMost band

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string NameKey(std::string_view name) {
  std::string key;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

std::string Grouped(long long n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Number(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9) return Grouped(std::llround(v));
  return fmt::format("{:.1f}", v);
}

// "12,400", "12.4k", "1.2M", "3B" → the number; nullopt when it is not one.
std::optional<double> ParseCount(std::string_view text) {
  std::string t;
  for (char c : Trim(text))
    if (c != ',' && c != '_' && c != ' ') t += c;
  if (t.empty()) return std::nullopt;
  double scale = 1.0;
  char last = static_cast<char>(std::tolower(static_cast<unsigned char>(t.back())));
  if (last == 'k') scale = 1e3;
  if (last == 'm') scale = 1e6;
  if (last == 'b') scale = 1e9;
  if (scale != 1.0) t.pop_back();
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v * scale;
}

std::optional<std::chrono::sys_days> ParseDate(std::string_view text) {
  std::string t = Trim(text);
  if (t.size() < 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(t[static_cast<size_t>(i)]))) return std::nullopt;
  std::chrono::year_month_day ymd{
      std::chrono::year{std::stoi(t.substr(0, 4))},
      std::chrono::month{static_cast<unsigned>(std::stoi(t.substr(5, 2)))},
      std::chrono::day{static_cast<unsigned>(std::stoi(t.substr(8, 2)))}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::optional<bool> ParseYesNo(std::string_view text) {
  std::string t = Lower(Trim(text));
  if (t == "yes" || t == "true" || t == "1" || t == "present" || t == "available" ||
      t.rfind("http://", 0) == 0 || t.rfind("https://", 0) == 0)
    return true;
  if (t == "no" || t == "false" || t == "0" || t == "none" || t == "absent" || t == "missing")
    return false;
  return std::nullopt;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  std::string cur;
  auto flush = [&] {
    std::string item = Trim(cur);
    if (!item.empty() && std::find(items.begin(), items.end(), item) == items.end())
      items.push_back(item);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',' || c == '/' || c == ';' || c == '+')
      flush();
    else
      cur += c;
  }
  flush();
  return items;
}

// Licence class code: open 3, copyleft 2, restricted 1, closed 0.
std::pair<int, std::string_view> LicenceClass(std::string_view licence) {
  std::string l = Lower(licence);
  auto has = [&](std::string_view s) { return l.find(s) != std::string::npos; };
  if (has("gpl")) return {2, "copyleft"};
  if (has("proprietary") || has("commercial") || has("closed") || l == "none") return {0, "closed"};
  if (has("-nc") || has(" nc") || has("noncommercial") || has("non-commercial"))
    return {1, "restricted"};
  for (std::string_view open :
       {"apache", "mit", "bsd", "isc", "mpl", "unlicense", "zlib", "cc0", "cc-by"})
    if (has(open)) return {3, "open"};
  return {1, "restricted"};
}

std::optional<int> PricingCode(std::string_view pricing) {
  std::string p = Lower(Trim(pricing));
  if (p == "open-source" || p == "open source") return 3;
  if (p == "free") return 2;
  if (p == "usage-based" || p == "usage based") return 1;
  if (p == "paid") return 0;
  return std::nullopt;
}

// A measured value, how it reads in a signal, and the facts it came from.
struct Measured {
  double value = 0.0;
  std::string shown;
  std::vector<std::string> evidence_ids;
};

class FactView {
 public:
  FactView(const RubricFacts& facts, std::chrono::sys_days today) : f_(facts), today_(today) {}

  const Fact* Find(std::initializer_list<std::string_view> fields) const {
    for (std::string_view field : fields)
      for (const Fact& fact : f_.facts)
        if (Lower(Trim(fact.field)) == field && !Trim(fact.value).empty()) return &fact;
    return nullptr;
  }

  std::optional<Measured> Count(std::initializer_list<std::string_view> fields,
                                std::string_view format) const {
    const Fact* fact = Find(fields);
    if (fact == nullptr) return std::nullopt;
    std::optional<double> v = ParseCount(fact->value);
    if (!v) return std::nullopt;
    return Measured{*v, fmt::format(fmt::runtime(format), Number(*v)), fact->evidence_ids};
  }

  std::optional<Measured> Days(std::initializer_list<std::string_view> fields,
                               std::string_view format) const {
    const Fact* fact = Find(fields);
    if (fact == nullptr) return std::nullopt;
    std::optional<std::chrono::sys_days> date = ParseDate(fact->value);
    if (!date) return std::nullopt;
    double days = std::max<long long>(0, (today_ - *date).count());
    return Measured{days, fmt::format(fmt::runtime(format), Number(days)), fact->evidence_ids};
  }

  std::optional<Measured> YesNo(std::initializer_list<std::string_view> fields,
                                std::string_view yes, std::string_view no) const {
    const Fact* fact = Find(fields);
    if (fact == nullptr) return std::nullopt;
    std::optional<bool> v = ParseYesNo(fact->value);
    if (!v) return std::nullopt;
    return Measured{*v ? 1.0 : 0.0, std::string(*v ? yes : no), fact->evidence_ids};
  }

  std::optional<Measured> Measure(RubricMeasure m) const {
    switch (m) {
      case M::kDocs:
        return YesNo({"docs"}, "docs present", "no docs found");
      case M::kLicence: {
        const Fact* fact = Find({"licence", "license"});
        if (fact == nullptr) return std::nullopt;
        auto [code, name] = LicenceClass(fact->value);
        return Measured{static_cast<double>(code),
                        fmt::format("licence {} ({})", Trim(fact->value), name),
                        fact->evidence_ids};
      }
      case M::kBuildFiles: {
        const Fact* fact = Find({"build_files"});
        if (fact == nullptr) return std::nullopt;
        if (ParseYesNo(fact->value) == false)
          return Measured{0.0, "no build files", fact->evidence_ids};
        return Measured{1.0, "build files " + Trim(fact->value), fact->evidence_ids};
      }
      case M::kCommitsLastYear:
        return Count({"commits_last_year"}, "{} commits in the last year");
      case M::kDaysSinceCommit:
        return Days({"last_commit", "pushed_at", "last_modified"}, "last commit {} days ago");
      case M::kIntegrations: {
        const Fact* fact = Find({"integrations"});
        if (fact == nullptr) return std::nullopt;
        if (ParseYesNo(fact->value) == false)
          return Measured{0.0, "no integrations listed", fact->evidence_ids};
        std::vector<std::string> items = SplitList(fact->value);
        return Measured{
            static_cast<double>(items.size()),
            fmt::format("integrates with {} ({})", fmt::join(items, ", "), items.size()),
            fact->evidence_ids};
      }
      case M::kContributors:
        return Count({"contributors"}, "{} contributors");
      case M::kEvidenceCount:
        if (f_.evidence_count <= 0) return std::nullopt;
        return Measured{static_cast<double>(f_.evidence_count),
                        fmt::format("{} ledger records", f_.evidence_count),
                        {}};
      case M::kSourceCount:
        if (f_.evidence_count <= 0) return std::nullopt;
        return Measured{
            static_cast<double>(f_.source_count),
            fmt::format("{} distinct source{}", f_.source_count, f_.source_count == 1 ? "" : "s"),
            {}};
      case M::kAgeDays:
        return Days({"created_at", "released"}, "created {} days ago");
      case M::kReleasesLastYear:
        return Count({"releases_last_year"}, "{} releases in the last year");
      case M::kIssuesPer100Stars: {
        auto issues = Count({"open_issues"}, "{}");
        auto stars = Count({"stars"}, "{}");
        if (!issues || !stars || stars->value <= 0) return std::nullopt;
        double per100 = issues->value * 100.0 / stars->value;
        Measured m{per100,
                   fmt::format("{} open issues for {} stars ({:.1f} per 100)", issues->shown,
                               stars->shown, per100),
                   issues->evidence_ids};
        m.evidence_ids.insert(m.evidence_ids.end(), stars->evidence_ids.begin(),
                              stars->evidence_ids.end());
        return m;
      }
      case M::kUnsourced: {
        int n = 0;
        for (const Fact& fact : f_.facts) n += fact.evidence_ids.empty() ? 1 : 0;
        if (n == 0) return std::nullopt;
        return Measured{static_cast<double>(n),
                        fmt::format("{} fact{} without a source", n, n == 1 ? "" : "s"),
                        {}};
      }
      case M::kStarsPerMonth: {
        auto stars = Count({"stars"}, "{}");
        auto age = Days({"created_at", "released"}, "{}");
        if (!stars || !age) return std::nullopt;
        double months = std::max(1.0, age->value / 30.0);
        double rate = std::round(stars->value / months);
        Measured m{
            rate,
            fmt::format("{} stars in {} days ({} a month)", stars->shown, age->shown, Number(rate)),
            stars->evidence_ids};
        m.evidence_ids.insert(m.evidence_ids.end(), age->evidence_ids.begin(),
                              age->evidence_ids.end());
        return m;
      }
      case M::kDownloads:
        return Count({"downloads"}, "{} downloads");
      case M::kModalities:
      case M::kMediaModalities: {
        const Fact* fact = Find({"modalities"});
        if (fact == nullptr) return std::nullopt;
        std::vector<std::string> all;
        for (const std::string& item : SplitList(Lower(fact->value))) all.push_back(item);
        if (all.empty()) return std::nullopt;
        if (m == M::kModalities)
          return Measured{static_cast<double>(all.size()),
                          fmt::format("modalities {} ({})", fmt::join(all, ", "), all.size()),
                          fact->evidence_ids};
        std::vector<std::string> media;
        for (const std::string& item : all)
          if (item != "text") media.push_back(item);
        return Measured{static_cast<double>(media.size()),
                        media.empty() ? std::string("text only")
                                      : fmt::format("handles {}", fmt::join(media, ", ")),
                        fact->evidence_ids};
      }
      case M::kOnDevice:
        return YesNo({"on_device"}, "runs on device", "no on-device build");
      case M::kContextWindow:
        return Count({"context_window"}, "context window {} tokens");
      case M::kParametersBillions: {
        const Fact* fact = Find({"parameters"});
        if (fact == nullptr) return std::nullopt;
        std::optional<double> v = ParseCount(fact->value);
        if (!v) return std::nullopt;
        std::string t = Lower(Trim(fact->value));
        // "2.2B" parses to 2.2e9; a bare "27" means billions, a bare 2200000000 means units.
        double billions =
            (!t.empty() && (t.back() == 'b' || t.back() == 'm' || *v > 1e5)) ? *v / 1e9 : *v;
        return Measured{billions, fmt::format("{}B parameters", Number(billions)),
                        fact->evidence_ids};
      }
      case M::kPricing: {
        const Fact* fact = Find({"pricing", "pricing_model"});
        if (fact == nullptr) return std::nullopt;
        std::optional<int> code = PricingCode(fact->value);
        if (!code) return std::nullopt;
        return Measured{static_cast<double>(*code), "pricing " + Lower(Trim(fact->value)),
                        fact->evidence_ids};
      }
      case M::kOrganisation: {
        const Fact* fact = Find({"organisation", "organization"});
        if (fact == nullptr) return std::nullopt;
        return Measured{1.0, "backed by " + Trim(fact->value), fact->evidence_ids};
      }
      case M::kLikes:
        return Count({"likes"}, "{} likes");
      case M::kQuantised:
        return YesNo({"quantised", "quantized"}, "quantised builds available",
                     "no quantised builds");
      case M::kForks:
        return Count({"forks"}, "{} forks");
    }
    return std::nullopt;
  }

 private:
  const RubricFacts& f_;
  std::chrono::sys_days today_;
};

int Points(const RubricRule& rule, double value) {
  for (const RubricBand& band : rule.bands)
    if (rule.at_most ? value <= band.bound : value >= band.bound) return band.points;
  return 0;
}

std::string Signed(int points) {
  return points < 0 ? fmt::format("-{}", -points) : fmt::format("+{}", points);
}

struct Contribution {
  std::string shown;
  int points = 0;
};

std::string JoinAnd(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  std::string out;
  for (size_t i = 0; i + 1 < items.size(); ++i) out += (i > 0 ? ", " : "") + items[i];
  return out + " and " + items.back();
}

std::string Rationale(const SubjectTake& take, std::vector<Contribution> parts) {
  std::stable_sort(parts.begin(), parts.end(), [](const Contribution& x, const Contribution& y) {
    return x.points > y.points;
  });
  std::vector<std::string> pros;
  for (const Contribution& c : parts)
    if (c.points > 0 && pros.size() < 2) pros.push_back(c.shown);
  const Contribution* worst = nullptr;
  for (const Contribution& c : parts)
    if (c.points < 0 && (worst == nullptr || c.points < worst->points)) worst = &c;
  bool one = pros.size() == 1;
  if (take.verdict == Verdict::kShip && pros.empty())  // only possible with a base of 60 or more
    return fmt::format("Ships at {}: no signal stands out.", take.score);
  if (take.verdict == Verdict::kShip) {
    std::string text =
        fmt::format("Ships at {}: {} count{} most", take.score, JoinAnd(pros), one ? "s" : "");
    if (worst != nullptr) text += fmt::format("; against it, {}", worst->shown);
    return text + ".";
  }
  if (pros.empty()) {
    std::string text = fmt::format("Skips at {}: nothing in the evidence lifts it", take.score);
    if (worst != nullptr) text += fmt::format(", and {} weighs against it", worst->shown);
    return text + ".";
  }
  if (worst == nullptr)
    return fmt::format("Skips at {}: {} fall{} short of {}.", take.score, JoinAnd(pros),
                       one ? "s" : "", kShipThreshold);
  return fmt::format("Skips at {}: {} weighs against it; {} do{} not make up for it.", take.score,
                     worst->shown, JoinAnd(pros), one ? "es" : "");
}

}  // namespace

int RubricBase(Persona persona) {
  switch (persona) {
    case Persona::kBuilder:
      return 40;
    case Persona::kSkeptic:
      return 50;
    case Persona::kFuturist:
      return 45;
    case Persona::kCreator:
      return 40;
    case Persona::kFounder:
      return 45;
  }
  return 50;
}

const std::vector<RubricRule>& Rubric() {
  using P = Persona;
  // clang-format off
  static const std::vector<RubricRule> rubric = {
      {P::kBuilder, "docs", M::kDocs, false, {{1, 10}, {kAll, -10}}},
      {P::kBuilder, "licence openness", M::kLicence, false, {{3, 12}, {2, 4}, {1, -4}, {kAll, -10}}},
      {P::kBuilder, "installability", M::kBuildFiles, false, {{1, 8}, {kAll, -6}}},
      {P::kBuilder, "activity", M::kCommitsLastYear, false, {{500, 10}, {100, 6}, {12, 2}, {kAll, -8}}},
      {P::kBuilder, "recency", M::kDaysSinceCommit, true, {{30, 6}, {180, 2}, {365, -4}, {kAny, -10}}},
      {P::kBuilder, "integrations", M::kIntegrations, false, {{3, 8}, {1, 4}, {kAll, 0}}},
      {P::kBuilder, "contributors", M::kContributors, false, {{50, 6}, {10, 3}, {3, 0}, {kAll, -4}}},

      {P::kSkeptic, "evidence volume", M::kEvidenceCount, false, {{10, 6}, {5, 3}, {2, 0}, {kAll, -8}}},
      {P::kSkeptic, "source diversity", M::kSourceCount, false, {{4, 8}, {2, 2}, {kAll, -10}}},
      {P::kSkeptic, "maturity", M::kAgeDays, false, {{730, 8}, {365, 4}, {90, 0}, {kAll, -8}}},
      {P::kSkeptic, "release cadence", M::kReleasesLastYear, false, {{4, 6}, {1, 2}, {kAll, -6}}},
      {P::kSkeptic, "open issues", M::kIssuesPer100Stars, true, {{2, 4}, {5, 0}, {10, -3}, {kAny, -6}}},
      {P::kSkeptic, "unsourced claims", M::kUnsourced, false, {{3, -12}, {2, -8}, {1, -4}}},
      {P::kSkeptic, "licence terms", M::kLicence, false, {{3, 4}, {2, 0}, {1, -6}, {kAll, -8}}},

      {P::kFuturist, "momentum", M::kStarsPerMonth, false, {{1000, 14}, {200, 8}, {50, 3}, {kAll, -4}}},
      {P::kFuturist, "adoption", M::kDownloads, false, {{1e6, 10}, {1e5, 6}, {1e4, 2}, {kAll, -2}}},
      {P::kFuturist, "recency", M::kDaysSinceCommit, true, {{30, 8}, {90, 4}, {365, 0}, {kAny, -12}}},
      {P::kFuturist, "modality breadth", M::kModalities, false, {{3, 12}, {2, 6}, {kAll, 0}}},
      {P::kFuturist, "on-device reach", M::kOnDevice, false, {{1, 10}, {kAll, -2}}},
      {P::kFuturist, "context", M::kContextWindow, false, {{128000, 4}, {32000, 2}, {kAll, 0}}},
      {P::kFuturist, "community interest", M::kLikes, false, {{1000, 4}, {100, 2}, {kAll, 0}}},

      {P::kCreator, "media", M::kMediaModalities, false, {{2, 15}, {1, 8}, {kAll, -6}}},
      {P::kCreator, "docs", M::kDocs, false, {{1, 8}, {kAll, -8}}},
      {P::kCreator, "integrations", M::kIntegrations, false, {{3, 6}, {1, 3}, {kAll, 0}}},
      {P::kCreator, "hardware reach", M::kOnDevice, false, {{1, 10}, {kAll, -4}}},
      {P::kCreator, "quantised builds", M::kQuantised, false, {{1, 4}, {kAll, 0}}},
      {P::kCreator, "model size", M::kParametersBillions, true, {{4, 8}, {15, 3}, {70, -3}, {kAny, -8}}},
      {P::kCreator, "free to try", M::kPricing, false, {{3, 10}, {2, 10}, {1, 2}, {kAll, -8}}},

      {P::kFounder, "pricing", M::kPricing, false, {{3, 10}, {2, 6}, {1, 2}, {kAll, -6}}},
      {P::kFounder, "commercial licence", M::kLicence, false, {{3, 14}, {2, -4}, {1, -2}, {kAll, -6}}},
      {P::kFounder, "vendor backing", M::kOrganisation, false, {{kAll, 6}}},
      {P::kFounder, "integrations", M::kIntegrations, false, {{3, 8}, {1, 4}, {kAll, 0}}},
      {P::kFounder, "adoption", M::kDownloads, false, {{1e6, 6}, {1e5, 3}, {kAll, 0}}},
      {P::kFounder, "community", M::kForks, false, {{1000, 6}, {100, 3}, {kAll, 0}}},
  };
  // clang-format on
  return rubric;
}

std::vector<RubricSignal> MeasureSignals(Persona persona, const RubricFacts& subject,
                                         std::chrono::sys_days today) {
  FactView view(subject, today);
  std::vector<RubricSignal> out;
  for (const RubricRule& rule : Rubric()) {
    if (rule.persona != persona) continue;
    std::optional<Measured> m = view.Measure(rule.measure);
    if (!m) continue;
    out.push_back({rule.signal, m->shown, Points(rule, m->value), m->evidence_ids});
  }
  return out;
}

SubjectTake ScoreSubject(Persona persona, const RubricFacts& subject, std::chrono::sys_days today) {
  std::vector<RubricSignal> signals = MeasureSignals(persona, subject, today);
  if (static_cast<int>(signals.size()) < kMinRubricSignals) {
    std::vector<std::string> missing;
    int total = 0;
    for (const RubricRule& rule : Rubric()) {
      if (rule.persona != persona) continue;
      ++total;
      bool seen = std::any_of(signals.begin(), signals.end(),
                              [&](const RubricSignal& s) { return s.signal == rule.signal; });
      if (!seen) missing.emplace_back(rule.signal);
    }
    SubjectTake abstain;
    abstain.abstain = true;
    abstain.abstain_reason =
        fmt::format("the evidence reaches only {} of the {}'s {} signals (missing {})",
                    signals.size(), PersonaName(persona), total, JoinAnd(missing));
    return abstain;
  }
  SubjectTake take;
  int score = RubricBase(persona);
  std::vector<Contribution> parts;
  std::set<std::string> cited;
  for (const RubricSignal& s : signals) {
    score += s.points;
    parts.push_back({s.shown, s.points});
    take.signals.push_back(fmt::format("{}: {} {}", s.signal, s.shown, Signed(s.points)));
    for (const std::string& id : s.evidence_ids)
      if (cited.insert(id).second) take.evidence_ids.push_back(id);
  }
  take.score = std::clamp(score, 0, 100);
  take.verdict = take.score >= kShipThreshold ? Verdict::kShip : Verdict::kSkip;
  take.rationale = Rationale(take, parts);
  return take;
}

std::vector<PanelTake> ScorePanel(const RubricFacts& a, const RubricFacts& b,
                                  std::chrono::sys_days today) {
  std::vector<PanelTake> panel;
  for (Persona persona : kPersonas) {
    PanelTake p;
    p.persona = persona;
    p.takes[0] = ScoreSubject(persona, a, today);
    p.takes[1] = ScoreSubject(persona, b, today);
    panel.push_back(std::move(p));
  }
  return panel;
}

RubricFacts RubricFactsFromLedger(const std::string& name,
                                  const std::vector<tools::EvidenceRecord>& records) {
  RubricFacts out;
  out.name = name;
  std::string key = NameKey(name);
  std::set<std::string> sources;
  // field → (retrieved_at, index into out.facts)
  std::map<std::string, std::pair<std::string, size_t>> latest;
  for (const tools::EvidenceRecord& r : records) {
    if (NameKey(r.draft.subject) != key || key.empty()) continue;
    ++out.evidence_count;
    if (!r.draft.source_url.empty())
      sources.insert(r.draft.source_url.substr(0, r.draft.source_url.find('#')));
    if (r.draft.kind != "fact" || r.draft.field.empty()) continue;
    std::string field = Lower(Trim(r.draft.field));
    Fact fact{field, r.draft.value, {r.id}};
    auto it = latest.find(field);
    if (it == latest.end()) {
      latest.emplace(field, std::make_pair(r.retrieved_at, out.facts.size()));
      out.facts.push_back(std::move(fact));
    } else if (r.retrieved_at >= it->second.first) {
      it->second.first = r.retrieved_at;
      out.facts[it->second.second] = std::move(fact);
    }
  }
  out.source_count = static_cast<int>(sources.size());
  return out;
}

}  // namespace intern::agent
