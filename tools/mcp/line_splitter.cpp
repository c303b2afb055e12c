#include "tools/mcp/line_splitter.h"

namespace intern::tools {

void LineSplitter::Feed(std::string_view bytes, std::vector<SplitLine>& out) {
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    std::string_view piece = bytes.substr(0, newline);
    if (skipping_) {
      // Dropping the rest of an oversized line.
    } else if (line_.size() + piece.size() > max_) {
      line_.clear();
      line_.shrink_to_fit();
      skipping_ = true;
      out.push_back({"", true});
    } else {
      line_.append(piece);
    }
    if (newline == std::string_view::npos) return;
    bytes.remove_prefix(newline + 1);
    if (!skipping_) {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      if (!line_.empty()) out.push_back({std::move(line_), false});
    }
    line_.clear();
    skipping_ = false;
  }
}

}  // namespace intern::tools
