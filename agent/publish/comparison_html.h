#pragma once
// The published HTML page of one comparison (DESIGN §7): static, readable without JavaScript
// (the page has none), responsive and accessible.
//
// Same content and order as the Markdown form (agent/comparison_markdown.h): title and
// question; the two verdict cards ("Ship · 3 ship / 1 skip", the panel's ship share as a bar);
// the side-by-side decision table; each subject's summary, links and its published claims
// (facts, with citations); the persona scorecard with one SVG bar per score; the panel's
// rationales; "Measured in our sandbox" (benchmarks, apart from the vendors' claims); flags;
// the numbered evidence list (citations [n] link to it; each item links to its source); and a
// footer saying when, by which provider/model, at what cost and with whose approval it was made.
//
// Accessibility: lang="en", landmarks (header, nav, main, footer), a skip link, every table
// with a caption and <th scope>, each bar an SVG with role="img" and an aria-label that says
// the score in words.
//
// Safety: all text is HTML-escaped; only http(s) URLs become links; the page carries no script,
// no event handler attribute and no external resource (the stylesheet is embedded).
//
// Pure and deterministic.

#include <string>

#include "agent/comparison.h"

namespace intern::agent::publish {

// What the page says about its publication, beyond the document itself.
struct PageInfo {
  std::string draft_id;
  std::string approved_by;   // the reviewer of the approval
  std::string approved_at;   // RFC 3339
  std::string published_at;  // RFC 3339
  // Link to the site's index page, relative to the page ("../index.html").
  std::string index_href = "../index.html";
};

std::string RenderComparisonHtml(const Comparison& comparison, const PageInfo& info);

}  // namespace intern::agent::publish
