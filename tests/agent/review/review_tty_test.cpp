// `intern review ID` driven in a real terminal: the built binary runs on a pseudo-terminal
// (tests/agent/review/pty_process.h), its pager and editor are scripts, and the test types the
// answers. Every wait has a deadline.
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "agent/comparison_json.h"
#include "sessions/store.h"
#include "tests/agent/review/pty_process.h"
#include "tests/agent/review/review_cli_support.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

constexpr const char* kQuestion = "[a]pprove  [r]eject  [e]dit  [s]end back  s[k]ip > ";

struct Terminal {
  intern::testing::TempDir home;
  std::string id;
  std::unique_ptr<testing::PtyProcess> intern;

  // Starts `intern review ID` with the pager marking what it shows and `editor_script` (shell
  // text, may be empty) as $EDITOR. git's user.name in $HOME/.gitconfig is "Pat Reviewer".
  explicit Terminal(const std::string& editor_script = "") {
    id = testing::HomeWithDraft(home.path());
    intern::testing::WriteFile(home / ".gitconfig", "[user]\n\tname = Pat Reviewer\n");
    std::string editor = (home / "editor.sh").string();
    intern::testing::WriteFile(editor, "#!/bin/sh\n" + editor_script + "\n");
    ::chmod(editor.c_str(), 0755);
    std::vector<std::string> env = {"PATH=/usr/bin:/bin",
                                    "HOME=" + home.path().string(),
                                    "XDG_CONFIG_HOME=" + (home / "xdg").string(),
                                    "USER=nobody",
                                    "INTERN_HOME=" + home.path().string(),
                                    "PAGER=printf '[pager]\\n'; cat",
                                    "EDITOR=" + editor,
                                    "VISUAL=",
                                    "NO_COLOR=1",
                                    "TERM=dumb"};
    intern = std::make_unique<testing::PtyProcess>(
        std::vector<std::string>{INTERN_BINARY, "-c", "github.api_url=http://127.0.0.1:1", "-c",
                                 "hub.url=http://127.0.0.1:1", "review", id},
        env, home.path());
  }

  sessions::Store Store() const { return sessions::Store::Open(home.path() / "intern.db"); }

  // The draft was shown through the pager, then the question asked.
  void ExpectShown() {
    REQUIRE(intern->Expect("[pager]\nDraft " + id));
    REQUIRE(intern->Expect("# Gemma 3n vs SmolVLM2\n"));
    REQUIRE(intern->Expect("## Evidence\n"));
    REQUIRE(intern->Expect(kQuestion));
  }

  void ExpectExit0() {
    std::optional<int> code = intern->WaitExit();
    INFO(intern->output());
    REQUIRE(code.has_value());
    CHECK(*code == 0);
  }
};

TEST_CASE("tty review: a approves as git's user.name with a comment", "[review][tty]") {
  Terminal t;
  t.ExpectShown();
  t.intern->Send("a\n");
  REQUIRE(t.intern->Expect("Comment (optional) > "));
  t.intern->Send("ship it\n");
  REQUIRE(t.intern->Expect("Approved " + t.id + " as Pat Reviewer (content "));
  t.ExpectExit0();
  sessions::Store store = t.Store();
  std::vector<sessions::ApprovalRecord> a = store.ListApprovals(t.id);
  REQUIRE(a.size() == 1);
  CHECK(a[0].reviewer == "Pat Reviewer");
  CHECK(a[0].comment == "ship it");
  CHECK(store.GetDraft(t.id)->status == sessions::DraftStatus::kApproved);
}

TEST_CASE("tty review: r rejects with a reason", "[review][tty]") {
  Terminal t;
  t.ExpectShown();
  t.intern->Send("r\n");
  REQUIRE(t.intern->Expect("Reason for rejecting (blank cancels) > "));
  t.intern->Send("too thin on pricing\n");
  REQUIRE(t.intern->Expect("Rejected " + t.id + ": too thin on pricing\n"));
  t.ExpectExit0();
  CHECK(t.Store().GetDraft(t.id)->status == sessions::DraftStatus::kRejected);
}

