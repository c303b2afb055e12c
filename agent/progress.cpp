#include "agent/progress.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace intern::agent {
namespace {

using nlohmann::json;

constexpr const char* kDim = "\x1b[2m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

// Width in characters, counting each UTF-8 sequence once (the status line holds "·").
std::size_t DisplayWidth(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

bool UseColor(bool is_tty, const char* no_color_env) {
  return is_tty && (no_color_env == nullptr || no_color_env[0] == '\0');
}

std::string FormatTokens(std::int64_t tokens) {
  if (tokens < 1000) return std::to_string(tokens);
  if (tokens < 1'000'000) return fmt::format("{:.1f}k", static_cast<double>(tokens) / 1e3);
  return fmt::format("{:.1f}M", static_cast<double>(tokens) / 1e6);
}

std::string FormatElapsed(std::chrono::seconds elapsed) {
  auto s = elapsed.count();
  if (s < 0) s = 0;
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

// ---- TerminalProgress ------------------------------------------------------------------------

TerminalProgress::TerminalProgress(std::ostream& out, const Clock& clock, bool color)
    : out_(out), clock_(clock), color_(color), started_(clock.Monotonic()) {}

std::string TerminalProgress::StatusLine() const {
  auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(clock_.Monotonic() - started_);
  return fmt::format("iteration {}/{} · {} · {} tokens · ${:.2f} · {}", snapshot_.iteration,
                     snapshot_.cap, snapshot_.phase.empty() ? "research" : snapshot_.phase,
                     FormatTokens(snapshot_.tokens), snapshot_.usd, FormatElapsed(elapsed));
}

void TerminalProgress::EraseStatus() {
  if (drawn_width_ == 0) return;
  out_ << '\r' << std::string(drawn_width_, ' ') << '\r';
  drawn_width_ = 0;
}

void TerminalProgress::DrawStatus() {
  EraseStatus();
  std::string line = StatusLine();
  if (color_) {
    out_ << kDim << line << kReset;
  } else {
    out_ << line;
  }
  out_.flush();
  drawn_width_ = DisplayWidth(line);
}

void TerminalProgress::PrintLine(const std::string& line, const char* color_code) {
  EraseStatus();
  if (color_ && color_code != nullptr) {
    out_ << color_code << line << kReset << '\n';
  } else {
    out_ << line << '\n';
  }
}

void TerminalProgress::SessionStarted(const std::string& session_id, const std::string& model,
                                      bool resumed) {
  started_ = clock_.Monotonic();
  PrintLine(
      fmt::format("{} session {} with {}", resumed ? "resuming" : "starting", session_id, model),
      nullptr);
}

void TerminalProgress::IterationStarted(const ProgressSnapshot& snapshot) {
  snapshot_ = snapshot;
  DrawStatus();
}

// Streamed model text is not echoed on the terminal: the status line is the live view, and the
// draft is printed when the session ends.
void TerminalProgress::TextDelta(std::string_view) {}

void TerminalProgress::ToolStarted(const std::string&, const std::string&) { DrawStatus(); }

void TerminalProgress::ToolFinished(const std::string& name, bool ok, std::int64_t ms,
                                    int evidence_count) {
  std::string line = fmt::format(
      "  {} {} ({} ms{})", ok ? "✓" : "✗", name, ms,
      evidence_count > 0 ? fmt::format(", {} evidence", evidence_count) : std::string());
  PrintLine(line, ok ? kGreen : kRed);
  DrawStatus();
}

void TerminalProgress::UsageUpdated(std::int64_t tokens, double usd) {
  snapshot_.tokens = tokens;
  snapshot_.usd = usd;
  DrawStatus();
}

void TerminalProgress::Compacted(std::int64_t tokens_before, std::int64_t tokens_after) {
  PrintLine(fmt::format("  context compacted: {} → {} tokens", FormatTokens(tokens_before),
                        FormatTokens(tokens_after)),
            kYellow);
  DrawStatus();
}

void TerminalProgress::LoopGuard(const std::string& pattern, const std::string& action) {
  PrintLine(fmt::format("  loop detected ({}): {}", pattern, action), kYellow);
  DrawStatus();
}

void TerminalProgress::Stopped(const std::string& status, const std::string& sentence) {
  PrintLine(sentence, status == "done" ? kGreen : kYellow);
  out_.flush();
}

// ---- JsonProgress ----------------------------------------------------------------------------

void JsonProgress::Emit(const std::string& type, const std::string& fields_json) {
  json j = json::parse(fields_json);
  j["type"] = type;
  j["at"] = Rfc3339(clock_.Now());
  out_ << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
  out_.flush();
}

void JsonProgress::SessionStarted(const std::string& session_id, const std::string& model,
                                  bool resumed) {
  Emit("session_started",
       json{{"session", session_id}, {"model", model}, {"resumed", resumed}}.dump(
           -1, ' ', false, json::error_handler_t::replace));
}

void JsonProgress::IterationStarted(const ProgressSnapshot& s) {
  Emit("iteration_started", json{{"n", s.iteration},
                                 {"cap", s.cap},
                                 {"phase", s.phase},
                                 {"tokens", s.tokens},
                                 {"usd", s.usd}}
                                .dump());
}

void JsonProgress::TextDelta(std::string_view text) {
  Emit("text_delta",
       json{{"text", std::string(text)}}.dump(-1, ' ', false, json::error_handler_t::replace));
}

void JsonProgress::ToolStarted(const std::string& name, const std::string& summary) {
  Emit("tool_started", json{{"name", name}, {"summary", summary}}.dump(
                           -1, ' ', false, json::error_handler_t::replace));
}

void JsonProgress::ToolFinished(const std::string& name, bool ok, std::int64_t ms,
                                int evidence_count) {
  Emit("tool_finished",
       json{{"name", name}, {"ok", ok}, {"ms", ms}, {"evidence", evidence_count}}.dump());
}

void JsonProgress::UsageUpdated(std::int64_t tokens, double usd) {
  Emit("usage", json{{"tokens", tokens}, {"usd", usd}}.dump());
}

void JsonProgress::Compacted(std::int64_t tokens_before, std::int64_t tokens_after) {
  Emit("compaction", json{{"tokens_before", tokens_before}, {"tokens_after", tokens_after}}.dump());
}

void JsonProgress::LoopGuard(const std::string& pattern, const std::string& action) {
  Emit("loop_guard", json{{"pattern", pattern}, {"action", action}}.dump());
}

void JsonProgress::Stopped(const std::string& status, const std::string& sentence) {
  Emit("stopped", json{{"status", status}, {"sentence", sentence}}.dump(
                      -1, ' ', false, json::error_handler_t::replace));
}

// ---- RecordingProgress -----------------------------------------------------------------------

void RecordingProgress::Add(std::string line) {
  std::lock_guard lock(mu_);
  events_.push_back(std::move(line));
}

std::vector<std::string> RecordingProgress::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

void RecordingProgress::SessionStarted(const std::string& session_id, const std::string& model,
                                       bool resumed) {
  Add(fmt::format("session_started: {} {}{}", session_id, model, resumed ? " resumed" : ""));
}
void RecordingProgress::IterationStarted(const ProgressSnapshot& s) {
  Add(fmt::format("iteration_started: {}/{} {}", s.iteration, s.cap, s.phase));
}
void RecordingProgress::TextDelta(std::string_view text) {
  Add(fmt::format("text_delta: {}", text));
}
void RecordingProgress::ToolStarted(const std::string& name, const std::string& summary) {
  Add(fmt::format("tool_started: {} {}", name, summary));
}
void RecordingProgress::ToolFinished(const std::string& name, bool ok, std::int64_t,
                                     int evidence_count) {
  Add(fmt::format("tool_finished: {} {} {}", name, ok ? "ok" : "error", evidence_count));
}
void RecordingProgress::UsageUpdated(std::int64_t tokens, double usd) {
  Add(fmt::format("usage: {} {:.4f}", tokens, usd));
}
void RecordingProgress::Compacted(std::int64_t before, std::int64_t after) {
  Add(fmt::format("compaction: {} -> {}", before, after));
}
void RecordingProgress::LoopGuard(const std::string& pattern, const std::string& action) {
  Add(fmt::format("loop_guard: {} {}", pattern, action));
}
void RecordingProgress::Stopped(const std::string& status, const std::string& sentence) {
  Add(fmt::format("stopped: {} {}", status, sentence));
}

}  // namespace intern::agent
