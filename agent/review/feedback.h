#pragma once
// The user message a reviewer's send-back adds to a session (DESIGN §7: the agent revises in the
// same session). One format, written here and read by the offline researcher, which cannot
// rewrite prose and so records the feedback in its revised draft's notes.
//
//   Reviewer feedback on draft d-ab12cd34 (version 1), sent back instead of approved:
//   > first line of the feedback
//   > second line
//
//   Revise the comparison to address this feedback: ...
//
// Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace intern::agent {

inline constexpr std::string_view kReviewerFeedbackHeader = "Reviewer feedback on draft ";

std::string ReviewerFeedbackMessage(const std::string& draft_id, std::int64_t version,
                                    const std::string& feedback);

struct ReviewerFeedback {
  std::string draft_id;
  std::string feedback;  // the quoted lines, without "> ", joined with "\n"
  bool operator==(const ReviewerFeedback&) const = default;
};

// The feedback in a message ReviewerFeedbackMessage wrote; nullopt for any other text.
std::optional<ReviewerFeedback> ParseReviewerFeedback(std::string_view message);

}  // namespace intern::agent
