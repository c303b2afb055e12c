#include "agent/review/review_prompt.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "agent/review/approval_check.h"
#include "sessions/sha256.h"
#include "tests/agent/review/review_gate_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

using testing::Gate;
using testing::SampleComparison;

constexpr const char* kQuestion = "[a]pprove  [r]eject  [e]dit  [s]end back  s[k]ip > ";

// The prompt over scripted input, recording what was shown and edited.
struct Script {
  std::istringstream in;
  std::ostringstream out;
  std::vector<std::string> shown;
  std::vector<std::string> edited_from;
  std::vector<std::string> edits;  // what the "editor" returns, in order

  explicit Script(std::string input) : in(std::move(input)) {}

  ReviewTerminal Terminal() {
    return ReviewTerminal{in, out, [this](const std::string& text) { shown.push_back(text); },
                          [this](const std::string& text) -> Result<std::string> {
                            edited_from.push_back(text);
                            REQUIRE(edited_from.size() <= edits.size());
                            return edits[edited_from.size() - 1];
                          }};
  }
};

TEST_CASE("prompt: a approves with a comment after showing the draft") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Script s("a\nlooks right\n");
  CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kApproved);
  REQUIRE(s.shown.size() == 1);
  CHECK(s.shown[0] == RenderReview(gate.store, d));
  CHECK(s.out.str() == fmt::format("{}Comment (optional) > Approved {} as ana (content {}).\n",
                                   kQuestion, d.id, d.sha256.substr(0, 12)));
  std::vector<sessions::ApprovalRecord> decisions = gate.store.ListApprovals(d.id);
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0].comment == "looks right");
}

TEST_CASE("prompt: a one-sided draft asks for the override, blank cancels back to the question") {
  Gate gate;
  sessions::DraftRecord d = gate.Add(SampleComparison(), {"one_sided"});
  Script s("a\n\na\nonly one vendor publishes numbers\n\n");
  CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kApproved);
  const std::string ask =
      "This draft is one-sided: its evidence does not cover both tools comparably.\n"
      "Override reason (why it is fair; blank cancels) > ";
  CHECK(s.out.str() ==
        fmt::format("{0}{1}{0}{1}Comment (optional) > Approved {2} as ana (content {3}).\n"
                    "One-sided override: only one vendor publishes numbers\n",
                    kQuestion, ask, d.id, d.sha256.substr(0, 12)));
  CHECK(gate.store.ListApprovals(d.id)[0].comment == "Override: only one vendor publishes numbers");
  CHECK(CheckApproval(gate.store, d.id).approved());
}

TEST_CASE("prompt: r rejects with a reason, blank cancels") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Script s("r\n\nr\nno pricing evidence\n");
  CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kRejected);
  CHECK(s.out.str() == fmt::format("{0}Reason for rejecting (blank cancels) > {0}Reason for "
                                   "rejecting (blank cancels) > Rejected {1}: no pricing "
                                   "evidence\n",
                                   kQuestion, d.id));
  CHECK(gate.store.GetDraft(d.id)->status == sessions::DraftStatus::kRejected);
}

TEST_CASE("prompt: a valid edit is stored and shown again, then the reviewer decides on it") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Script s("e\na\n\n");
  std::string edited = d.document;
  edited.replace(edited.find("Which small"), 11, "Which tiny");
  s.edits = {edited};
  CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kApproved);
  sessions::DraftRecord now = *gate.store.GetDraft(d.id);
  CHECK(now.document.find("Which tiny") != std::string::npos);
  REQUIRE(s.shown.size() == 2);
  CHECK(s.shown[1].find("Flags: edited\n") != std::string::npos);
  CHECK(s.shown[1].find("Which tiny") != std::string::npos);
  // The approval covers the edited content.
  CHECK(gate.store.ListApprovals(d.id)[0].sha256 == sessions::Sha256Hex(now.document));
  CHECK(s.out.str().find(fmt::format("Saved the edit of {} (content {}); any earlier approval is "
                                     "void.\n",
                                     d.id, now.sha256.substr(0, 12))) != std::string::npos);
}

