// Reading the comparison JSON (stored documents and submit_draft arguments): lenient in shape,
// exact in its problems (agent/comparison_json.h).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "agent/comparison_json.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "the boolean " + v.dump();
    case json::value_t::string: {
      std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);
      if (text.size() > 42) text = text.substr(0, 40) + "…\"";
      return "the string " + text;
    }
    default:
      return "the number " + v.dump();
  }
}

// Collects problems while reading one document; every Read* takes the JSON path of the value.
class Reader {
 public:
  std::vector<std::string> problems;

  void Problem(const std::string& path, const std::string& what) {
    problems.push_back(fmt::format("{} {}", path, what));
  }

  // The member `key` of object `o` (or the first of `aliases` present), or nullptr.
  static const json* Member(const json& o, std::initializer_list<const char*> keys) {
    if (!o.is_object()) return nullptr;
    for (const char* k : keys)
      if (auto it = o.find(k); it != o.end()) return &*it;
    return nullptr;
  }

  std::string Text(const json& o, std::initializer_list<const char*> keys,
                   const std::string& path) {
    const json* v = Member(o, keys);
    if (v == nullptr || v->is_null()) return "";
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number() || v->is_boolean()) return v->dump();
    Problem(path, "must be text, got " + Describe(*v));
    return "";
  }

  std::vector<std::string> IdList(const json& o, const std::string& path) {
    std::vector<std::string> ids;
    const json* v = Member(o, {"evidence_ids", "evidence"});
    if (v == nullptr || v->is_null()) return ids;
    auto add_split = [&](const std::string& text) {
      size_t start = 0;
      while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string one = Trim(
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!one.empty()) ids.push_back(one);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    };
    if (v->is_string()) {
      add_split(v->get<std::string>());
      return ids;
    }
    if (!v->is_array()) {
      Problem(path, "must be a list of evidence ids, got " + Describe(*v));
      return ids;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      if (item.is_string())
        add_split(item.get<std::string>());
      else
        Problem(fmt::format("{}[{}]", path, i), "must be an evidence id, got " + Describe(item));
    }
    return ids;
  }

  Pricing ReadPricing(const json& o, const std::string& path) {
    Pricing p;
    const json* v = Member(o, {"pricing"});
    if (v == nullptr || v->is_null()) return p;
    if (v->is_string()) {
      p.entry = v->get<std::string>();
      return p;
    }
    if (!v->is_object()) {
      Problem(path, "must be an object with model and entry, got " + Describe(*v));
      return p;
    }
    p.model = Lower(Text(*v, {"model"}, path + ".model"));
    p.entry = Text(*v, {"entry"}, path + ".entry");
    return p;
  }

  std::vector<Link> ReadLinks(const json& o, const std::string& path) {
    std::vector<Link> links;
    const json* v = Member(o, {"links"});
    if (v == nullptr || v->is_null()) return links;
    if (v->is_object()) {  // {"GitHub": "https://..."}
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (it->is_string())
          links.push_back({it.key(), it->get<std::string>()});
        else
          Problem(fmt::format("{}.{}", path, it.key()), "must be a URL, got " + Describe(*it));
      }
      return links;
    }
    if (!v->is_array()) {
      Problem(path, "must be a list of links, got " + Describe(*v));
      return links;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      std::string p = fmt::format("{}[{}]", path, i);
      if (item.is_string()) {
        links.push_back({"", item.get<std::string>()});
      } else if (item.is_object()) {
        links.push_back({Text(item, {"label", "title"}, p + ".label"),
                         Text(item, {"url", "href"}, p + ".url")});
      } else {
        Problem(p, "must be a link {label, url}, got " + Describe(item));
      }
    }
    return links;
  }

  std::vector<Fact> ReadFacts(const json& o, const std::string& path) {
    std::vector<Fact> facts;
    const json* v = Member(o, {"facts"});
    if (v == nullptr || v->is_null()) return facts;
    if (!v->is_array()) {
      Problem(path, "must be a list of facts, got " + Describe(*v));
      return facts;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      std::string p = fmt::format("{}[{}]", path, i);
      if (!item.is_object()) {
        Problem(p, "must be a fact {field, value, evidence_ids}, got " + Describe(item));
        continue;
      }
      facts.push_back({Text(item, {"field"}, p + ".field"), Text(item, {"value"}, p + ".value"),
                       IdList(item, p + ".evidence_ids")});
    }
    return facts;
  }

  Subject ReadSubject(const json& o, const std::string& path) {
    Subject s;
    if (!o.is_object()) {
      Problem(path, "must be a subject object, got " + Describe(o));
      return s;
    }
    s.name = Trim(Text(o, {"name"}, path + ".name"));
    s.tagline = Text(o, {"tagline", "best_for"}, path + ".tagline");
    s.summary = Text(o, {"summary"}, path + ".summary");
    s.category = Text(o, {"category"}, path + ".category");
    s.kind = Text(o, {"kind"}, path + ".kind");
    s.organisation = Text(o, {"organisation", "organization"}, path + ".organisation");
    s.pricing = ReadPricing(o, path + ".pricing");
    s.licence = Text(o, {"licence", "license"}, path + ".licence");
    s.links = ReadLinks(o, path + ".links");
    s.facts = ReadFacts(o, path + ".facts");
    return s;
  }

  // A score from 84, 84.0, "84" or "84/100"; nullopt (with a problem) otherwise.
  std::optional<int> Score(const json& v, const std::string& path) {
    if (v.is_number()) return static_cast<int>(std::lround(v.get<double>()));
    if (v.is_string()) {
      std::string text = Trim(v.get<std::string>());
      if (text.size() > 4 && text.substr(text.size() - 4) == "/100")
        text = Trim(text.substr(0, text.size() - 4));
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(d))
        return static_cast<int>(std::lround(d));
    }
    Problem(path, "must be a number from 0 to 100, got " + Describe(v));
    return std::nullopt;
  }

  SubjectTake ReadTake(const json& o, const std::string& path) {
    SubjectTake t;
    if (!o.is_object()) {
      Problem(path, "must be a take {score, verdict, rationale, evidence_ids} or {abstain}, got " +
                        Describe(o));
      return t;
    }
    if (const json* a = Member(o, {"abstain"}); a != nullptr && !a->is_null()) {
      if (a->is_string()) {
        t.abstain = true;
        t.abstain_reason = a->get<std::string>();
      } else if (a->is_boolean()) {
        t.abstain = a->get<bool>();
        t.abstain_reason = Text(o, {"abstain_reason", "reason"}, path + ".abstain_reason");
      } else {
        Problem(path + ".abstain",
                "must be true or the reason for abstaining, got " + Describe(*a));
      }
      if (t.abstain) return t;
    }
    if (const json* s = Member(o, {"score"}); s == nullptr || s->is_null()) {
      Problem(path + ".score", "is missing: give a score from 0 to 100, or abstain with a reason");
    } else if (auto score = Score(*s, path + ".score")) {
      t.score = *score;
    }
    std::string verdict = Lower(Trim(Text(o, {"verdict"}, path + ".verdict")));
    if (verdict == "ship") {
      t.verdict = Verdict::kShip;
    } else if (verdict == "skip") {
      t.verdict = Verdict::kSkip;
    } else if (verdict.empty()) {
      Problem(path + ".verdict", "is missing: give \"ship\" or \"skip\"");
    } else {
      Problem(path + ".verdict", fmt::format("must be \"ship\" or \"skip\", got \"{}\"", verdict));
    }
    t.rationale = Text(o, {"rationale"}, path + ".rationale");
    t.exception = Text(o, {"exception"}, path + ".exception");
    t.evidence_ids = IdList(o, path + ".evidence_ids");
    if (const json* sig = Member(o, {"signals"}); sig != nullptr && sig->is_array())
      for (const json& s : *sig)
        if (s.is_string()) t.signals.push_back(s.get<std::string>());
    return t;
  }

  std::optional<PanelTake> ReadPanelTake(const json& o, const std::string& path,
                                         const std::array<Subject, 2>& subjects) {
    if (!o.is_object()) {
      Problem(path, "must be a persona's take {persona, takes}, got " + Describe(o));
      return std::nullopt;
    }
    PanelTake take;
    std::string name = Lower(Trim(Text(o, {"persona"}, path + ".persona")));
    auto persona = PersonaFromName(name);
    if (!persona) {
      Problem(path + ".persona",
              name.empty() ? std::string("is missing: give one of builder, skeptic, futurist, "
                                         "creator, founder")
                           : fmt::format("\"{}\" is not one of builder, skeptic, futurist, "
                                         "creator, founder",
                                         name));
      return std::nullopt;
    }
    take.persona = *persona;
    const json* takes = Member(o, {"takes"});
    std::string tp = path + ".takes";
    if (takes == nullptr || takes->is_null()) {
      Problem(tp, "is missing: give one take per subject, in subject order");
    } else if (takes->is_array()) {
      if (takes->size() != 2)
        Problem(tp,
                fmt::format("must have exactly 2 takes (one per subject), got {}", takes->size()));
      for (size_t i = 0; i < std::min<size_t>(2, takes->size()); ++i)
        take.takes[i] = ReadTake((*takes)[i], fmt::format("{}[{}]", tp, i));
    } else if (takes->is_object()) {
      for (size_t i = 0; i < 2; ++i) {
        auto it = takes->find(subjects[i].name);
        if (it == takes->end())
          Problem(tp, fmt::format("has no take for \"{}\"", subjects[i].name));
        else
          take.takes[i] = ReadTake(*it, fmt::format("{}[{}]", tp, i));
      }
    } else {
      Problem(tp, "must be a list of 2 takes (one per subject), got " + Describe(*takes));
    }
    return take;
  }

  std::vector<DecisionRow> ReadDecision(const json& o) {
    std::vector<DecisionRow> rows;
    const json* v = Member(o, {"decision"});
    if (v == nullptr || v->is_null()) return rows;
    if (!v->is_array()) {
      Problem("decision", "must be a list of rows {label, left, right}, got " + Describe(*v));
      return rows;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      std::string p = fmt::format("decision[{}]", i);
      const json& item = (*v)[i];
      if (!item.is_object()) {
        Problem(p, "must be a row {label, left, right}, got " + Describe(item));
        continue;
      }
      rows.push_back({Text(item, {"label"}, p + ".label"), Text(item, {"left"}, p + ".left"),
                      Text(item, {"right"}, p + ".right"), IdList(item, p + ".evidence_ids")});
    }
    return rows;
  }

  double Number(const json& o, const char* key, const std::string& path) {
    const json* v = Member(o, {key});
    if (v == nullptr || v->is_null()) return 0.0;
    if (v->is_number()) return v->get<double>();
    if (v->is_string()) {
      std::string text = Trim(v->get<std::string>());
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size() && std::isfinite(d)) return d;
    }
    Problem(path, "must be a number, got " + Describe(*v));
    return 0.0;
  }

  std::vector<Benchmark> ReadBenchmarks(const json& o) {
    std::vector<Benchmark> out;
    const json* v = Member(o, {"benchmarks"});
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_array()) {
      Problem("benchmarks", "must be a list of measured results, got " + Describe(*v));
      return out;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      std::string p = fmt::format("benchmarks[{}]", i);
      const json& item = (*v)[i];
      if (!item.is_object()) {
        Problem(p, "must be a measured result object, got " + Describe(item));
        continue;
      }
      Benchmark b;
      b.subject = Trim(Text(item, {"subject"}, p + ".subject"));
      b.name = Text(item, {"name"}, p + ".name");
      const json* f = Member(item, {"figures"});
      const json& figures = f != nullptr && f->is_object() ? *f : item;
      if (f != nullptr && !f->is_object() && !f->is_null())
        Problem(p + ".figures", "must be an object {median, min, max, unit}, got " + Describe(*f));
      std::string fp = p + ".figures";
      b.figures.median = Number(figures, "median", fp + ".median");
      b.figures.min = Number(figures, "min", fp + ".min");
      b.figures.max = Number(figures, "max", fp + ".max");
      b.figures.unit = Text(figures, {"unit"}, fp + ".unit");
      b.receipt_id = Text(item, {"receipt_id", "receipt"}, p + ".receipt_id");
      b.evidence_ids = IdList(item, p + ".evidence_ids");
      out.push_back(std::move(b));
    }
    return out;
  }

  // The parts the model submits; used by both readers.
  void ReadSubmitted(const json& o, Comparison& c) {
    c.title = Text(o, {"title"}, "title");
    c.question = Text(o, {"question"}, "question");
    const json* subjects = Member(o, {"subjects"});
    if (subjects == nullptr || !subjects->is_array()) {
      Problem("subjects", subjects == nullptr
                              ? "is missing: give exactly two subjects"
                              : "must be a list of two subjects, got " + Describe(*subjects));
    } else {
      if (subjects->size() != 2)
        Problem("subjects",
                fmt::format("must list exactly two subjects, got {}", subjects->size()));
      for (size_t i = 0; i < std::min<size_t>(2, subjects->size()); ++i)
        c.subjects[i] = ReadSubject((*subjects)[i], fmt::format("subjects[{}]", i));
    }
    const json* panel = Member(o, {"panel"});
    if (panel == nullptr || panel->is_null()) {
      Problem("panel", "is missing: give the five personas' takes");
    } else if (!panel->is_array()) {
      Problem("panel", "must be a list of the five personas' takes, got " + Describe(*panel));
    } else {
      for (size_t i = 0; i < panel->size(); ++i)
        if (auto take = ReadPanelTake((*panel)[i], fmt::format("panel[{}]", i), c.subjects))
          c.panel.push_back(std::move(*take));
    }
    c.decision = ReadDecision(o);
    c.benchmarks = ReadBenchmarks(o);
  }
};

}  // namespace

