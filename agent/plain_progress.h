#pragma once
// Progress for a log or a pipe (agent/progress.h's sinks, the third kind): one plain line per
// iteration, per finished tool call, per compaction and loop guard, and the final sentence;
// nothing redrawn, no colour. `out` must outlive the sink.

#include <ostream>

#include "agent/progress.h"

namespace intern::agent {

class PlainProgress final : public ProgressSink {
 public:
  explicit PlainProgress(std::ostream& out) : out_(out) {}
  void SessionStarted(const std::string& session_id, const std::string& model,
                      bool resumed) override;
  void IterationStarted(const ProgressSnapshot& s) override;
  void TextDelta(std::string_view) override {}
  void ToolStarted(const std::string&, const std::string&) override {}
  void ToolFinished(const std::string& name, bool ok, std::int64_t ms, int evidence_count) override;
  void UsageUpdated(std::int64_t, double) override {}
  void Compacted(std::int64_t before, std::int64_t after) override;
  void LoopGuard(const std::string& pattern, const std::string& action) override;
  void Stopped(const std::string& status, const std::string& sentence) override;

 private:
  std::ostream& out_;
};

}  // namespace intern::agent
