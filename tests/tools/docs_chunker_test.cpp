#include <catch2/catch.hpp>

#include "tools/docs/chunker.h"

namespace intern::tools {
namespace {

std::vector<std::string> Paths(const std::vector<Chunk>& chunks) {
  std::vector<std::string> paths;
  for (const Chunk& c : chunks) paths.push_back(c.heading_path);
  return paths;
}

TEST_CASE("markdown chunks are cut at headings and carry the heading path") {
  ChunkedDocument doc = ChunkDocument(
      "Intro line.\n\n# Install\n\nGeneral.\n\n## From source\n\nRun cmake.\n\n### Options\n\n"
      "Flags.\n\n## From packages ##\n\nUse apt.\n\n# Usage\n\nRun it.\n",
      DocKind::kMarkdown);
  CHECK(doc.title == "Install");
  std::vector<Chunk> expected = {
      {"", "Intro line."},
      {"Install", "General."},
      {"Install > From source", "Run cmake."},
      {"Install > From source > Options", "Flags."},
      {"Install > From packages", "Use apt."},
      {"Usage", "Run it."},
  };
  CHECK(doc.chunks == expected);
}

TEST_CASE("a # line inside fenced code is not a heading") {
  ChunkedDocument doc = ChunkDocument(
      "# Setup\n\n```sh\n# comment\n\n## also comment\n```\n\n~~~\n# tilde fence\n~~~\n"
      "#hashtag is text\n",
      DocKind::kMarkdown);
  REQUIRE(doc.chunks.size() == 1);
  CHECK(doc.chunks[0].heading_path == "Setup");
  CHECK(doc.chunks[0].text ==
        "```sh\n# comment\n\n## also comment\n```\n\n~~~\n# tilde fence\n~~~\n\n#hashtag is text");
}

TEST_CASE("setext underlines are headings and front matter is skipped") {
  ChunkedDocument doc = ChunkDocument(
      "---\ntitle: x\n---\nGuide\n=====\n\nText.\n\nPart\n----\n\nMore.\n", DocKind::kMarkdown);
  CHECK(Paths(doc.chunks) == std::vector<std::string>{"Guide", "Guide > Part"});
  CHECK(doc.title == "Guide");
}

TEST_CASE("plain text takes underlined and all-caps lines as headings, like a man page") {
  ChunkedDocument doc = ChunkDocument(
      "LS(1)    User Commands    LS(1)\n\nNAME\n       ls - list directory contents\n\n"
      "DESCRIPTION\n       List information.\n\nNotes\n-----\nlower.\n",
      DocKind::kText);
  CHECK(Paths(doc.chunks) ==
        std::vector<std::string>{"", "NAME", "DESCRIPTION", "DESCRIPTION > Notes"});
  CHECK(doc.chunks[1].text == "ls - list directory contents");
  CHECK(doc.title == "ls - list directory contents");
}

TEST_CASE("html chunks use the document's headings and title") {
  ChunkedDocument doc = ChunkDocument(
      "<title>T</title><h1>A</h1><p>one</p><h3>B</h3><p>two</p><h2>C</h2><p>three</p>",
      DocKind::kHtml);
  CHECK(doc.title == "T");
  CHECK(Paths(doc.chunks) == std::vector<std::string>{"A", "A > B", "A > C"});
}

TEST_CASE("a long section is split at paragraph boundaries within the size bound") {
  std::string md = "# Big\n\n";
  for (int i = 0; i < 40; ++i)
    md += "Paragraph " + std::to_string(i) + std::string(90, 'x') + "\n\n";
  ChunkOptions options{500, 1000};
  std::vector<Chunk> chunks = ChunkDocument(md, DocKind::kMarkdown, options).chunks;
  REQUIRE(chunks.size() == 10);  // four paragraphs of ~102 bytes fit under 500 with separators
  for (const Chunk& c : chunks) {
    CHECK(c.heading_path == "Big");
    CHECK(c.text.size() <= 500);
    CHECK(c.text.rfind("Paragraph ", 0) == 0);
  }
}

TEST_CASE("a paragraph longer than the maximum is cut at spaces and never inside UTF-8") {
  std::string word = "\xC3\xA9t\xC3\xA9 ";  // "été " — 6 bytes
  std::string para;
  for (int i = 0; i < 600; ++i) para += word;
  std::string no_spaces(5000, 'z');
  no_spaces.replace(499, 2, "\xC3\xA9");  // a two-byte character straddling byte 500
  ChunkOptions options{500, 1000};
  for (const std::string& text : {para, no_spaces}) {
    std::vector<Chunk> chunks = ChunkDocument(text, DocKind::kText, options).chunks;
    size_t total = 0;
    for (const Chunk& c : chunks) {
      CHECK(c.text.size() <= 500);
      CHECK((static_cast<unsigned char>(c.text.front()) & 0xC0) != 0x80);
      total += c.text.size();
    }
    CHECK(chunks.size() >= text.size() / 500);
    CHECK(total + chunks.size() >= text.size() - 1);  // only the spaces at cuts are dropped
  }
}

TEST_CASE("an empty or blank document has no chunks") {
  CHECK(ChunkDocument("", DocKind::kMarkdown).chunks.empty());
  CHECK(ChunkDocument("  \n\n\t\n", DocKind::kText).chunks.empty());
  CHECK(ChunkDocument("<script>x()</script>", DocKind::kHtml).chunks.empty());
}

}  // namespace
}  // namespace intern::tools
