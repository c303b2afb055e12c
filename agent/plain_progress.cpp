#include "agent/plain_progress.h"

#include <fmt/format.h>

namespace intern::agent {

void PlainProgress::SessionStarted(const std::string& session_id, const std::string& model,
                                   bool resumed) {
  out_ << fmt::format("{} session {} with {}\n", resumed ? "resuming" : "starting", session_id,
                      model);
}

void PlainProgress::IterationStarted(const ProgressSnapshot& s) {
  out_ << fmt::format("iteration {}/{} · {}\n", s.iteration, s.cap, s.phase);
}

void PlainProgress::ToolFinished(const std::string& name, bool ok, std::int64_t ms,
                                 int evidence_count) {
  out_ << fmt::format("  {} {} ({} ms, {} evidence)\n", ok ? "ok    " : "failed", name, ms,
                      evidence_count);
}

void PlainProgress::Compacted(std::int64_t before, std::int64_t after) {
  out_ << fmt::format("  compacted the context: {} -> {} tokens\n", before, after);
}

void PlainProgress::LoopGuard(const std::string& pattern, const std::string& action) {
  out_ << fmt::format("  loop guard: {} ({})\n", pattern, action);
}

void PlainProgress::Stopped(const std::string&, const std::string& sentence) {
  out_ << sentence << "\n";
}

}  // namespace intern::agent
