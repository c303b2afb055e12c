#include "tools/docs/chunker.h"

#include <utility>

#include "tools/docs/html_text.h"

namespace intern::tools {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool IsBlankLine(std::string_view line) { return TrimView(line).empty(); }

size_t Indent(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// Splits into lines without their "\n" or "\r\n".
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

// A line made only of `c` (at least `min_run` of them) after up to three spaces, e.g. "===".
bool IsRunLine(std::string_view line, char c, size_t min_run) {
  size_t indent = Indent(line);
  if (indent > 3) return false;
  std::string_view rest = TrimView(line.substr(indent));
  if (rest.size() < min_run) return false;
  for (char ch : rest) {
    if (ch != c) return false;
  }
  return true;
}

// Collects paragraph lines and emits them as one block.
class BlockBuilder {
 public:
  void AddLine(std::string_view line) { lines_.push_back(line); }
  size_t line_count() const { return lines_.size(); }
  std::string_view only_line() const { return lines_.front(); }
  void Discard() { lines_.clear(); }

  void Flush() {
    std::string text;
    for (std::string_view line : lines_) {
      if (!text.empty()) text.push_back('\n');
      text.append(line);
    }
    lines_.clear();
    std::string_view trimmed = TrimView(text);
    if (!trimmed.empty()) blocks_.push_back({0, std::string(trimmed)});
  }

  void Heading(int level, std::string_view text) {
    Flush();
    text = TrimView(text);
    if (!text.empty()) blocks_.push_back({level, std::string(text)});
  }

  std::vector<TextBlock> Finish() {
    Flush();
    return std::move(blocks_);
  }

 private:
  std::vector<std::string_view> lines_;
  std::vector<TextBlock> blocks_;
};

// An ATX heading ("## Install ##"): its level and text, or level 0.
std::pair<int, std::string_view> AtxHeading(std::string_view line) {
  size_t indent = Indent(line);
  if (indent > 3) return {0, {}};
  std::string_view rest = line.substr(indent);
  size_t hashes = 0;
  while (hashes < rest.size() && rest[hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6) return {0, {}};
  if (hashes < rest.size() && rest[hashes] != ' ' && rest[hashes] != '\t') return {0, {}};
  std::string_view text = TrimView(rest.substr(hashes));
  // A closing run of '#' is decoration when it is the whole text or follows a space.
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '#') --end;
  if (end == 0 || text[end - 1] == ' ' || text[end - 1] == '\t')
    text = TrimView(text.substr(0, end));
  return {static_cast<int>(hashes), text};
}

// The fence of a fenced code block ("```", "~~~~"): its character and length, or 0.
std::pair<char, size_t> Fence(std::string_view line) {
  size_t indent = Indent(line);
  if (indent > 3 || indent >= line.size()) return {0, 0};
  char c = line[indent];
  if (c != '`' && c != '~') return {0, 0};
  size_t run = 0;
  while (indent + run < line.size() && line[indent + run] == c) ++run;
  if (run < 3) return {0, 0};
  return {c, run};
}

// A plain-text section title: a short unindented line with letters and no lower-case ASCII
// letter, the way rendered man pages and many READMEs mark sections ("OPTIONS").
bool IsCapsHeading(std::string_view line) {
  if (line.empty() || IsBlank(line.front()) || line.size() > 60) return false;
  int letters = 0;
  for (char c : line) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') ++letters;
  }
  return letters >= 2;
}

// Cuts a paragraph longer than the chunk size into pieces of at most `limit` bytes, preferring
// a line break, then a space, in the second half of the window; never inside a UTF-8 sequence.
std::vector<std::string_view> CutParagraph(std::string_view text, size_t limit) {
  std::vector<std::string_view> pieces;
  while (text.size() > limit) {
    std::string_view window = text.substr(0, limit);
    size_t cut = window.rfind('\n');
    if (cut == std::string_view::npos || cut < limit / 2) cut = window.rfind(' ');
    if (cut == std::string_view::npos || cut < limit / 2) {
      cut = limit;
      while (cut > 1 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    }
    std::string_view piece = TrimView(text.substr(0, cut));
    if (!piece.empty()) pieces.push_back(piece);
    text = TrimView(text.substr(cut));
  }
  if (!text.empty()) pieces.push_back(text);
  return pieces;
}

class ChunkPacker {
 public:
  explicit ChunkPacker(const ChunkOptions& options) : options_(options) {}

  void Heading(int level, const std::string& text) {
    Flush();
    while (!path_.empty() && path_.back().first >= level) path_.pop_back();
    path_.emplace_back(level, text);
    heading_path_.clear();
    for (const auto& [unused, heading] : path_) {
      if (!heading_path_.empty()) heading_path_ += " > ";
      heading_path_ += heading;
    }
  }

  void Paragraph(std::string_view text) {
    if (text.size() <= options_.max_bytes) {
      Add(text);
      return;
    }
    size_t limit = options_.target_bytes > 0 ? options_.target_bytes : options_.max_bytes;
    for (std::string_view piece : CutParagraph(text, limit)) Add(piece);
  }

  std::vector<Chunk> Finish() {
    Flush();
    return std::move(chunks_);
  }

 private:
  void Add(std::string_view piece) {
    if (!current_.empty() && current_.size() + 2 + piece.size() > options_.target_bytes) Flush();
    if (!current_.empty()) current_ += "\n\n";
    current_.append(piece);
  }

  void Flush() {
    if (!current_.empty()) chunks_.push_back({heading_path_, std::move(current_)});
    current_.clear();
  }

  const ChunkOptions& options_;
  std::vector<std::pair<int, std::string>> path_;
  std::string heading_path_;
  std::string current_;
  std::vector<Chunk> chunks_;
};

std::string FirstHeading(const std::vector<TextBlock>& blocks) {
  for (const TextBlock& b : blocks) {
    if (b.heading_level == 1) return b.text;
  }
  for (const TextBlock& b : blocks) {
    if (b.heading_level > 0) return b.text;
  }
  return "";
}

// A rendered man page names itself in its NAME section ("ls - list directory contents").
std::string ManPageTitle(const std::vector<TextBlock>& blocks) {
  for (size_t i = 0; i + 1 < blocks.size(); ++i) {
    if (blocks[i].heading_level > 0 && blocks[i].text == "NAME" &&
        blocks[i + 1].heading_level == 0) {
      std::string_view first = blocks[i + 1].text;
      return std::string(TrimView(first.substr(0, first.find('\n'))));
    }
  }
  return "";
}

}  // namespace

const char* DocKindName(DocKind kind) {
  switch (kind) {
    case DocKind::kMarkdown:
      return "markdown";
    case DocKind::kHtml:
      return "html";
    case DocKind::kText:
      return "text";
  }
  return "text";
}

std::vector<TextBlock> MarkdownBlocks(std::string_view markdown) {
  std::vector<std::string_view> lines = Lines(markdown);
  BlockBuilder builder;
  size_t i = 0;
  // YAML front matter is metadata, and its closing "---" would read as a setext underline.
  if (!lines.empty() && TrimView(lines[0]) == "---") {
    for (size_t j = 1; j < lines.size(); ++j) {
      std::string_view t = TrimView(lines[j]);
      if (t == "---" || t == "...") {
        i = j + 1;
        break;
      }
    }
  }
  char fence_char = 0;
  size_t fence_len = 0;
  for (; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (fence_char != 0) {
      builder.AddLine(line);
      auto [c, run] = Fence(line);
      if (c == fence_char && run >= fence_len && TrimView(line).size() == run) {
        fence_char = 0;
        builder.Flush();
      }
      continue;
    }
    if (auto [c, run] = Fence(line); c != 0) {
      builder.Flush();
      builder.AddLine(line);
      fence_char = c;
      fence_len = run;
      continue;
    }
    if (IsBlankLine(line)) {
      builder.Flush();
      continue;
    }
    if (auto [level, text] = AtxHeading(line); level > 0) {
      builder.Heading(level, text);
      continue;
    }
    if (builder.line_count() == 1 && (IsRunLine(line, '=', 1) || IsRunLine(line, '-', 1))) {
      std::string heading(builder.only_line());
      builder.Discard();
      builder.Heading(IsRunLine(line, '=', 1) ? 1 : 2, heading);
      continue;
    }
    if (builder.line_count() == 0 && (IsRunLine(line, '-', 3) || IsRunLine(line, '*', 3))) {
      continue;  // a thematic break
    }
    builder.AddLine(line);
  }
  return builder.Finish();
}

std::vector<TextBlock> PlainTextBlocks(std::string_view text) {
  BlockBuilder builder;
  for (std::string_view line : Lines(text)) {
    if (IsBlankLine(line)) {
      builder.Flush();
      continue;
    }
    if (builder.line_count() == 1 && (IsRunLine(line, '=', 3) || IsRunLine(line, '-', 3))) {
      std::string heading(builder.only_line());
      builder.Discard();
      builder.Heading(IsRunLine(line, '=', 3) ? 1 : 2, heading);
      continue;
    }
    if (builder.line_count() == 0 && IsCapsHeading(line)) {
      builder.Heading(1, line);
      continue;
    }
    builder.AddLine(line);
  }
  return builder.Finish();
}

std::vector<Chunk> ChunkBlocks(const std::vector<TextBlock>& blocks, const ChunkOptions& options) {
  ChunkPacker packer(options);
  for (const TextBlock& block : blocks) {
    if (block.heading_level > 0) {
      packer.Heading(block.heading_level, block.text);
    } else {
      packer.Paragraph(block.text);
    }
  }
  return packer.Finish();
}

ChunkedDocument ChunkDocument(std::string_view content, DocKind kind, const ChunkOptions& options) {
  ChunkedDocument doc;
  std::vector<TextBlock> blocks;
  switch (kind) {
    case DocKind::kMarkdown:
      blocks = MarkdownBlocks(content);
      doc.title = FirstHeading(blocks);
      break;
    case DocKind::kHtml: {
      HtmlText html = ExtractHtmlText(content);
      blocks = std::move(html.blocks);
      doc.title = html.title.empty() ? FirstHeading(blocks) : std::move(html.title);
      break;
    }
    case DocKind::kText:
      blocks = PlainTextBlocks(content);
      doc.title = ManPageTitle(blocks);
      break;
  }
  doc.chunks = ChunkBlocks(blocks, options);
  return doc;
}

}  // namespace intern::tools
