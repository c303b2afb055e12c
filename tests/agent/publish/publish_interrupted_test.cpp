// What an interrupted publish leaves, and how the next one deals with it (publish.h, site_repo.h):
// a run killed (SIGKILL, no chance to clean up) before its branch moves leaves the site as it was;
// a commit made by a run killed after its branch moved is adopted, not made twice (unless the
// draft changed since); git lock files a killed run left are removed once stale and named while
// young; and a second intern waits for the one that holds the site repository.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "agent/comparison_json.h"
#include "agent/publish/publish.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

namespace fs = std::filesystem;
using intern::testing::TempDir;

// Runs PublishDraft(id) in a child process that SIGKILLs itself from the hook `which` chooses;
// returns once the child is dead (requiring that it died by SIGKILL).
void PublishKilledAt(const fs::path& db, const config::Config& cfg, const std::string& id,
                     std::function<void()> PublishOptions::*which) {
  int alive[2];
  REQUIRE(::pipe(alive) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(alive[0]);
    try {
      sessions::Store store = sessions::Store::Open(db);
      PublishOptions options;
      options.*which = [] { ::raise(SIGKILL); };
      static_cast<void>(PublishDraft(store, cfg, id, options));
    } catch (...) {
    }
    ::_exit(2);  // reached only if the kill did not happen
  }
  ::close(alive[1]);
  pollfd pfd{alive[0], POLLIN, 0};
  REQUIRE(::poll(&pfd, 1, 30'000) == 1);
  ::close(alive[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
}

struct Site {
  TempDir dir;
  config::Config cfg = testing::SiteConfig(dir.path());
  fs::path db = dir / "intern.db";
  std::string head;  // the site's commit before the draft under test
  std::string id;    // an approved draft, not yet published

  Site() {
    sessions::Store store = sessions::Store::Open(db);
    Comparison other = agent::testing::SampleComparison();
    other.subjects[1].name = "Phi-4 mini";
    REQUIRE(PublishDraft(store, cfg, testing::AddApprovedDraft(store, other)).ok());
    id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
    head = testing::GitLog(cfg.publish.repo).at(0).id;
  }
};

void Touch(const fs::path& file, std::chrono::seconds age) {
  std::ofstream(file) << "";
  fs::last_write_time(file, fs::file_time_type::clock::now() - age);
}

TEST_CASE("a publish killed before its branch moves leaves the site repository clean and "
          "publishable",
          "[publish][kill]") {
  Site site;
  const std::string index_before = intern::testing::ReadFile(site.cfg.publish.repo / "index.json");
  PublishKilledAt(site.db, site.cfg, site.id, &PublishOptions::before_ref_update);

  CHECK(testing::GitLog(site.cfg.publish.repo).at(0).id == site.head);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
  CHECK(intern::testing::ReadFile(site.cfg.publish.repo / "index.json") == index_before);
  CHECK_FALSE(fs::exists(site.cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.md"));

  sessions::Store store = sessions::Store::Open(site.db);
  CHECK(store.GetDraft(site.id)->status == sessions::DraftStatus::kApproved);
  Result<PublishOutcome> again = PublishDraft(store, site.cfg, site.id);
  REQUIRE(again.ok());
  CHECK_FALSE(again.value().adopted);
  std::vector<testing::LoggedCommit> log = testing::GitLog(site.cfg.publish.repo);
  REQUIRE(log.size() == 2);
  CHECK(log[0].files.size() == 8);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
}

TEST_CASE("a publish killed after its branch moved is finished by the next run without a "
          "second commit",
          "[publish][kill]") {
  Site site;
  PublishKilledAt(site.db, site.cfg, site.id, &PublishOptions::after_ref_update);

  // The commit is on the branch; the files were never checked out and the draft is not marked.
  std::vector<testing::LoggedCommit> log = testing::GitLog(site.cfg.publish.repo);
  REQUIRE(log.size() == 2);
  CHECK(log[1].id == site.head);
  CHECK(log[0].message.find("Draft: " + site.id + "\n") != std::string::npos);
  CHECK_FALSE(testing::DirtyPaths(site.cfg.publish.repo).empty());
  sessions::Store store = sessions::Store::Open(site.db);
  CHECK(store.GetDraft(site.id)->status == sessions::DraftStatus::kApproved);

  Result<PublishOutcome> again = PublishDraft(store, site.cfg, site.id);
  REQUIRE(again.ok());
  CHECK(again.value().adopted);
  CHECK(again.value().committed);
  CHECK(again.value().commit == log[0].id);
  CHECK(DescribeOutcome(again.value()).find("an interrupted publish had made the commit") !=
        std::string::npos);
  CHECK(testing::GitLog(site.cfg.publish.repo).size() == 2);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
  CHECK(fs::exists(site.cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.html"));
  const sessions::DraftRecord draft = *store.GetDraft(site.id);
  CHECK(draft.status == sessions::DraftStatus::kPublished);
  CHECK(draft.published_commit == log[0].id);
}

TEST_CASE("an interrupted publish's commit is adopted even when another draft was published "
          "after it",
          "[publish][kill]") {
  Site site;
  PublishKilledAt(site.db, site.cfg, site.id, &PublishOptions::after_ref_update);
  const std::string interrupted = testing::GitLog(site.cfg.publish.repo).at(0).id;

  sessions::Store store = sessions::Store::Open(site.db);
  Comparison third = agent::testing::SampleComparison();
  third.subjects[1].name = "Moondream 2";
  Result<PublishOutcome> other =
      PublishDraft(store, site.cfg, testing::AddApprovedDraft(store, third));
  REQUIRE(other.ok());
  CHECK_FALSE(other.value().adopted);

  Result<PublishOutcome> again = PublishDraft(store, site.cfg, site.id);
  REQUIRE(again.ok());
  CHECK(again.value().adopted);
  CHECK(again.value().commit == interrupted);
  CHECK(testing::GitLog(site.cfg.publish.repo).size() == 3);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
}

TEST_CASE("a draft edited after an interrupted publish committed it is committed anew",
          "[publish][kill]") {
  Site site;
  PublishKilledAt(site.db, site.cfg, site.id, &PublishOptions::after_ref_update);
  const std::string interrupted = testing::GitLog(site.cfg.publish.repo).at(0).id;

  sessions::Store store = sessions::Store::Open(site.db);
  Comparison edited = agent::testing::SampleComparison();
  edited.subjects[0].summary = "An edited summary the interrupted commit does not hold.";
  edited.session = store.GetDraft(site.id)->session_id;
  store.UpdateDraftDocument(site.id, ComparisonToJson(edited), {});
  testing::Approve(store, site.id);

  Result<PublishOutcome> again = PublishDraft(store, site.cfg, site.id);
  REQUIRE(again.ok());
  CHECK_FALSE(again.value().adopted);
  std::vector<testing::LoggedCommit> log = testing::GitLog(site.cfg.publish.repo);
  REQUIRE(log.size() == 3);
  CHECK(log[1].id == interrupted);
  CHECK(again.value().commit == log[0].id);
  CHECK(intern::testing::ReadFile(site.cfg.publish.repo /
                                  "comparisons/gemma-3n-vs-smolvlm2.json")
            .find("An edited summary") != std::string::npos);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
}

TEST_CASE("a stale git lock file an interrupted publish left is removed and named",
          "[publish][kill]") {
  Site site;
  const fs::path git = site.cfg.publish.repo / ".git";
  Touch(git / "index.lock", kStaleGitLockAge + std::chrono::seconds(5));
  Touch(git / "refs/heads/main.lock", kStaleGitLockAge + std::chrono::seconds(5));

  sessions::Store store = sessions::Store::Open(site.db);
  Result<PublishOutcome> published = PublishDraft(store, site.cfg, site.id);
  REQUIRE(published.ok());
  CHECK(published.value().removed_locks.size() == 2);
  CHECK_FALSE(fs::exists(git / "index.lock"));
  CHECK_FALSE(fs::exists(git / "refs/heads/main.lock"));
  const std::string said = DescribeOutcome(published.value());
  CHECK(said.find("Removed the stale lock file " + (git / "index.lock").string()) !=
        std::string::npos);
  CHECK(testing::GitLog(site.cfg.publish.repo).size() == 2);
  CHECK(testing::DirtyPaths(site.cfg.publish.repo).empty());
}

TEST_CASE("a young git lock file is left alone and the failure says how to clear it",
          "[publish][kill]") {
  Site site;
  const fs::path lock = site.cfg.publish.repo / ".git" / "refs" / "heads" / "main.lock";
  Touch(lock, std::chrono::seconds(0));

  sessions::Store store = sessions::Store::Open(site.db);
  Result<PublishOutcome> refused = PublishDraft(store, site.cfg, site.id);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("main.lock") != std::string::npos);
  CHECK(refused.message().find("delete it and run the command again") != std::string::npos);
  CHECK(refused.message().find(fmt::format("{} seconds old", kStaleGitLockAge.count())) !=
        std::string::npos);
  CHECK(fs::exists(lock));
  CHECK(testing::GitLog(site.cfg.publish.repo).at(0).id == site.head);
  CHECK(store.GetDraft(site.id)->status == sessions::DraftStatus::kApproved);

  fs::remove(lock);
  CHECK(PublishDraft(store, site.cfg, site.id).ok());
}

TEST_CASE("a publish waits while another intern holds the site repository",
          "[publish]") {
  Site site;
  // Another process holds intern's lock for a while, as a publish in flight would.
  const fs::path held = site.cfg.publish.repo / ".git" / "intern.lock";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t holder = ::fork();
  REQUIRE(holder >= 0);
  if (holder == 0) {
    int fd = ::open(held.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(3);
    char one = 1;
    if (::write(ready[1], &one, 1) != 1) ::_exit(3);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    ::_exit(0);  // the kernel drops the lock with the process
  }
  ::close(ready[1]);
  char got = 0;
  REQUIRE(::read(ready[0], &got, 1) == 1);
  ::close(ready[0]);

  const auto start = std::chrono::steady_clock::now();
  sessions::Store store = sessions::Store::Open(site.db);
  Result<PublishOutcome> published = PublishDraft(store, site.cfg, site.id);
  const auto waited = std::chrono::steady_clock::now() - start;
  int status = 0;
  REQUIRE(::waitpid(holder, &status, 0) == holder);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(published.ok());
  // It started only once the holder had let go (the holder slept 800 ms after locking).
  CHECK(waited >= std::chrono::milliseconds(500));
  CHECK(testing::GitLog(site.cfg.publish.repo).size() == 2);
}

}  // namespace
}  // namespace intern::agent::publish