TEST_CASE("prompt: an invalid edit lists its problems, edit again fixes it or discard drops it") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  std::string bad = d.document;
  bad.replace(bad.find("\"score\": 84"), 11, "\"score\": 250");
  std::string good = d.document;
  good.replace(good.find("Which small"), 11, "Which tiny");

  SECTION("discard") {
    Script s("e\nx\nd\nk\n");
    s.edits = {bad};
    CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kSkipped);
    CHECK(s.out.str() ==
          fmt::format("{0}The edit was not saved; it has these problems:\n"
                      "- panel[0].takes[0].score 250 is out of range: give a score from 0 to 100\n"
                      "[e]dit again or [d]iscard > Type e or d.\n"
                      "[e]dit again or [d]iscard > Discarded the edit; the draft is unchanged.\n"
                      "{0}Skipped {1}; it stays pending review.\n",
                      kQuestion, d.id));
    CHECK(gate.store.GetDraft(d.id)->document == d.document);
  }
  SECTION("edit again reopens the operator's text") {
    Script s("e\ne\nk\n");
    s.edits = {bad, good};
    CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kSkipped);
    REQUIRE(s.edited_from.size() == 2);
    CHECK(s.edited_from[1] == bad);
    CHECK(gate.store.GetDraft(d.id)->document.find("Which tiny") != std::string::npos);
  }
}

TEST_CASE("prompt: an unchanged edit changes nothing") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  Script s("e\nk\n");
  s.edits = {d.document};
  CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kSkipped);
  CHECK(s.out.str().find("No change.\n") != std::string::npos);
  CHECK(*gate.store.GetDraft(d.id) == d);
}

TEST_CASE("prompt: s sends back with feedback and reports the revision") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  ReviewServices services = gate.Services();
  std::string new_id;
  services.revise = [&](const std::string&, const std::string&) {
    new_id = gate.Add().id;
    return LoopOutcome{sessions::SessionStatus::kDone, "", 0, {}, 0.0};
  };
  Script s("s\ncite the pricing page\n");
  CHECK(ReviewInteractively(services, s.Terminal(), d.id) == ReviewEnd::kSentBack);
  CHECK(s.out.str() ==
        fmt::format("{}Feedback for the agent (what to change; blank cancels) > Sent {} back to "
                    "session s-42.\nRevised: draft {} (version 2) is pending review; `intern "
                    "review {}`.\n",
                    kQuestion, d.id, new_id, new_id));
}

TEST_CASE("prompt: a revision that stops without a draft says so") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  ReviewServices services = gate.Services();
  services.revise = [&](const std::string&, const std::string&) {
    return LoopOutcome{sessions::SessionStatus::kCapped, "Capped at 300 iterations.", 300, {}, 0};
  };
  Script s("s\nmore\n");
  CHECK(ReviewInteractively(services, s.Terminal(), d.id) == ReviewEnd::kSentBack);
  CHECK(s.out.str().find(fmt::format("The revision stopped (capped) before a new draft; {} stays "
                                     "sent back. The session keeps its cap and budget: reject the "
                                     "draft or start a new comparison.\n",
                                     d.id)) != std::string::npos);
}

TEST_CASE("prompt: k and end of input skip, leaving the draft pending") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  for (const char* input : {"k\n", "", "?\n"}) {
    INFO(input);
    Script s(input);
    CHECK(ReviewInteractively(gate.Services(), s.Terminal(), d.id) == ReviewEnd::kSkipped);
    CHECK(gate.store.GetDraft(d.id)->status == sessions::DraftStatus::kPendingReview);
  }
  CHECK(gate.store.ListApprovals(d.id).empty());
}

