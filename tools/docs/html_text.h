#pragma once
// HTML to text for the document index (DESIGN §5): the title, then headings and paragraphs in
// reading order. What a reader would not call content is dropped so it is never indexed: script,
// style, noscript, template, svg, iframe, object, canvas and form controls always; nav and aside
// always; header and footer when they belong to the page rather than to an article, main or
// section (the HTML spec's banner/contentinfo distinction); and any element with
// role=navigation|banner|contentinfo|search or the `hidden` attribute. Entities are decoded by
// gumbo. Whitespace is collapsed except inside <pre>.
//
// Never throws for malformed HTML (gumbo repairs anything); pure function, thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "tools/docs/text_block.h"

namespace intern::tools {

struct HtmlText {
  std::string title;              // <title>, whitespace-collapsed; "" when absent
  std::vector<TextBlock> blocks;  // headings (h1..h6) and paragraphs, none empty
};

HtmlText ExtractHtmlText(std::string_view html);

}  // namespace intern::tools
