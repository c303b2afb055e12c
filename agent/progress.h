#pragma once
// Live progress of a session (DESIGN §4): what the loop reports while it runs, and three
// renderings of it.
//
//   TerminalProgress  for a TTY: one live status line, redrawn in place with "\r" and erased
//                     before any other line is printed, e.g.
//                       iteration 12/300 · research · 48.2k tokens · $0.21 · 1m05s
//                     and one line per finished tool call. Colour only when `color` is true
//                     (the caller passes UseColor(): a TTY and NO_COLOR unset).
//   JsonProgress      one JSON object per line ("--json", or output that is not a TTY), each
//                     with "type" and "at" (RFC 3339 UTC from the clock) fields.
//   RecordingProgress keeps every event, for tests.
//
// Thread safety: the loop calls a sink from its own thread only (tool_finished events of
// concurrent calls are reported after they are joined).

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/clock.h"

namespace intern::agent {

struct ProgressSnapshot {
  std::int64_t iteration = 0;  // the iteration under way (1-based)
  std::int64_t cap = 0;
  std::string phase;        // "research", "final_turn", "replan", "compaction", ...
  std::int64_t tokens = 0;  // session total so far
  double usd = 0.0;         // session total so far
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void SessionStarted(const std::string& session_id, const std::string& model,
                              bool resumed) = 0;
  virtual void IterationStarted(const ProgressSnapshot& snapshot) = 0;
  virtual void TextDelta(std::string_view text) = 0;
  virtual void ToolStarted(const std::string& name, const std::string& summary) = 0;
  virtual void ToolFinished(const std::string& name, bool ok, std::int64_t ms,
                            int evidence_count) = 0;
  virtual void UsageUpdated(std::int64_t tokens, double usd) = 0;
  virtual void Compacted(std::int64_t tokens_before, std::int64_t tokens_after) = 0;
  virtual void LoopGuard(const std::string& pattern, const std::string& action) = 0;
  virtual void Stopped(const std::string& status, const std::string& sentence) = 0;
};

// True when output to a terminal may be coloured: `is_tty` and NO_COLOR unset or empty
// (https://no-color.org). `no_color_env` is getenv("NO_COLOR") or nullptr.
bool UseColor(bool is_tty, const char* no_color_env);

// "48.2k" style token counts: below 1000 as is, then k with one decimal, then M.
std::string FormatTokens(std::int64_t tokens);
// "45s", "1m05s", "2h03m".
std::string FormatElapsed(std::chrono::seconds elapsed);

class TerminalProgress final : public ProgressSink {
 public:
  // `out` must outlive the sink. `clock` times the session (elapsed) and the tool calls.
  TerminalProgress(std::ostream& out, const Clock& clock, bool color);

  void SessionStarted(const std::string& session_id, const std::string& model,
                      bool resumed) override;
  void IterationStarted(const ProgressSnapshot& snapshot) override;
  void TextDelta(std::string_view text) override;
  void ToolStarted(const std::string& name, const std::string& summary) override;
  void ToolFinished(const std::string& name, bool ok, std::int64_t ms, int evidence_count) override;
  void UsageUpdated(std::int64_t tokens, double usd) override;
  void Compacted(std::int64_t tokens_before, std::int64_t tokens_after) override;
  void LoopGuard(const std::string& pattern, const std::string& action) override;
  void Stopped(const std::string& status, const std::string& sentence) override;

  // The status line as it is drawn now (without "\r" or colour codes).
  std::string StatusLine() const;

 private:
  void EraseStatus();
  void DrawStatus();
  void PrintLine(const std::string& line, const char* color_code);

  std::ostream& out_;
  const Clock& clock_;
  bool color_;
  std::chrono::steady_clock::time_point started_;
  ProgressSnapshot snapshot_;
  std::size_t drawn_width_ = 0;  // characters of the status line on screen, 0 = none
};

class JsonProgress final : public ProgressSink {
 public:
  JsonProgress(std::ostream& out, const Clock& clock) : out_(out), clock_(clock) {}

  void SessionStarted(const std::string& session_id, const std::string& model,
                      bool resumed) override;
  void IterationStarted(const ProgressSnapshot& snapshot) override;
  void TextDelta(std::string_view text) override;
  void ToolStarted(const std::string& name, const std::string& summary) override;
  void ToolFinished(const std::string& name, bool ok, std::int64_t ms, int evidence_count) override;
  void UsageUpdated(std::int64_t tokens, double usd) override;
  void Compacted(std::int64_t tokens_before, std::int64_t tokens_after) override;
  void LoopGuard(const std::string& pattern, const std::string& action) override;
  void Stopped(const std::string& status, const std::string& sentence) override;

 private:
  void Emit(const std::string& type, const std::string& fields_json);

  std::ostream& out_;
  const Clock& clock_;
};

// Keeps each event as one line "type: detail" (thread-safe, for tests).
class RecordingProgress final : public ProgressSink {
 public:
  void SessionStarted(const std::string& session_id, const std::string& model,
                      bool resumed) override;
  void IterationStarted(const ProgressSnapshot& snapshot) override;
  void TextDelta(std::string_view text) override;
  void ToolStarted(const std::string& name, const std::string& summary) override;
  void ToolFinished(const std::string& name, bool ok, std::int64_t ms, int evidence_count) override;
  void UsageUpdated(std::int64_t tokens, double usd) override;
  void Compacted(std::int64_t tokens_before, std::int64_t tokens_after) override;
  void LoopGuard(const std::string& pattern, const std::string& action) override;
  void Stopped(const std::string& status, const std::string& sentence) override;

  std::vector<std::string> events() const;

 private:
  void Add(std::string line);
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

}  // namespace intern::agent
