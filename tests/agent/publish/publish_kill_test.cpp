// A publish killed (SIGKILL, no chance to clean up) after the commit's objects are written and
// before the branch moves: the site repository must read as before — same HEAD, clean working
// tree, no part of the comparison — and the next run must publish it whole.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "agent/publish/publish.h"
#include "config/clock.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

using intern::testing::ReadFile;
using intern::testing::TempDir;

TEST_CASE(
    "a publish killed before its branch moves leaves the site repository clean and "
    "publishable",
    "[publish][kill]") {
  TempDir dir;
  config::Config cfg = testing::SiteConfig(dir.path());
  std::filesystem::path db = dir / "intern.db";
  std::string id;
  {
    sessions::Store store = sessions::Store::Open(db);
    Comparison other = agent::testing::SampleComparison();
    other.subjects[1].name = "Phi-4 mini";
    REQUIRE(PublishDraft(store, cfg, testing::AddApprovedDraft(store, other)).ok());
    id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  }
  const std::string head = testing::GitLog(cfg.publish.repo).at(0).id;
  const std::string index_before = ReadFile(cfg.publish.repo / "index.json");

  // The child holds the write end of `alive`; the parent sees end-of-file when it dies.
  int alive[2];
  REQUIRE(::pipe(alive) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(alive[0]);
    try {
      sessions::Store store = sessions::Store::Open(db);
      PublishOptions options;
      options.before_ref_update = [] { ::raise(SIGKILL); };
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
  CHECK(WTERMSIG(status) == SIGKILL);

  CHECK(testing::GitLog(cfg.publish.repo).at(0).id == head);
  CHECK(testing::DirtyPaths(cfg.publish.repo).empty());
  CHECK(ReadFile(cfg.publish.repo / "index.json") == index_before);
  CHECK_FALSE(std::filesystem::exists(cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.md"));

  sessions::Store store = sessions::Store::Open(db);
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kApproved);
  Result<PublishOutcome> again = PublishDraft(store, cfg, id);
  REQUIRE(again.ok());
  std::vector<testing::LoggedCommit> log = testing::GitLog(cfg.publish.repo);
  REQUIRE(log.size() == 2);
  CHECK(log[0].files.size() == 8);
  CHECK(testing::DirtyPaths(cfg.publish.repo).empty());
}

}  // namespace
}  // namespace intern::agent::publish
