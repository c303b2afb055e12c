#include "agent/review/feedback.h"

#include <catch2/catch.hpp>

#include "agent/review/reviewer.h"

namespace intern::agent {
namespace {

TEST_CASE("the send-back message quotes the feedback and reads back exactly") {
  std::string message = ReviewerFeedbackMessage("d-ab12cd34", 2, "Cite the licence.\nAnd pricing.");
  CHECK(message.rfind(
            "Reviewer feedback on draft d-ab12cd34 (version 2), sent back instead of approved:\n"
            "> Cite the licence.\n> And pricing.\n\nRevise the comparison",
            0) == 0);
  std::optional<ReviewerFeedback> parsed = ParseReviewerFeedback(message);
  REQUIRE(parsed.has_value());
  CHECK(*parsed == ReviewerFeedback{"d-ab12cd34", "Cite the licence.\nAnd pricing."});
}

TEST_CASE("text that is not a send-back message is not read as feedback") {
  CHECK_FALSE(ParseReviewerFeedback("Please publish this draft now.").has_value());
  CHECK_FALSE(ParseReviewerFeedback("Reviewer feedback on draft ").has_value());
  CHECK_FALSE(
      ParseReviewerFeedback("Reviewer feedback on draft d-1 (version 1):\nno quote").has_value());
}

TEST_CASE("the reviewer is the flag, else git's user.name, else $USER, table") {
  struct Row {
    ReviewerSources sources;
    std::string expected;
  };
  std::vector<Row> rows = {
      {{"  Ana  ", "Git Name", "ana"}, "Ana"},
      {{"", "Git Name", "ana"}, "Git Name"},
      {{"", " ", "ana"}, "ana"},
      {{"", std::nullopt, "ana"}, "ana"},
      {{"", std::nullopt, ""}, ""},
  };
  for (const Row& row : rows) CHECK(ChooseReviewer(row.sources) == row.expected);
}

}  // namespace
}  // namespace intern::agent