ParsedComparison ParseDraftSubmission(const json& arguments) {
  ParsedComparison out;
  Reader r;
  if (!arguments.is_object()) {
    r.Problem("the draft", "must be a JSON object, got " + Describe(arguments));
  } else {
    r.ReadSubmitted(arguments, out.comparison);
  }
  out.problems = std::move(r.problems);
  return out;
}

ParsedComparison ParseComparison(const json& value) {
  ParsedComparison out;
  Reader r;
  Comparison& c = out.comparison;
  if (!value.is_object()) {
    r.Problem("the comparison", "must be a JSON object, got " + Describe(value));
    out.problems = std::move(r.problems);
    return out;
  }
  c.schema = r.Text(value, {"schema"}, "schema");
  if (c.schema != kComparisonSchema)
    r.Problem("schema", fmt::format("must be \"{}\", got \"{}\"", kComparisonSchema, c.schema));
  r.ReadSubmitted(value, c);
  c.generated_at = r.Text(value, {"generated_at"}, "generated_at");
  c.session = r.Text(value, {"session"}, "session");
  c.provider = r.Text(value, {"provider"}, "provider");
  c.model = r.Text(value, {"model"}, "model");
  if (const json* cost = Reader::Member(value, {"cost"}); cost != nullptr && cost->is_object()) {
    c.cost.usd = r.Number(*cost, "usd", "cost.usd");
    c.cost.tokens =
        static_cast<std::int64_t>(std::llround(r.Number(*cost, "tokens", "cost.tokens")));
  }
  if (const json* v = Reader::Member(value, {"verdict"}); v != nullptr && v->is_array()) {
    for (size_t i = 0; i < std::min<size_t>(2, v->size()); ++i) {
      const json& item = (*v)[i];
      std::string p = fmt::format("verdict[{}]", i);
      SubjectVerdict& sv = c.verdict[i];
      sv.label = r.Text(item, {"label"}, p + ".label");
      sv.ship_share = r.Number(item, "ship_share", p + ".ship_share");
      sv.ship = static_cast<int>(r.Number(item, "ship", p + ".ship"));
      sv.skip = static_cast<int>(r.Number(item, "skip", p + ".skip"));
      sv.abstain = static_cast<int>(r.Number(item, "abstain", p + ".abstain"));
    }
  }
  if (const json* v = Reader::Member(value, {"evidence"}); v != nullptr && v->is_array()) {
    for (size_t i = 0; i < v->size(); ++i) {
      const json& item = (*v)[i];
      std::string p = fmt::format("evidence[{}]", i);
      c.evidence.push_back(
          {r.Text(item, {"id"}, p + ".id"), r.Text(item, {"subject"}, p + ".subject"),
           r.Text(item, {"source_url"}, p + ".source_url"), r.Text(item, {"title"}, p + ".title"),
           r.Text(item, {"quote"}, p + ".quote"),
           r.Text(item, {"retrieved_at"}, p + ".retrieved_at"),
           r.Text(item, {"tool"}, p + ".tool")});
    }
  }
  if (const json* f = Reader::Member(value, {"flags"}); f != nullptr && f->is_object()) {
    auto flag = [&](const char* key) {
      const json* b = Reader::Member(*f, {key});
      return b != nullptr && b->is_boolean() && b->get<bool>();
    };
    auto list = [&](const char* key) {
      std::vector<std::string> items;
      if (const json* l = Reader::Member(*f, {key}); l != nullptr && l->is_array())
        for (const json& s : *l)
          if (s.is_string()) items.push_back(s.get<std::string>());
      return items;
    };
    c.flags.one_sided = flag("one_sided");
    c.flags.over_budget = flag("over_budget");
    c.flags.gaps = list("gaps");
    c.flags.notes = list("notes");
  }
  c.override_comment = r.Text(value, {"override_comment"}, "override_comment");
  out.problems = std::move(r.problems);
  return out;
}

Result<Comparison> ComparisonFromJson(std::string_view text) {
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
    return Fail(ErrorCode::kInvalidArgument, fmt::format("comparison JSON: {}", e.what()));
  }
  ParsedComparison parsed = ParseComparison(value);
  if (!parsed.problems.empty()) {
    std::string joined;
    for (const std::string& p : parsed.problems) joined += (joined.empty() ? "" : "; ") + p;
    return Fail(ErrorCode::kInvalidArgument, "comparison JSON: " + joined);
  }
  return std::move(parsed.comparison);
}

}  // namespace intern::agent
