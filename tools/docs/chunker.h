#pragma once
// Splits a document into the chunks the index stores (DESIGN §5): one chunk per section, cut at
// headings, each carrying its heading path ("Install > From source"); a section longer than the
// target is split at paragraph boundaries (then lines, then spaces) so every chunk is small
// enough to rank well and quote whole.
//
// Formats: Markdown (ATX `#` headings and setext `===`/`---` underlines; nothing inside fenced
// code counts as a heading), HTML (headings from ExtractHtmlText), plain text (setext underlines
// and short unindented ALL-CAPS lines such as the NAME/OPTIONS of a rendered man page count as
// headings). Pure functions, thread-safe, never throw.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tools/docs/text_block.h"

namespace intern::tools {

enum class DocKind { kMarkdown, kHtml, kText };

// "markdown", "html", "text".
const char* DocKindName(DocKind kind);

struct ChunkOptions {
  // Paragraphs are packed into a chunk until it would pass target_bytes; a single paragraph
  // longer than max_bytes is cut. No chunk is longer than max_bytes (cuts respect UTF-8).
  size_t target_bytes = 1500;
  size_t max_bytes = 3000;
};

struct Chunk {
  std::string heading_path;  // headings from the top level down, joined by " > "; "" before any
  std::string text;          // never empty

  bool operator==(const Chunk&) const = default;
};

struct ChunkedDocument {
  // HTML: <title>, else the first heading; Markdown: the first heading; text: the line under
  // NAME in a rendered man page; else "".
  std::string title;
  std::vector<Chunk> chunks;
};

// Markdown and plain text to blocks (exposed for tests).
std::vector<TextBlock> MarkdownBlocks(std::string_view markdown);
std::vector<TextBlock> PlainTextBlocks(std::string_view text);

// Packs blocks into chunks with heading paths.
std::vector<Chunk> ChunkBlocks(const std::vector<TextBlock>& blocks, const ChunkOptions& options);

ChunkedDocument ChunkDocument(std::string_view content, DocKind kind,
                              const ChunkOptions& options = {});

}  // namespace intern::tools