TEST_CASE("prompt: approval runs the auto-publish seam and shows what it says") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  ReviewServices services = gate.Services();
  std::vector<std::string> published;
  SECTION("published") {
    services.on_approved = [&](const std::string& id) -> Result<std::string> {
      published.push_back(id);
      return std::string("comparisons/gemma-3n-vs-smolvlm2 at commit abc1234");
    };
    Script s("a\n\n");
    CHECK(ReviewInteractively(services, s.Terminal(), d.id) == ReviewEnd::kApproved);
    CHECK(published == std::vector<std::string>{d.id});
    CHECK(s.out.str().find("Published: comparisons/gemma-3n-vs-smolvlm2 at commit abc1234\n") !=
          std::string::npos);
  }
  SECTION("publishing failed: the approval stands") {
    services.on_approved = [&](const std::string&) -> Result<std::string> {
      return Fail(ErrorCode::kIo, "the site repository is locked");
    };
    Script s("a\n\n");
    CHECK(ReviewInteractively(services, s.Terminal(), d.id) == ReviewEnd::kApproved);
    CHECK(s.out.str().find("Not published: the site repository is locked\n") != std::string::npos);
    CHECK(CheckApproval(gate.store, d.id).approved());
  }
}

TEST_CASE("prompt: a draft that is not pending is not reviewed") {
  Gate gate;
  sessions::DraftRecord d = gate.Add();
  REQUIRE(Reject(gate.Services(), d.id, d.sha256, "no").ok());
  Script s("a\n");
  CHECK_THROWS_WITH(ReviewInteractively(gate.Services(), s.Terminal(), d.id),
                    fmt::format("draft {} is rejected, not pending review; `intern review` lists "
                                "the drafts waiting for review",
                                d.id));
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE("an interrupted revision points at sessions resume") {
  SendBackOutcome o;
  o.decision.draft_id = "d-1";
  o.revised = true;
  o.loop = LoopOutcome{sessions::SessionStatus::kInterrupted, "", 3, {}, 0};
  std::ostringstream out;
  ReportSendBack(o, "s-9", out);
  CHECK(out.str() ==
        "Sent d-1 back to session s-9.\nThe revision stopped (interrupted) before a new draft; d-1 "
        "stays sent back. `intern sessions resume s-9` continues the revision.\n");
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE(
    "prompt: an approved draft rewritten by raw SQL shows why its approval is void, and "
    "saving it as it is puts it back in review") {
  intern::testing::TempDir dir;
  const std::filesystem::path path = dir.path() / "intern.db";
  std::string id;
  {
    Gate gate(path);
    sessions::DraftRecord d = gate.Add();
    REQUIRE(Approve(gate.Services(), d.id, d.sha256, "", "").ok());
    id = d.id;
  }
  {
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(raw,
                        "UPDATE drafts SET document = replace(document, 'Which small', "
                        "'Which sneaky')");
    REQUIRE(q.exec() == 1);
  }
  sessions::Store store = sessions::Store::Open(path);
  ReviewServices services{store, "ana", nullptr, nullptr};
  sessions::DraftRecord tampered = *store.GetDraft(id);
  const std::string reason = CheckApproval(store, id).reason;
  REQUIRE(CheckApproval(store, id).status == ApprovalStatus::kChangedSinceApproval);
  Script s("a\ne\na\nchecked the new wording\n");
  s.edits = {nlohmann::json::parse(tampered.document).dump(2) + "\n"};
  ReviewEnd end = ReviewInteractively(services, s.Terminal(), id);
  const std::string out = s.out.str();
  INFO(out);
  CHECK(end == ReviewEnd::kApproved);
  CHECK(out.find(fmt::format("The approval of {} no longer holds: {}. Edit it (e) to put it back "
                             "in review.\n",
                             id, reason)) != std::string::npos);
  CHECK(out.find(fmt::format("Not done: draft {} is approved, not pending review; only an edit "
                             "(e) puts it back in review.\n",
                             id)) != std::string::npos);
  CHECK(out.find("Saved the edit of " + id) != std::string::npos);
  sessions::DraftRecord now = *store.GetDraft(id);
  CHECK(now.document.find("Which sneaky") != std::string::npos);
  ApprovalState state = CheckApproval(store, id);
  CHECK(state.approved());
  CHECK(state.approval->comment == "checked the new wording");
}

}  // namespace
}  // namespace intern::agent
