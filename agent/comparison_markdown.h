#pragma once
// Markdown form of a comparison (what `intern drafts show ID --format md` prints and what is
// published as comparisons/<slug>.md).
//
// Sections, in order: title and question; "Decision" (the `decision` rows side by side, as
// CompleteDerived left them, key-number rows with their citations); one section per subject
// (tagline, summary, category/kind/organisation, links, facts with citations); "Scorecard"
// (persona x subject: "84/100 · ship" or "no panel take"); "Panel" (each persona's rationale
// per subject with numbered citations, any exception, and the rubric's signals); "Measured in
// our sandbox" (benchmarks with receipt ids, apart from vendors' claims); "Flags" (only when
// something is flagged); "Evidence" (`[n]: <url> — title, retrieved YYYY-MM-DD, via tool`,
// numbered as in comparison.evidence); and a footer with generation time, provider/model (or
// the offline researcher's disclaimer), cost and session.
//
// Every piece of text that came from a model or a web page is neutralised: `<` and `>` become
// entities (no raw HTML or <script> survives), inline links and images are broken up, table
// cells escape `|` and `\` and fold line breaks, and only http(s) URLs from the links and
// evidence become links.
//
// Pure and deterministic: the same document always renders to the same bytes.

#include <string>
#include <string_view>

#include "agent/comparison.h"

namespace intern::agent {

std::string RenderMarkdown(const Comparison& comparison);

// `text` safe for Markdown running text: `<` → `&lt;`, `>` → `&gt;`, and `](` → `]\(` so model
// text cannot carry links or remote images of its own.
std::string MarkdownText(std::string_view text);
// `text` safe inside a table cell: MarkdownText plus `\` → `\\`, `|` → `\|`, line breaks → space.
std::string MarkdownCell(std::string_view text);

}  // namespace intern::agent
