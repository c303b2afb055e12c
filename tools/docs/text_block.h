#pragma once
// The common shape every document format is reduced to before chunking: a sequence of headings
// and text paragraphs in reading order.

#include <string>

namespace intern::tools {

struct TextBlock {
  int heading_level = 0;  // 1..6 for a heading, 0 for a paragraph of text
  std::string text;       // the heading's text, or the paragraph (may hold '\n' line breaks)

  bool operator==(const TextBlock&) const = default;
};

}  // namespace intern::tools
