#include "agent/publish/comparison_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "agent/comparison_validator.h"
#include "agent/publish/html_text.h"

namespace intern::agent::publish {
namespace {

using Html = std::string;

// " [1][3]" as links to the evidence list, ascending, each number once; "" when none resolves.
Html Citations(const Comparison& c, const std::vector<std::string>& ids) {
  std::set<int> numbers;
  for (const std::string& id : ids)
    if (int n = EvidenceNumber(c, id); n > 0) numbers.insert(n);
  Html out;
  for (int n : numbers)
    out += fmt::format(R"( <a class="cite" href="#evidence-{0}" aria-label="source {0}">[{0}]</a>)",
                       n);
  return out;
}

// A link for a web URL, else the URL as text (never an href for "javascript:" and the like).
Html UrlLink(const std::string& url, const std::string& label) {
  Html text = HtmlEscape(label.empty() ? url : label);
  if (!IsWebUrl(url)) return label.empty() ? "<code>" + text + "</code>" : text;
  return fmt::format(R"(<a href="{}">{}</a>)", HtmlEscape(url), text);
}

Html TimeTag(const std::string& rfc3339) {
  return fmt::format(R"(<time datetime="{}">{}</time>)", HtmlEscape(rfc3339),
                     HtmlEscape(ReadableTime(rfc3339)));
}

std::string Number(double value) {
  if (!std::isfinite(value)) return "—";
  if (std::fabs(value) < 1e15 && value == std::floor(value))
    return GroupedNumber(std::llround(value));
  if (std::fabs(value) < 1.0) return fmt::format("{:.3g}", value);
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

Html Figure(double value, const std::string& unit) {
  return HtmlEscape(unit.empty() ? Number(value) : Number(value) + " " + unit);
}

// A horizontal bar of `percent` (0-100) in the colour of `verdict`, labelled for screen readers.
Html Bar(int percent, Verdict verdict, const std::string& label) {
  int width = std::clamp(percent, 0, 100);
  std::string escaped = HtmlEscape(label);
  return fmt::format(
      R"(<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" )"
      R"(aria-label="{0}" focusable="false"><title>{0}</title>)"
      R"(<rect class="track" width="100" height="10"/>)"
      R"(<rect class="{1}" width="{2}" height="10"/></svg>)",
      escaped, VerdictName(verdict), width);
}

// "ship" or "skip" for a verdict label ("Ship · 3 ship / 1 skip"); "" for split or no take.
std::string VerdictClass(const SubjectVerdict& v) {
  if (v.label.rfind("Ship", 0) == 0) return "ship";
  if (v.label.rfind("Skip", 0) == 0) return "skip";
  return "";
}

void RenderHead(const Comparison& c, Html& h) {
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += fmt::format("<title>{} · intern</title>\n", HtmlEscape(c.title));
  if (!c.question.empty())
    h += fmt::format("<meta name=\"description\" content=\"{}\">\n", HtmlEscape(c.question));
  h += "<style>";
  h += SiteStylesheet();
  h += "</style>\n</head>\n<body>\n";
  h += "<a class=\"skip-link\" href=\"#main\">Skip to the comparison</a>\n";
}

void RenderVerdictCards(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"verdicts\">\n<h2 id=\"verdicts\">Panel verdicts</h2>\n";
  h += "<ul class=\"cards\">\n";
  for (int i = 0; i < 2; ++i) {
    const Subject& s = c.subjects[i];
    const SubjectVerdict& v = c.verdict[i];
    std::string css = VerdictClass(v);
    int percent = static_cast<int>(std::lround(v.ship_share * 100));
    h += "<li class=\"card\">\n";
    h += fmt::format("<h3>{}</h3>\n", HtmlEscape(s.name));
    if (!s.tagline.empty())
      h += fmt::format("<p class=\"tagline\">{}</p>\n", HtmlEscape(s.tagline));
    h += fmt::format("<p class=\"verdict{}\">{}</p>\n", css.empty() ? "" : " " + css,
                     HtmlEscape(v.label));
    h += Bar(percent, v.ship >= v.skip ? Verdict::kShip : Verdict::kSkip,
             fmt::format("{}: the panel ships it {} ({} ship, {} skip, {} no take)", s.name,
                         FormatShare(v.ship_share), v.ship, v.skip, v.abstain));
    h += fmt::format("<p>Panel ship {} · Entry {}</p>\n", HtmlEscape(FormatShare(v.ship_share)),
                     HtmlEscape(s.pricing.entry.empty() ? "—" : s.pricing.entry));
    h += "</li>\n";
  }
  h += "</ul>\n</section>\n";
}

void TableHead(const Comparison& c, const std::string& caption, const std::string& first, Html& h) {
  h += fmt::format("<div class=\"table-wrap\"><table>\n<caption>{}</caption>\n", caption);
  h += fmt::format(
      "<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th "
      "scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
      first, HtmlEscape(c.subjects[0].name), HtmlEscape(c.subjects[1].name));
}

void RenderDecision(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"decision\">\n<h2 id=\"decision\">Decision</h2>\n";
  TableHead(c, "Side by side: the panel's verdict, pricing and key numbers", "Aspect", h);
  for (const DecisionRow& row : c.decision)
    h += fmt::format("<tr><th scope=\"row\">{}{}</th><td>{}</td><td>{}</td></tr>\n",
                     HtmlEscape(row.label), Citations(c, row.evidence_ids), HtmlEscape(row.left),
                     HtmlEscape(row.right));
  h += "</tbody></table></div>\n</section>\n";
}

void RenderSubject(const Comparison& c, int index, Html& h) {
  const Subject& s = c.subjects[index];
  std::string id = fmt::format("subject-{}", index + 1);
  h += fmt::format("<section aria-labelledby=\"{0}\">\n<h2 id=\"{0}\">{1}</h2>\n", id,
                   HtmlEscape(s.name));
  if (!s.tagline.empty()) h += fmt::format("<p class=\"tagline\">{}</p>\n", HtmlEscape(s.tagline));
  if (!s.summary.empty()) h += fmt::format("<p>{}</p>\n", HtmlEscape(s.summary));
  std::vector<std::string> about;
  if (!s.category.empty()) about.push_back("Category: " + HtmlEscape(s.category));
  if (!s.kind.empty()) about.push_back("Kind: " + HtmlEscape(s.kind));
  if (!s.organisation.empty()) about.push_back("Organisation: " + HtmlEscape(s.organisation));
  if (!about.empty()) h += fmt::format("<p>{}</p>\n", fmt::join(about, " · "));
  if (!s.links.empty()) {
    std::vector<std::string> links;
    for (const Link& l : s.links) links.push_back(UrlLink(l.url, l.label));
    h += fmt::format("<p>Links: {}</p>\n", fmt::join(links, " · "));
  }
  if (!s.facts.empty()) {
    h += fmt::format(
        "<div class=\"table-wrap\"><table>\n<caption>Published claims about {}, as its sources "
        "state them</caption>\n<thead><tr><th scope=\"col\">Fact</th><th "
        "scope=\"col\">Value</th></tr></thead>\n<tbody>\n",
        HtmlEscape(s.name));
    for (const Fact& f : s.facts)
      h += fmt::format("<tr><th scope=\"row\">{}</th><td>{}{}</td></tr>\n", HtmlEscape(f.field),
                       HtmlEscape(f.value), Citations(c, f.evidence_ids));
    h += "</tbody></table></div>\n";
  }
  h += "</section>\n";
}

Html ScoreCell(const Comparison& c, const PanelTake& p, int index) {
  const SubjectTake& t = p.takes[index];
  if (t.abstain) return "<span class=\"abstain\">no panel take</span>";
  std::string label = fmt::format("{} on {}: {} out of 100, {}", PersonaTitle(p.persona),
                                  c.subjects[index].name, t.score, VerdictName(t.verdict));
  return Bar(t.score, t.verdict, label) +
         fmt::format("<span class=\"score\">{}/100 · {}</span>", t.score, VerdictName(t.verdict));
}

void RenderScorecard(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"scorecard\">\n<h2 id=\"scorecard\">Scorecard</h2>\n";
  TableHead(c,
            fmt::format("Each persona's score out of 100 and verdict (ship at {} or more)",
                        kShipThreshold),
            "Persona", h);
  for (const PanelTake& p : c.panel)
    h += fmt::format("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>\n",
                     PersonaTitle(p.persona), ScoreCell(c, p, 0), ScoreCell(c, p, 1));
  h += "</tbody></table></div>\n</section>\n";
}

void RenderPanel(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"panel\">\n<h2 id=\"panel\">Panel</h2>\n";
  for (const PanelTake& p : c.panel) {
    h += fmt::format("<h3>{}</h3>\n", PersonaTitle(p.persona));
    for (int s = 0; s < 2; ++s) {
      const SubjectTake& t = p.takes[s];
      std::string name = HtmlEscape(c.subjects[s].name);
      if (t.abstain) {
        h += fmt::format("<p><strong>{} — no panel take:</strong> {}</p>\n", name,
                         HtmlEscape(t.abstain_reason));
        continue;
      }
      h += fmt::format("<p><strong>{} — {}/100 · {}.</strong> {}{}</p>\n", name, t.score,
                       VerdictName(t.verdict), HtmlEscape(t.rationale),
                       Citations(c, t.evidence_ids));
      if (!t.exception.empty())
        h += fmt::format("<p><em>Verdict differs from the score:</em> {}</p>\n",
                         HtmlEscape(t.exception));
      if (!t.signals.empty()) {
        h += "<p>Signals:</p>\n<ul>\n";
        for (const std::string& signal : t.signals)
          h += fmt::format("<li>{}</li>\n", HtmlEscape(signal));
        h += "</ul>\n";
      }
    }
  }
  h += "</section>\n";
}

void RenderBenchmarks(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"measured\">\n<h2 id=\"measured\">Measured in our sandbox</h2>\n";
  if (c.benchmarks.empty()) {
    h += "<p class=\"note\">Nothing was measured in the sandbox for this comparison; every figure "
         "above is a published claim with its source.</p>\n</section>\n";
    return;
  }
  h += "<p class=\"note\">Run by intern in its sandbox, kept apart from the vendors' own figures "
       "above.</p>\n";
  h += "<div class=\"table-wrap\"><table>\n<caption>Benchmarks measured by intern (median of the "
       "runs, with minimum and maximum)</caption>\n<thead><tr><th scope=\"col\">Subject</th><th "
       "scope=\"col\">Benchmark</th><th scope=\"col\">Median</th><th scope=\"col\">Min</th><th "
       "scope=\"col\">Max</th><th scope=\"col\">Receipt</th></tr></thead>\n<tbody>\n";
  for (const Benchmark& b : c.benchmarks)
    h += fmt::format(
        "<tr><td>{}</td><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>"
        "<code>{}</code>{}</td></tr>\n",
        HtmlEscape(b.subject), HtmlEscape(b.name), Figure(b.figures.median, b.figures.unit),
        Figure(b.figures.min, b.figures.unit), Figure(b.figures.max, b.figures.unit),
        HtmlEscape(b.receipt_id), Citations(c, b.evidence_ids));
  h += "</tbody></table></div>\n</section>\n";
}

void RenderFlags(const Comparison& c, Html& h) {
  const Flags& f = c.flags;
  bool any = f.one_sided || f.over_budget || !f.gaps.empty() || !f.notes.empty() ||
             !c.override_comment.empty();
  if (!any) return;
  h += "<section class=\"flags\" aria-labelledby=\"flags\">\n<h2 id=\"flags\">Flags</h2>\n<ul>\n";
  if (f.one_sided)
    h += "<li><strong>One-sided:</strong> the evidence does not cover both tools comparably; it "
         "was approved with an override.</li>\n";
  if (!f.gaps.empty()) {
    std::vector<std::string> gaps;
    for (const std::string& g : f.gaps) gaps.push_back(HtmlEscape(g));
    h += fmt::format("<li><strong>Gaps:</strong> {}.</li>\n", fmt::join(gaps, "; "));
  }
  if (f.over_budget)
    h += "<li><strong>Over budget:</strong> research stopped at the session's budget; the "
         "comparison may be incomplete.</li>\n";
  for (const std::string& note : f.notes) h += fmt::format("<li>{}</li>\n", HtmlEscape(note));
  if (!c.override_comment.empty())
    h += fmt::format("<li><strong>Override:</strong> {}</li>\n", HtmlEscape(c.override_comment));
  h += "</ul>\n</section>\n";
}

void RenderEvidence(const Comparison& c, Html& h) {
  h += "<section aria-labelledby=\"evidence\">\n<h2 id=\"evidence\">Evidence</h2>\n";
  if (c.evidence.empty()) {
    h += "<p>No evidence is cited.</p>\n</section>\n";
    return;
  }
  h += "<ol class=\"evidence\">\n";
  for (size_t i = 0; i < c.evidence.size(); ++i) {
    const EvidenceItem& e = c.evidence[i];
    h += fmt::format("<li id=\"evidence-{}\">{}", i + 1, UrlLink(e.source_url, e.title));
    if (!e.title.empty() && IsWebUrl(e.source_url))
      h += fmt::format(" <span class=\"note\">({})</span>", HtmlEscape(e.source_url));
    else if (!e.title.empty())
      h += fmt::format(" <code>{}</code>", HtmlEscape(e.source_url));
    if (!e.retrieved_at.empty())
      h += fmt::format(", retrieved {}", HtmlEscape(e.retrieved_at.substr(0, 10)));
    if (!e.tool.empty()) h += fmt::format(", via {}", HtmlEscape(e.tool));
    if (!e.quote.empty()) h += fmt::format("<q>{}</q>", HtmlEscape(e.quote));
    h += "</li>\n";
  }
  h += "</ol>\n</section>\n";
}

void RenderFooter(const Comparison& c, const PageInfo& info, Html& h) {
  h += "<footer class=\"site\">\n<div class=\"wrap\">\n<p>";
  std::string who = c.provider == kOfflineProvider
                        ? std::string(
                              "by intern's offline researcher (no language model wrote "
                              "it)")
                        : fmt::format("by {} / {}", HtmlEscape(c.provider), HtmlEscape(c.model));
  h += fmt::format("Generated {} {}, at a cost of ${:.2f} ({} tokens).", TimeTag(c.generated_at),
                   who, c.cost.usd, GroupedNumber(c.cost.tokens));
  if (!info.approved_by.empty()) {
    h += fmt::format(" Approved by {}", HtmlEscape(info.approved_by));
    if (!info.approved_at.empty()) h += " on " + TimeTag(info.approved_at);
    h += ".";
  }
  if (!info.published_at.empty()) h += fmt::format(" Published {}.", TimeTag(info.published_at));
  h += "</p>\n<p>";
  h += fmt::format("Session <code>{}</code>", HtmlEscape(c.session));
  if (!info.draft_id.empty())
    h += fmt::format(", draft <code>{}</code>", HtmlEscape(info.draft_id));
  h += ".";
  if (!info.approved_by.empty())
    h += " Researched and drafted by intern; published only after a person approved it.";
  h += "</p>\n";
  h += "</div>\n</footer>\n";
}

}  // namespace

std::string RenderComparisonHtml(const Comparison& c, const PageInfo& info) {
  Html h;
  h.reserve(16384);
  RenderHead(c, h);
  h += "<header class=\"site\">\n<div class=\"wrap\">\n";
  h += fmt::format(
      "<nav aria-label=\"Site\"><a href=\"{}\">All comparisons</a> · <a "
      "href=\"#evidence\">Evidence</a></nav>\n",
      HtmlEscape(info.index_href));
  h += "</div>\n</header>\n";
  h += "<main id=\"main\" class=\"wrap\">\n";
  h += fmt::format("<h1>{}</h1>\n", HtmlEscape(c.title));
  if (!c.question.empty())
    h += fmt::format("<p class=\"question\">{}</p>\n", HtmlEscape(c.question));
  RenderVerdictCards(c, h);
  RenderDecision(c, h);
  RenderSubject(c, 0, h);
  RenderSubject(c, 1, h);
  RenderScorecard(c, h);
  RenderPanel(c, h);
  RenderBenchmarks(c, h);
  RenderFlags(c, h);
  RenderEvidence(c, h);
  h += "</main>\n";
  RenderFooter(c, info, h);
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace intern::agent::publish
