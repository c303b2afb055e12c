#include "agent/progress.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

namespace intern::agent {
namespace {

TEST_CASE("colour is used only on a TTY with NO_COLOR unset or empty", "[progress]") {
  CHECK(UseColor(true, nullptr));
  CHECK(UseColor(true, ""));
  CHECK_FALSE(UseColor(true, "1"));
  CHECK_FALSE(UseColor(false, nullptr));
}

TEST_CASE("token counts and elapsed times are shown short", "[progress]") {
  CHECK(FormatTokens(999) == "999");
  CHECK(FormatTokens(48'200) == "48.2k");
  CHECK(FormatTokens(2'500'000) == "2.5M");
  CHECK(FormatElapsed(std::chrono::seconds(45)) == "45s");
  CHECK(FormatElapsed(std::chrono::seconds(65)) == "1m05s");
  CHECK(FormatElapsed(std::chrono::seconds(7380)) == "2h03m");
}

TEST_CASE(
    "the terminal shows one status line, erased before each tool line, without colour "
    "when told so",
    "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  TerminalProgress progress(out, clock, false);
  progress.SessionStarted("s-abc", "claude-x", false);
  clock.Advance(std::chrono::seconds(65));
  progress.IterationStarted(ProgressSnapshot{12, 300, "research", 48'200, 0.21});
  CHECK(progress.StatusLine() == "iteration 12/300 · research · 48.2k tokens · $0.21 · 1m05s");
  progress.ToolFinished("doc_search", true, 120, 3);
  progress.ToolFinished("fetch_page", false, 5, 0);
  progress.Stopped("capped", "Stopped: cap.");
  std::string status = "iteration 12/300 · research · 48.2k tokens · $0.21 · 1m05s";
  std::string erase = "\r" + std::string(58, ' ') + "\r";
  CHECK(out.str() == "starting session s-abc with claude-x\n" + status + erase +
                         "  ✓ doc_search (120 ms, 3 evidence)\n" + status + erase +
                         "  ✗ fetch_page (5 ms)\n" + status + erase + "Stopped: cap.\n");
  CHECK(out.str().find("\x1b[") == std::string::npos);
}

TEST_CASE("with colour the terminal wraps lines in ANSI codes", "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  TerminalProgress progress(out, clock, true);
  progress.ToolFinished("doc_search", true, 1, 0);
  CHECK(out.str().rfind("\x1b[32m  ✓ doc_search (1 ms)\x1b[0m\n", 0) == 0);
}

TEST_CASE("JSON progress writes one object per line with its type and a timestamp", "[progress]") {
  FakeClock clock;
  std::ostringstream out;
  JsonProgress progress(out, clock);
  progress.SessionStarted("s-abc", "m", true);
  progress.IterationStarted(ProgressSnapshot{1, 300, "research", 0, 0});
  progress.TextDelta("hello \xff");
  progress.ToolStarted("doc_search", "{\"q\":\"x\"}");
  progress.ToolFinished("doc_search", true, 7, 2);
  progress.UsageUpdated(1234, 0.5);
  progress.Compacted(9000, 3000);
  progress.LoopGuard("cycle", "guard");
  progress.Stopped("done", "Done.");
  std::istringstream lines(out.str());
  std::vector<std::string> types;
  std::vector<nlohmann::json> objects;
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    CHECK(j["at"] == "2026-01-01T00:00:00.000Z");
    types.push_back(j["type"]);
    objects.push_back(j);
  }
  CHECK(types == std::vector<std::string>{"session_started", "iteration_started", "text_delta",
                                          "tool_started", "tool_finished", "usage", "compaction",
                                          "loop_guard", "stopped"});
  CHECK(objects[1]["n"] == 1);
  CHECK(objects[1]["cap"] == 300);
  CHECK(objects[2]["text"] == "hello \xef\xbf\xbd");
  CHECK(objects[4]["evidence"] == 2);
  CHECK(objects[5]["tokens"] == 1234);
  CHECK(objects[7]["pattern"] == "cycle");
  CHECK(objects[8]["sentence"] == "Done.");
}

}  // namespace
}  // namespace intern::agent
