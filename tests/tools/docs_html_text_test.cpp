#include <catch2/catch.hpp>

#include "tools/docs/html_text.h"

namespace intern::tools {
namespace {

std::string AllText(const HtmlText& h) {
  std::string all;
  for (const TextBlock& b : h.blocks) all += b.text + "\n";
  return all;
}

TEST_CASE("html text keeps the title, headings with their level, and paragraphs in order") {
  HtmlText h = ExtractHtmlText(
      "<html><head><title>  The   Guide </title></head><body>"
      "<h1>Install</h1><p>Run   the\n installer.</p><h2>From <em>source</em></h2>"
      "<p>Use cmake.</p></body></html>");
  CHECK(h.title == "The Guide");
  std::vector<TextBlock> expected = {
      {1, "Install"}, {0, "Run the installer."}, {2, "From source"}, {0, "Use cmake."}};
  CHECK(h.blocks == expected);
}

TEST_CASE("html text drops scripts, styles, nav, aside, hidden parts and page header and footer") {
  HtmlText h = ExtractHtmlText(
      "<html><head><style>.a{}</style><script>var x = 'scriptword';</script></head><body>"
      "<header>bannerword</header><nav>navword</nav><div role=\"navigation\">roleword</div>"
      "<p>kept <span hidden>hiddenword</span>text</p><svg><text>svgword</text></svg>"
      "<noscript>noscriptword</noscript><template>templateword</template>"
      "<aside>asideword</aside><footer>footerword</footer></body></html>");
  CHECK(AllText(h) == "kept text\n");
}

TEST_CASE("html text keeps a header that belongs to an article") {
  HtmlText h = ExtractHtmlText(
      "<body><article><header><h1>Article title</h1></header><p>Body.</p></article></body>");
  std::vector<TextBlock> expected = {{1, "Article title"}, {0, "Body."}};
  CHECK(h.blocks == expected);
}

TEST_CASE("html text decodes entities, breaks lines at list items and keeps pre formatting") {
  HtmlText h = ExtractHtmlText(
      "<body><p>a &amp; b &lt;c&gt; caf&eacute;</p><ul><li>one</li><li>two</li></ul>"
      "<pre>x  = 1\n  y = 2</pre></body>");
  std::vector<TextBlock> expected = {
      {0, "a & b <c> caf\xC3\xA9"}, {0, "one\ntwo"}, {0, "x  = 1\n  y = 2"}};
  CHECK(h.blocks == expected);
}

TEST_CASE("html text survives malformed and deeply nested markup") {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "<div><span>";
  deep += "bottom";
  HtmlText h = ExtractHtmlText("<p>unclosed <b>bold " + deep);
  REQUIRE(h.blocks.size() == 2);
  CHECK(h.blocks[0].text == "unclosed bold");
  CHECK(h.blocks[1].text == "bottom");
}

}  // namespace
}  // namespace intern::tools
