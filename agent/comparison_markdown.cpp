#include "agent/comparison_markdown.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "agent/comparison_validator.h"

namespace intern::agent {
namespace {

// "[1][3]": the evidence numbers of `ids`, ascending, each once; unknown ids are skipped.
std::string Citations(const Comparison& c, const std::vector<std::string>& ids) {
  std::set<int> numbers;
  for (const std::string& id : ids)
    if (int n = EvidenceNumber(c, id); n > 0) numbers.insert(n);
  std::string out;
  for (int n : numbers) out += fmt::format("[{}]", n);
  return out;
}

// " [1][2]" or "" when nothing resolves.
std::string SpacedCitations(const Comparison& c, const std::vector<std::string>& ids) {
  std::string marks = Citations(c, ids);
  return marks.empty() ? "" : " " + marks;
}

bool IsWebUrl(std::string_view url) {
  bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
  return scheme && url.find_first_of(" \t\r\n<>\"") == std::string_view::npos;
}

std::string UrlText(std::string_view url) {
  return IsWebUrl(url) ? fmt::format("<{}>", url) : MarkdownText(url);
}

std::string Grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

// Whole numbers grouped ("1,048,576"), others with two decimals at most ("21.5"), and small
// values with three significant digits ("0.00123") — never exponent notation for a reader.
std::string Number(double value) {
  if (!std::isfinite(value)) return "—";
  if (std::fabs(value) < 1e15 && value == std::floor(value)) return Grouped(std::llround(value));
  if (std::fabs(value) < 1.0) return fmt::format("{:.3g}", value);
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string Figure(double value, const std::string& unit) {
  std::string number = Number(value);
  return unit.empty() ? number : number + " " + MarkdownCell(unit);
}

std::string TakeCell(const SubjectTake& t) {
  if (t.abstain) return "no panel take";
  return fmt::format("{}/100 · {}", t.score, VerdictName(t.verdict));
}

// Folds line breaks so a model's paragraph cannot start a heading or list of its own, and
// escapes a leading character that would make the paragraph a heading, list or link reference
// definition (a summary "[1]: <https://…>" must not hijack the citation numbers).
std::string OneParagraph(std::string_view text) {
  std::string out;
  for (char ch : MarkdownText(text)) {
    if (ch == '\r') continue;
    out += ch == '\n' ? ' ' : ch;
  }
  if (!out.empty() && std::string_view("[#-+*=").find(out[0]) != std::string_view::npos)
    out.insert(0, "\\");
  return out;
}

void RenderDecision(const Comparison& c, std::string& md) {
  md += "## Decision\n\n";
  md += fmt::format("| | {} | {} |\n|---|---|---|\n", MarkdownCell(c.subjects[0].name),
                    MarkdownCell(c.subjects[1].name));
  for (const DecisionRow& row : c.decision)
    md += fmt::format("| {}{} | {} | {} |\n", MarkdownCell(row.label),
                      SpacedCitations(c, row.evidence_ids), MarkdownCell(row.left),
                      MarkdownCell(row.right));
  md += "\n";
}

void RenderSubject(const Comparison& c, const Subject& s, std::string& md) {
  md += fmt::format("## {}\n\n", OneParagraph(s.name));
  if (!s.tagline.empty()) md += fmt::format("*{}*\n\n", OneParagraph(s.tagline));
  if (!s.summary.empty()) md += OneParagraph(s.summary) + "\n\n";
  std::vector<std::string> about;
  if (!s.category.empty()) about.push_back("Category: " + OneParagraph(s.category));
  if (!s.kind.empty()) about.push_back("Kind: " + OneParagraph(s.kind));
  if (!s.organisation.empty()) about.push_back("Organisation: " + OneParagraph(s.organisation));
  if (!about.empty()) md += fmt::format("{}\n\n", fmt::join(about, " · "));
  if (!s.links.empty()) {
    std::vector<std::string> links;
    for (const Link& l : s.links)
      links.push_back(l.label.empty()
                          ? UrlText(l.url)
                          : fmt::format("{} {}", OneParagraph(l.label), UrlText(l.url)));
    md += fmt::format("Links: {}\n\n", fmt::join(links, " · "));
  }
  for (const Fact& f : s.facts)
    md += fmt::format("- **{}**: {}{}\n", OneParagraph(f.field), OneParagraph(f.value),
                      SpacedCitations(c, f.evidence_ids));
  if (!s.facts.empty()) md += "\n";
}

void RenderScorecard(const Comparison& c, std::string& md) {
  md += "## Scorecard\n\n";
  md += fmt::format("| Persona | {} | {} |\n|---|---|---|\n", MarkdownCell(c.subjects[0].name),
                    MarkdownCell(c.subjects[1].name));
  for (const PanelTake& p : c.panel)
    md += fmt::format("| {} | {} | {} |\n", PersonaTitle(p.persona), TakeCell(p.takes[0]),
                      TakeCell(p.takes[1]));
  md += "\n";
}

void RenderPanel(const Comparison& c, std::string& md) {
  md += "## Panel\n\n";
  for (const PanelTake& p : c.panel) {
    md += fmt::format("### {}\n\n", PersonaTitle(p.persona));
    for (size_t s = 0; s < 2; ++s) {
      const SubjectTake& t = p.takes[s];
      std::string name = OneParagraph(c.subjects[s].name);
      if (t.abstain) {
        md += fmt::format("**{} — no panel take:** {}\n\n", name, OneParagraph(t.abstain_reason));
        continue;
      }
      md += fmt::format("**{} — {}/100 · {}.** {}{}\n\n", name, t.score, VerdictName(t.verdict),
                        OneParagraph(t.rationale), SpacedCitations(c, t.evidence_ids));
      if (!t.exception.empty())
        md += fmt::format("*Verdict differs from the score:* {}\n\n", OneParagraph(t.exception));
      if (!t.signals.empty()) {
        md += "Signals:\n\n";
        for (const std::string& signal : t.signals)
          md += fmt::format("- {}\n", OneParagraph(signal));
        md += "\n";
      }
    }
  }
}

void RenderBenchmarks(const Comparison& c, std::string& md) {
  md += "## Measured in our sandbox\n\n";
  if (c.benchmarks.empty()) {
    md +=
        "Nothing was measured in the sandbox for this comparison; every figure above is a "
        "published claim with its source.\n\n";
    return;
  }
  md += "Run by intern in its sandbox, kept apart from the vendors' own figures above.\n\n";
  md += "| Subject | Benchmark | Median | Min | Max | Receipt |\n|---|---|---|---|---|---|\n";
  for (const Benchmark& b : c.benchmarks)
    md += fmt::format("| {} | {} | {} | {} | {} | {}{} |\n", MarkdownCell(b.subject),
                      MarkdownCell(b.name), Figure(b.figures.median, b.figures.unit),
                      Figure(b.figures.min, b.figures.unit), Figure(b.figures.max, b.figures.unit),
                      MarkdownCell(b.receipt_id), SpacedCitations(c, b.evidence_ids));
  md += "\n";
}

void RenderFlags(const Comparison& c, std::string& md) {
  const Flags& f = c.flags;
  bool any = f.one_sided || f.over_budget || !f.gaps.empty() || !f.notes.empty() ||
             !c.override_comment.empty();
  if (!any) return;
  md += "## Flags\n\n";
  if (f.one_sided)
    md +=
        "- **One-sided:** the evidence does not cover both tools comparably; approving this "
        "draft needs an override comment.\n";
  if (!f.gaps.empty()) {
    std::vector<std::string> gaps;
    for (const std::string& g : f.gaps) gaps.push_back(OneParagraph(g));
    md += fmt::format("- **Gaps:** {}.\n", fmt::join(gaps, "; "));
  }
  if (f.over_budget)
    md +=
        "- **Over budget:** research stopped at the session's budget; the draft may be "
        "incomplete.\n";
  for (const std::string& note : f.notes) md += fmt::format("- {}\n", OneParagraph(note));
  if (!c.override_comment.empty())
    md += fmt::format("- **Override:** {}\n", OneParagraph(c.override_comment));
  md += "\n";
}

void RenderEvidence(const Comparison& c, std::string& md) {
  md += "## Evidence\n\n";
  if (c.evidence.empty()) md += "No evidence is cited.\n\n";
  for (size_t i = 0; i < c.evidence.size(); ++i) {
    const EvidenceItem& e = c.evidence[i];
    std::string line = fmt::format("[{}]: {}", i + 1, UrlText(e.source_url));
    if (!e.title.empty()) line += " — " + OneParagraph(e.title);
    if (!e.retrieved_at.empty())
      line += ", retrieved " + MarkdownText(e.retrieved_at.substr(0, 10));
    if (!e.tool.empty()) line += ", via " + MarkdownText(e.tool);
    md += line + "\n\n";
  }
}

void RenderFooter(const Comparison& c, std::string& md) {
  md += "---\n\n";
  std::string who =
      c.provider == kOfflineProvider
          ? "Written by intern's offline researcher: no language model wrote this "
            "draft."
          : fmt::format("Written by {} / {}.", MarkdownText(c.provider), MarkdownText(c.model));
  md += fmt::format("*Generated {}. {} Cost ${:.2f} ({} tokens). Session {}.*\n",
                    MarkdownText(c.generated_at), who, c.cost.usd, Grouped(c.cost.tokens),
                    MarkdownText(c.session));
}

}  // namespace

std::string MarkdownText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '<')
      out += "&lt;";
    else if (ch == '>')
      out += "&gt;";
    else if (ch == '(' && !out.empty() && out.back() == ']')
      out += "\\(";  // "[x](javascript:…)" or "![x](https://tracker)" stays text
    else
      out += ch;
  }
  return out;
}

std::string MarkdownCell(std::string_view text) {
  // Escape for the table first, so the backslashes MarkdownText adds are not doubled.
  std::string cell;
  for (char ch : text) {
    switch (ch) {
      case '\\':
        cell += "\\\\";
        break;
      case '|':
        cell += "\\|";
        break;
      case '\r':
        break;
      case '\n':
        cell += ' ';
        break;
      default:
        cell += ch;
    }
  }
  return MarkdownText(cell);
}

std::string RenderMarkdown(const Comparison& c) {
  std::string md = fmt::format("# {}\n\n", OneParagraph(c.title));
  if (!c.question.empty()) md += fmt::format("**Question:** {}\n\n", OneParagraph(c.question));
  RenderDecision(c, md);
  RenderSubject(c, c.subjects[0], md);
  RenderSubject(c, c.subjects[1], md);
  RenderScorecard(c, md);
  RenderPanel(c, md);
  RenderBenchmarks(c, md);
  RenderFlags(c, md);
  RenderEvidence(c, md);
  RenderFooter(c, md);
  return md;
}

}  // namespace intern::agent