TEST_CASE("tty review: e with a valid scripted edit saves it and shows the new content",
          "[review][tty]") {
  Terminal t(R"(sed -i 's/"question": "[^"]*"/"question": "Edited in the terminal?"/' "$1")");
  t.ExpectShown();
  t.intern->Send("e\n");
  REQUIRE(t.intern->Expect("Saved the edit of " + t.id));
  REQUIRE(t.intern->Expect("[pager]\nDraft " + t.id));
  REQUIRE(t.intern->Expect("Flags: offline, edited\n"));
  REQUIRE(t.intern->Expect("**Question:** Edited in the terminal?"));
  REQUIRE(t.intern->Expect(kQuestion));
  t.intern->Send("k\n");
  REQUIRE(t.intern->Expect("Skipped " + t.id + "; it stays pending review.\n"));
  t.ExpectExit0();
  sessions::DraftRecord d = *t.Store().GetDraft(t.id);
  CHECK(d.status == sessions::DraftStatus::kPendingReview);
  CHECK(ComparisonFromJson(d.document).value().question == "Edited in the terminal?");
}

TEST_CASE("tty review: e with an invalid edit shows the problems, discard keeps the draft",
          "[review][tty]") {
  Terminal t(R"(sed -i '0,/"score": [0-9]*/s//"score": 250/' "$1")");
  std::string before = t.Store().GetDraft(t.id)->document;
  t.ExpectShown();
  t.intern->Send("e\n");
  REQUIRE(
      t.intern->Expect("The edit was not saved; it has these problems:\n"
                       "- panel[0].takes[0].score 250 is out of range: give a score from 0 to 100\n"
                       "[e]dit again or [d]iscard > "));
  t.intern->Send("d\n");
  REQUIRE(t.intern->Expect("Discarded the edit; the draft is unchanged.\n"));
  REQUIRE(t.intern->Expect(kQuestion));
  t.intern->Send("k\n");
  t.ExpectExit0();
  CHECK(t.Store().GetDraft(t.id)->document == before);
}

TEST_CASE("tty review: s sends back, the offline researcher's revision comes back pending",
          "[review][tty]") {
  Terminal t;
  t.ExpectShown();
  t.intern->Send("s\n");
  REQUIRE(t.intern->Expect("Feedback for the agent (what to change; blank cancels) > "));
  t.intern->Send("Name the licence of each.\n");
  REQUIRE(t.intern->Expect("Revised: draft d-"));
  REQUIRE(t.intern->Expect("(version 2) is pending review"));
  t.ExpectExit0();
  sessions::Store store = t.Store();
  std::vector<sessions::DraftRecord> pending =
      store.ListDrafts(sessions::DraftStatus::kPendingReview);
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].version == 2);
  CHECK(store.GetDraft(t.id)->status == sessions::DraftStatus::kSuperseded);
}

TEST_CASE("tty review: k skips and the draft stays pending", "[review][tty]") {
  Terminal t;
  t.ExpectShown();
  t.intern->Send("k\n");
  REQUIRE(t.intern->Expect("Skipped " + t.id + "; it stays pending review.\n"));
  t.ExpectExit0();
  CHECK(t.Store().ListApprovals(t.id).empty());
  CHECK(t.Store().GetDraft(t.id)->status == sessions::DraftStatus::kPendingReview);
}

}  // namespace
}  // namespace intern::agent

namespace intern::agent {
namespace {

TEST_CASE("review ID without a terminal prints the draft inline and reads answers from stdin",
          "[review]") {
  intern::testing::TempDir home;
  std::string id = testing::HomeWithDraft(home.path());
  intern::testing::WriteFile(home / "answers", "k\n");
  // `timeout` is the deadline: a review that waited for input would be killed.
  std::string command = fmt::format(
      "cd '{0}' && timeout 20 env -i PATH=/usr/bin:/bin HOME='{0}' USER=nobody "
      "INTERN_HOME='{0}' PAGER='echo [pager]' '{1}' review {2} < answers 2>&1",
      home.path().string(), INTERN_BINARY, id);
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  INFO(out);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(out.rfind("Draft " + id + " · version 1 · pending_review · session s-", 0) == 0);
  CHECK(out.find("[pager]") == std::string::npos);
  CHECK(out.find("# Gemma 3n vs SmolVLM2\n") != std::string::npos);
  CHECK(out.find(std::string(kQuestion) + "Skipped " + id + "; it stays pending review.\n") !=
        std::string::npos);
}

}  // namespace
}  // namespace intern::agent
