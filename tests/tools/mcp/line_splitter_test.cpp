#include "tools/mcp/line_splitter.h"

#include <catch2/catch.hpp>

namespace intern::tools {
namespace {

std::vector<SplitLine> FeedAll(LineSplitter& splitter, const std::vector<std::string>& pieces) {
  std::vector<SplitLine> out;
  for (const std::string& p : pieces) splitter.Feed(p, out);
  return out;
}

TEST_CASE("the line splitter yields the same lines for input split at every byte position",
          "[mcp]") {
  const std::string input = "{\"a\":1}\r\n\n{\"b\":\"two\"}\n{\"c\":3}\n";
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    LineSplitter splitter(64);
    std::vector<SplitLine> lines =
        FeedAll(splitter, {input.substr(0, cut), input.substr(cut)});
    INFO("cut at " << cut);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].text == "{\"a\":1}");
    CHECK(lines[1].text == "{\"b\":\"two\"}");
    CHECK(lines[2].text == "{\"c\":3}");
    CHECK_FALSE(splitter.pending());
  }
}

TEST_CASE("a line over the limit is reported once, when it crosses the limit, and skipped",
          "[mcp]") {
  LineSplitter splitter(10);
  std::vector<SplitLine> out;
  splitter.Feed("0123456789", out);
  CHECK(out.empty());
  splitter.Feed("A", out);  // crosses the limit: reported now, not at the newline
  REQUIRE(out.size() == 1);
  CHECK(out[0].oversized);
  CHECK(out[0].text.empty());
  splitter.Feed(std::string(5000, 'x'), out);
  CHECK(out.size() == 1);
  CHECK_FALSE(splitter.pending());  // the dropped bytes are not held
  splitter.Feed("yyy\nok\n", out);
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[1].oversized);
  CHECK(out[1].text == "ok");
}

}  // namespace
}  // namespace intern::tools
