#pragma once
// LineSplitter — cuts the stdout of a stdio MCP server into newline-delimited messages without
// ever holding more than `max_line_bytes` of one line. A line that grows past the limit is
// reported once, as soon as it crosses it, and the rest of it is skipped up to its newline, so
// the stream stays in step and memory stays bounded whatever the server sends.
//
// Bytes may arrive split anywhere; the result is the same as for the unsplit stream. A trailing
// "\r" is removed (CRLF line ends); empty lines are skipped. Not thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace intern::tools {

struct SplitLine {
  std::string text;       // the line without its terminator; empty when `oversized`
  bool oversized = false; // the line passed max_line_bytes; its bytes were dropped
};

class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line_bytes) : max_(max_line_bytes) {}

  // Appends every line `bytes` completes (and any line that has just become oversized).
  void Feed(std::string_view bytes, std::vector<SplitLine>& out);
  // True while part of a line is held.
  bool pending() const { return !line_.empty(); }

 private:
  std::size_t max_;
  std::string line_;
  bool skipping_ = false;
};

}  // namespace intern::tools
