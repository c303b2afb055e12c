// Faults (issue 10 §5), the review and publish part: the built `intern review ID --approve` and
// `intern publish ID` (site repository in INTERN_HOME/site) killed with SIGKILL at random
// moments. After each kill the store passes integrity_check; the approval is recorded whole
// (the reviewer, the draft's content hash) or not at all; the site repository is at its old
// HEAD with nothing of the new comparison and a clean working tree, or at the one new commit
// holding every file (the working tree clean, or — killed between the branch move and the
// checkout — still at the old commit); and running the command again finishes the job with a
// clean working tree and still exactly one publish commit (a commit already on the branch is
// adopted). A kill while libgit2 holds index.lock or the branch's .lock leaves it behind; the
// rerun then fails with a sentence naming it, and once the lock file is stale
// (kStaleGitLockAge, simulated by ageing it) publish removes it itself and succeeds.
//
// INTERN_KILL_RUNS (default 10; scripts/kill-loop-publish runs 50) and INTERN_KILL_SEED (default
// a fixed one, printed with every failure) choose the kill delays.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "agent/publish/site_repo.h"
#include "sessions/store.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::testing {
namespace {

namespace fs = std::filesystem;
namespace site = agent::publish::testing;

// Starts the built intern with `args`, output to /dev/null (no shell: the kill reaches intern).
pid_t SpawnIntern(const fs::path& home, const std::vector<std::string>& args,
                  const fs::path& err = "/dev/null", const fs::path& out = "/dev/null") {
  std::vector<std::string> env = {"HOME=" + home.string(), "INTERN_HOME=" + home.string()};
  std::vector<std::string> argv = {INTERN_BINARY,
                                   "-c", "github.api_url=http://127.0.0.1:1",
                                   "-c", "hub.url=http://127.0.0.1:1",
                                   "-c", "publish.author_email=kim@example.org"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> argv_c, env_c;
  for (auto& a : argv) argv_c.push_back(a.data());
  argv_c.push_back(nullptr);
  for (auto& e : env) env_c.push_back(e.data());
  env_c.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, INTERN_BINARY, &actions, nullptr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  return pid;
}

// Runs intern to the end; returns its exit code (-1 when it did not exit) and its stderr.
std::pair<int, std::string> RunInternErr(const fs::path& home,
                                         const std::vector<std::string>& args) {
  const fs::path err = home.parent_path() / (home.filename().string() + ".stderr");
  pid_t pid = SpawnIntern(home, args, err);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  std::string text = ReadFile(err);
  fs::remove(err);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

// Runs intern to the end; returns its exit code (-1 when it did not exit) and its stdout.
std::pair<int, std::string> RunInternOut(const fs::path& home,
                                         const std::vector<std::string>& args) {
  const fs::path out = home.parent_path() / (home.filename().string() + ".stdout");
  const fs::path err = home.parent_path() / (home.filename().string() + ".stderr");
  pid_t pid = SpawnIntern(home, args, err, out);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  std::string text = ReadFile(out);
  INFO(ReadFile(err));
  CHECK(ReadFile(err).find("internal error") == std::string::npos);
  fs::remove(out);
  fs::remove(err);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

int RunIntern(const fs::path& home, const std::vector<std::string>& args) {
  auto [code, err] = RunInternErr(home, args);
  INFO(err);
  CHECK(err.find("internal error") == std::string::npos);
  return code;
}

// Runs intern and kills it after `delay`; true when the kill ended it (it had not finished).
bool KillIntern(const fs::path& home, const std::vector<std::string>& args,
                std::chrono::microseconds delay) {
  pid_t pid = SpawnIntern(home, args);
  // Not synchronisation: the kill is meant to land at an arbitrary moment.
  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFSIGNALED(status);
}

std::chrono::microseconds Timed(const fs::path& home, const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(RunIntern(home, args) == 0);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

bool Has(const std::vector<std::string>& files, const std::string& path) {
  return std::find(files.begin(), files.end(), path) != files.end();
}

const std::vector<std::string> kNewFiles = {"comparisons/smolvlm2-vs-gemma-3n.md",
                                            "comparisons/smolvlm2-vs-gemma-3n.json",
                                            "comparisons/smolvlm2-vs-gemma-3n.html"};

TEST_CASE("review --approve and publish killed at random moments leave a whole approval and a "
          "clean site that the next run completes",
          "[hardening][faults][kill_loop_publish][binary]") {
  const char* runs_env = std::getenv("INTERN_KILL_RUNS");
  const char* seed_env = std::getenv("INTERN_KILL_SEED");
  const int runs = runs_env ? std::atoi(runs_env) : 10;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10))
                                 : 20261121u;
  INFO("INTERN_KILL_SEED=" << seed);
  std::mt19937 random(seed);

  // The template: one published comparison (the site's old HEAD) and one pending draft.
  TempDir made;
  REQUIRE(RunIntern(made.path(), {"compare", "Gemma 3n", "SmolVLM2"}) == 0);
  REQUIRE(RunIntern(made.path(), {"compare", "SmolVLM2", "Gemma 3n"}) == 0);
  std::string first, second;
  {
    sessions::Store store = sessions::Store::Open(made / "intern.db");
    for (const auto& d : store.ListDrafts()) {
      (d.title == "Gemma 3n vs SmolVLM2" ? first : second) = d.id;
    }
  }
  REQUIRE_FALSE(first.empty());
  REQUIRE_FALSE(second.empty());
  REQUIRE(RunIntern(made.path(), {"review", first, "--approve", "--reviewer", "Kim"}) == 0);
  REQUIRE(RunIntern(made.path(), {"publish", first}) == 0);
  const std::vector<site::LoggedCommit> old_log = site::GitLog(made / "site");
  REQUIRE(old_log.size() == 1);
  const std::string old_head = old_log[0].id;

  // Whole runs bound the kill times.
  std::chrono::microseconds review_time, publish_time;
  {
    TempDir probe;
    fs::copy(made.path(), probe.path(), fs::copy_options::recursive);
    review_time = Timed(probe.path(), {"review", second, "--approve", "--reviewer", "Kim"});
    publish_time = Timed(probe.path(), {"publish", second});
  }

  int review_killed = 0, publish_killed = 0, approval_survived = 0, commit_survived = 0,
      adopted = 0, tree_behind = 0, stale_locks = 0;
  for (int i = 0; i < runs; ++i) {
    INFO("run " << i);
    TempDir home;
    fs::copy(made.path(), home.path(), fs::copy_options::recursive);
    const std::vector<std::string> review = {"review", second, "--approve", "--reviewer", "Kim"};
    const std::vector<std::string> publish = {"publish", second};

    // review --approve, killed.
    review_killed += KillIntern(home.path(), review,
                                std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(
                                    0, review_time.count())(random)));
    bool approved = false;
    {
      sessions::Store store = sessions::Store::Open(home / "intern.db");
      REQUIRE(store.IntegrityCheck() == "ok");
      const sessions::DraftRecord draft = *store.GetDraft(second);
      std::vector<sessions::ApprovalRecord> approvals = store.ListApprovals(second);
      REQUIRE(approvals.size() <= 1);
      approved = approvals.size() == 1;
      if (approved) {
        CHECK(approvals[0].reviewer == "Kim");
        CHECK(approvals[0].sha256 == draft.sha256);
        CHECK(draft.status == sessions::DraftStatus::kApproved);
      } else {
        CHECK(draft.status == sessions::DraftStatus::kPendingReview);
      }
    }
    approval_survived += approved;
    if (!approved) REQUIRE(RunIntern(home.path(), review) == 0);

    // publish, killed.
    publish_killed += KillIntern(home.path(), publish,
                                 std::chrono::microseconds(std::uniform_int_distribution<std::int64_t>(
                                     0, publish_time.count())(random)));
    // Killed while it holds the branch's or the index's lock file, libgit2 leaves it behind (a
    // finding: see the README); after the index lock the working tree is anything between the
    // two commits.
    const fs::path index_lock = home / "site" / ".git" / "index.lock";
    const fs::path ref_lock = home / "site" / ".git" / "refs" / "heads" / "main.lock";
    const bool stale_lock = fs::exists(index_lock) || fs::exists(ref_lock);
    stale_locks += stale_lock;
    {
      sessions::Store store = sessions::Store::Open(home / "intern.db");
      REQUIRE(store.IntegrityCheck() == "ok");
      const sessions::DraftRecord draft = *store.GetDraft(second);
      std::vector<site::LoggedCommit> log = site::GitLog(home / "site");
      REQUIRE_FALSE(log.empty());
      const std::vector<std::string> dirty = site::DirtyPaths(home / "site");
      if (log[0].id == old_head) {
        CHECK(dirty.empty());
        CHECK(draft.status == sessions::DraftStatus::kApproved);
        for (const std::string& f : kNewFiles) CHECK_FALSE(fs::exists(home / "site" / f));
      } else {
        ++commit_survived;
        REQUIRE(log.size() == 2);
        CHECK(log[1].id == old_head);
        // The branch moves before the files are checked out (site_repo.cpp): a kill in between
        // or inside the checkout leaves the whole commit on the branch and a working tree (and
        // index) between the two commits, which only the five published files differ in; the
        // rerun below checks it out.
        if (!dirty.empty() && !stale_lock) {
          ++tree_behind;
          CHECK(draft.status == sessions::DraftStatus::kApproved);
          for (const std::string& path : dirty) {
            INFO(path);
            CHECK((Has(kNewFiles, path) || path == "index.json" || path == "index.html"));
          }
        }
        for (const std::string& f : kNewFiles) {
          CHECK(Has(log[0].files, f));
          if (dirty.empty()) CHECK(fs::exists(home / "site" / f));
        }
        CHECK(log[0].files.size() == old_log[0].files.size() + kNewFiles.size());
        if (draft.status == sessions::DraftStatus::kPublished) {
          CHECK(draft.published_commit == log[0].id);
        } else {
          CHECK(draft.status == sessions::DraftStatus::kApproved);
        }
      }
    }

    // Running publish again finishes what the kill left.
    sessions::DraftStatus status;
    {
      sessions::Store store = sessions::Store::Open(home / "intern.db");
      status = store.GetDraft(second)->status;
    }
    if (stale_lock) {
      // A young lock file may be a git command the operator is running: publish names it and
      // stops. Once it is stale (kStaleGitLockAge), publish removes it itself.
      auto [code, err] = RunInternErr(home.path(), publish);
      CHECK(code == 1);
      CHECK((err.find("index is locked") != std::string::npos ||
             err.find("main.lock") != std::string::npos));
      CHECK(err.find("delete it and run the command again") != std::string::npos);
      for (const fs::path& lock : {index_lock, ref_lock}) {
        if (fs::exists(lock)) {
          fs::last_write_time(lock, fs::file_time_type::clock::now() -
                                        agent::publish::kStaleGitLockAge -
                                        std::chrono::seconds(1));
        }
      }
    }
    if (status != sessions::DraftStatus::kPublished) {
      auto [code, out] = RunInternOut(home.path(), publish);
      REQUIRE(code == 0);
      adopted += out.find("an interrupted publish had made the commit") != std::string::npos;
      if (stale_lock) CHECK(out.find("Removed the stale lock file") != std::string::npos);
    }
    CHECK_FALSE(fs::exists(index_lock));
    CHECK_FALSE(fs::exists(ref_lock));
    sessions::Store store = sessions::Store::Open(home / "intern.db");
    const sessions::DraftRecord draft = *store.GetDraft(second);
    CHECK(draft.status == sessions::DraftStatus::kPublished);
    std::vector<site::LoggedCommit> log = site::GitLog(home / "site");
    // One publish commit, whatever the kill interrupted: a commit already on the branch is
    // adopted by the rerun, never made a second time.
    REQUIRE(log.size() == 2);
    CHECK(log[1].id == old_head);
    CHECK(draft.published_commit == log[0].id);
    CHECK(site::DirtyPaths(home / "site").empty());
    for (const std::string& f : kNewFiles) CHECK(Has(log[0].files, f));
  }
  WARN("kill review/publish: " << runs << " runs; review killed " << review_killed
                               << " (approval already whole " << approval_survived
                               << "), publish killed " << publish_killed << " (commit already made "
                               << commit_survived << ", working tree behind it " << tree_behind
                               << ", lock file left " << stale_locks << ", commit adopted by the rerun "
                               << adopted << ")");
  // The kills must have hit runs in flight.
  CHECK(review_killed + publish_killed >= runs / 2);
}

}  // namespace
}  // namespace intern::testing
