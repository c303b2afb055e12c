#include "agent/review/feedback.h"

#include <fmt/format.h>

namespace intern::agent {

std::string ReviewerFeedbackMessage(const std::string& draft_id, std::int64_t version,
                                    const std::string& feedback) {
  std::string quoted;
  size_t start = 0;
  while (start <= feedback.size()) {
    size_t end = feedback.find('\n', start);
    if (end == std::string::npos) end = feedback.size();
    std::string line = feedback.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    quoted += "> " + line + "\n";
    start = end + 1;
  }
  return fmt::format(
      "{}{} (version {}), sent back instead of approved:\n{}\n"
      "Revise the comparison to address this feedback: research more with your tools if the "
      "evidence is not enough, mark plainly what the evidence cannot support, and submit the "
      "revised draft with submit_draft. It goes back to the reviewer; nothing is published "
      "without their approval.",
      kReviewerFeedbackHeader, draft_id, version, quoted);
}

std::optional<ReviewerFeedback> ParseReviewerFeedback(std::string_view message) {
  if (message.substr(0, kReviewerFeedbackHeader.size()) != kReviewerFeedbackHeader) {
    return std::nullopt;
  }
  ReviewerFeedback out;
  std::string_view rest = message.substr(kReviewerFeedbackHeader.size());
  size_t id_end = rest.find_first_of(" \n");
  out.draft_id = std::string(rest.substr(0, id_end));
  size_t line_start = rest.find('\n');
  bool first = true;
  while (line_start != std::string_view::npos && line_start + 1 <= rest.size()) {
    size_t begin = line_start + 1;
    size_t end = rest.find('\n', begin);
    std::string_view line = rest.substr(begin, end == std::string_view::npos ? end : end - begin);
    if (line.substr(0, 2) != "> ") break;
    if (!first) out.feedback += "\n";
    out.feedback += std::string(line.substr(2));
    first = false;
    line_start = end;
  }
  if (out.draft_id.empty() || first) return std::nullopt;
  return out;
}

}  // namespace intern::agent
