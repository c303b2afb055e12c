#include "agent/publish/comparison_html.h"

#include <catch2/catch.hpp>

#include "agent/publish/html_text.h"
#include "agent/publish/site_index.h"
#include "tests/agent/comparison_fixture.h"

namespace intern::agent::publish {
namespace {

using agent::testing::SampleComparison;

PageInfo Info() {
  PageInfo info;
  info.draft_id = "d-abc";
  info.approved_by = "Ada Reviewer";
  info.approved_at = "2026-11-21T11:00:00.000Z";
  info.published_at = "2026-11-21T12:00:00.000Z";
  return info;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_CASE("html escaping turns every markup character into an entity", "[publish][html]") {
  CHECK(HtmlEscape("<a href=\"x\" title='y'>&</a>") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(IsWebUrl("https://example.org/a?b=c"));
  CHECK_FALSE(IsWebUrl("javascript:alert(1)"));
  CHECK_FALSE(IsWebUrl("https://example.org/\"onmouseover=x"));
  CHECK_FALSE(IsWebUrl("sandbox:rcpt-7"));
  CHECK(ReadableTime("2026-11-21T10:00:00.000Z") == "2026-11-21 10:00 UTC");
  CHECK(ReadableTime("yesterday") == "yesterday");
}

TEST_CASE(
    "the comparison page has landmarks, captioned tables with scoped headers and labelled "
    "bars",
    "[publish][html]") {
  std::string html = RenderComparisonHtml(SampleComparison(), Info());
  CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
  CHECK(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">") !=
        std::string::npos);
  for (const char* landmark : {"<header class=\"site\">", "<nav aria-label=\"Site\">",
                               "<main id=\"main\" class=\"wrap\">", "<footer class=\"site\">"})
    CHECK(Count(html, landmark) == 1);
  // Every table has a caption, and header cells say what they head.
  CHECK(Count(html, "<table>") == Count(html, "<caption>"));
  CHECK(Count(html, "<th>") == 0);
  CHECK(
      html.find("<caption>Side by side: the panel's verdict, pricing and key numbers</caption>") !=
      std::string::npos);
  CHECK(html.find("<tr><th scope=\"row\">Panel verdict</th><td>Ship · 3 ship / 1 skip</td>"
                  "<td>Ship · 3 ship / 1 skip</td></tr>") != std::string::npos);
  // Eight scored takes plus the two verdict cards: ten bars, each an image with words.
  CHECK(Count(html, "<svg class=\"bar\"") == 10);
  CHECK(Count(html, "role=\"img\"") == 10);
  CHECK(html.find("aria-label=\"Builder on Gemma 3n: 84 out of 100, ship\"") != std::string::npos);
  CHECK(html.find("<rect class=\"skip\" width=\"55\" height=\"10\"/>") != std::string::npos);
  CHECK(Count(html, "no panel take</span>") == 2);
  // Numbered citations link to the numbered evidence list, which links to the sources.
  CHECK(html.find("<a class=\"cite\" href=\"#evidence-1\" aria-label=\"source 1\">[1]</a>") !=
        std::string::npos);
  CHECK(
      html.find("<li id=\"evidence-1\"><a href=\"https://huggingface.co/google/gemma-3n-E2B\">") !=
      std::string::npos);
  // A sandbox receipt is not a web link.
  CHECK(html.find("href=\"sandbox:") == std::string::npos);
  // Benchmarks come after, and apart from, the published claims.
  size_t claims = html.find("Published claims about Gemma 3n");
  size_t measured = html.find("<h2 id=\"measured\">Measured in our sandbox</h2>");
  REQUIRE(claims != std::string::npos);
  REQUIRE(measured != std::string::npos);
  CHECK(claims < measured);
  CHECK(html.find("<td>21.5 tokens/s</td>") != std::string::npos);
  // The footer says when, by what, at what cost and with whose approval.
  CHECK(html.find("Generated <time datetime=\"2026-11-21T10:00:00Z\">2026-11-21 10:00 UTC</time> "
                  "by anthropic / claude-sonnet-4-5, at a cost of $0.42 (12,345 tokens). Approved "
                  "by Ada Reviewer on <time datetime=\"2026-11-21T11:00:00.000Z\">2026-11-21 11:00 "
                  "UTC</time>.") != std::string::npos);
  CHECK(Lower(html).find("<script") == std::string::npos);
}

TEST_CASE("hostile text in a draft comes out inert in the page", "[publish][html]") {
  Comparison c = SampleComparison();
  c.title = "Gemma 3n vs <script>alert('t')</script>";
  c.subjects[0].facts[0].value = "<script>alert(document.cookie)</script>";
  c.subjects[1].name = "\"><img src=x onerror=alert(1)>";
  c.subjects[0].summary = "<iframe src=\"https://evil.example\"></iframe>";
  c.subjects[0].links = {{"Docs", "javascript:alert(1)"},
                         {"Home\" onclick=\"x", "https://ok.example/"}};
  c.panel[0].takes[0].rationale = "<a href=\"javascript:alert(1)\">click</a>";
  c.evidence[0].source_url = "javascript:alert(2)";
  c.evidence[0].title = "<b onmouseover=alert(3)>title</b>";
  std::string html = RenderComparisonHtml(c, Info());
  std::string lower = Lower(html);
  CHECK(lower.find("<script") == std::string::npos);
  CHECK(lower.find("<img") == std::string::npos);
  CHECK(lower.find("<iframe") == std::string::npos);
  CHECK(lower.find("<b ") == std::string::npos);
  CHECK(lower.find("href=\"javascript:") == std::string::npos);
  // An event handler survives only as escaped text inside an attribute value or a text node.
  CHECK(html.find("onerror=alert(1)>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(document.cookie)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<h1>Gemma 3n vs &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</h1>") !=
        std::string::npos);
  CHECK(html.find("<a href=\"https://ok.example/\">Home&quot; onclick=&quot;x</a>") !=
        std::string::npos);
}

TEST_CASE("the slug is the two subject names, lower-cased and dashed", "[publish][html]") {
  Comparison c = SampleComparison();
  CHECK(ComparisonSlug(c) == "gemma-3n-vs-smolvlm2");
  c.subjects[0].name = "  Llama 3.2 (1B) ";
  c.subjects[1].name = "日本語";
  CHECK(ComparisonSlug(c) == "llama-3-2-1b-vs-subject");
  c.subjects[0].name = "../../etc/passwd";
  CHECK(ComparisonSlug(c) == "etc-passwd-vs-subject");
}

TEST_CASE("the index keeps one entry per slug, newest first, and reads back what it wrote",
          "[publish][html]") {
  Comparison c = SampleComparison();
  std::vector<IndexEntry> entries;
  entries = UpsertEntry(entries, EntryFor(c, "a-vs-b", "2026-01-01T00:00:00.000Z", "Ada", "d-1"));
  entries = UpsertEntry(entries, EntryFor(c, "c-vs-d", "2026-01-03T00:00:00.000Z", "Ada", "d-2"));
  entries = UpsertEntry(entries, EntryFor(c, "e-vs-f", "2026-01-02T00:00:00.000Z", "Ada", "d-3"));
  entries = UpsertEntry(entries, EntryFor(c, "a-vs-b", "2026-01-04T00:00:00.000Z", "Bo", "d-4"));
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].slug == "a-vs-b");
  CHECK(entries[0].draft_id == "d-4");
  CHECK(entries[1].slug == "c-vs-d");
  CHECK(entries[2].slug == "e-vs-f");
  CHECK(ParseSiteIndex(RenderSiteIndexJson(entries)) == entries);
  CHECK(ParseSiteIndex("not json").empty());
  CHECK(ParseSiteIndex(R"({"comparisons":[{"slug":"../x"},{"slug":"ok"}]})").size() == 1);

  std::string html = RenderSiteIndexHtml(entries);
  CHECK(html.find("<a href=\"comparisons/a-vs-b.html\">Gemma 3n vs SmolVLM2</a>") !=
        std::string::npos);
  CHECK(html.find("<main id=\"main\" class=\"wrap\">") != std::string::npos);
  CHECK(Lower(html).find("<script") == std::string::npos);
}

}  // namespace
}  // namespace intern::agent::publish
