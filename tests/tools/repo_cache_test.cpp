#include "tools/repo/repo_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tests/tools/repo_test_support.h"
#include "tools/repo/repo_inspector.h"

namespace intern::tools {
namespace {

using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using testing::BuildDemoHistory;
using testing::OriginRepo;
using testing::TempDir;

TimePoint Now() { return TimePoint(std::chrono::seconds(testing::k20260304T1200)); }

RepoReport Inspect(const CachedRepo& entry) {
  Result<RepoReport> report = InspectRepo(entry.path(), Now(), entry.source().display_url);
  INFO((report.ok() ? "" : report.message()));
  REQUIRE(report.ok());
  return *report;
}

std::vector<std::string> TagNames(const RepoReport& r) {
  std::vector<std::string> names;
  for (const TagInfo& t : r.tags) names.push_back(t.name);
  return names;
}

// Holds a repository's cache lock the way another process would (a separate open file).
class HeldLock {
 public:
  explicit HeldLock(const std::filesystem::path& path)
      : fd_(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    REQUIRE(fd_ >= 0);
    REQUIRE(flock(fd_, LOCK_EX | LOCK_NB) == 0);
  }
  ~HeldLock() { close(fd_); }

 private:
  int fd_;
};

TEST_CASE("syncing a file URL clones it into a bare cache entry that follows the default branch") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  INFO((entry.ok() ? "" : entry.message()));
  REQUIRE(entry.ok());
  CHECK(entry->cloned());
  CHECK(entry->stale_reason().empty());
  CHECK(entry->source().display_url == origin.file_url());
  CHECK(entry->path() == dir.path() / "cache" / (entry->source().cache_key + ".git"));
  CHECK(std::filesystem::exists(entry->path() / "HEAD"));
  CHECK_FALSE(std::filesystem::exists(entry->path() / "index"));  // bare: no working tree
  CHECK_FALSE(std::filesystem::exists(entry->path().string() + ".tmp"));
  RepoReport r = Inspect(*entry);
  CHECK(r.default_branch == "main");
  CHECK(r.head_commit == ids.c7);
  CHECK(r.commits_total == 7);
  CHECK(TagNames(r) == std::vector<std::string>{"v0.1", "v0.2", "v1.0"});
  CHECK(r.licence_spdx == "MIT");
}

TEST_CASE("syncing again fetches new commits and tags and prunes deleted tags") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  std::filesystem::path first_path;
  {
    Result<CachedRepo> entry = cache.Sync(origin.path().string());
    REQUIRE(entry.ok());
    first_path = entry->path();
  }

  origin.SetFile("CHANGES.md", "1.1: faster\n");
  std::string c8 = origin.Commit(testing::kBob, testing::k20260304T1100 + 60, "changelog");
  origin.AnnotatedTag("v1.1", c8, testing::kBob, testing::k20260304T1100 + 120);
  {
    git::LibGit2 libgit2;
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, origin.path().c_str()) == 0);
    git::Repository repo(raw);
    REQUIRE(git_tag_delete(repo.get(), "v0.1") == 0);
  }

  Result<CachedRepo> entry = cache.Sync(origin.path().string());
  INFO((entry.ok() ? "" : entry.message()));
  REQUIRE(entry.ok());
  CHECK_FALSE(entry->cloned());
  CHECK(entry->stale_reason() == "");
  CHECK(entry->path() == first_path);
  RepoReport r = Inspect(*entry);
  CHECK(r.head_commit == c8);
  CHECK(r.commits_total == 8);
  CHECK(r.weekly[51] == 3);
  CHECK(r.contributors_last_year == 3);
  CHECK(TagNames(r) == std::vector<std::string>{"v0.2", "v1.0", "v1.1"});
}

TEST_CASE("a cache entry follows the remote's HEAD even when it is not main") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  {
    git::LibGit2 libgit2;
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, origin.path().c_str()) == 0);
    git::Repository repo(raw);
    git_oid oid;
    REQUIRE(git_oid_fromstr(&oid, ids.c2.c_str()) == 0);
    git_commit* raw_commit = nullptr;
    REQUIRE(git_commit_lookup(&raw_commit, repo.get(), &oid) == 0);
    git::Commit commit(raw_commit);
    git_reference* raw_ref = nullptr;
    REQUIRE(git_branch_create(&raw_ref, repo.get(), "stable", commit.get(), 0) == 0);
    git::Reference ref(raw_ref);
    REQUIRE(git_repository_set_head(repo.get(), "refs/heads/stable") == 0);
  }
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE(entry.ok());
  RepoReport r = Inspect(*entry);
  CHECK(r.default_branch == "stable");
  CHECK(r.head_commit == ids.c2);
  CHECK(r.commits_total == 2);
}

TEST_CASE("an empty origin clones, and inspecting it says there is nothing to inspect") {
  TempDir dir;
  OriginRepo origin(dir.path() / "empty.git");
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE(entry.ok());
  Result<RepoReport> report = InspectRepo(entry->path(), Now(), origin.file_url());
  REQUIRE_FALSE(report.ok());
  CHECK(report.message() == origin.file_url() +
                                " has no commits yet, so there is nothing to inspect: try again "
                                "once something has been pushed.");
}

TEST_CASE("a local path that does not exist or is no repository is rejected before any clone") {
  TempDir dir;
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  std::string missing = (dir.path() / "missing").string();
  Result<CachedRepo> a = cache.Sync(missing);
  REQUIRE_FALSE(a.ok());
  CHECK(a.code() == ErrorCode::kInvalidArgument);
  CHECK(a.message() == "repo \"" + missing +
                           "\" does not exist: pass the path of an existing git repository or a "
                           "clone URL.");

  std::filesystem::create_directories(dir.path() / "plain");
  std::string plain = "file://" + (dir.path() / "plain").string();
  Result<CachedRepo> b = cache.Sync(plain);
  REQUIRE_FALSE(b.ok());
  CHECK(b.code() == ErrorCode::kInvalidArgument);
  CHECK(b.message() == "repo \"" + plain +
                           "\" is not a git repository: pass the path of a repository (the "
                           "folder holding .git) or a clone URL.");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "cache"));
}

TEST_CASE("a repository with a working tree can be named by its folder") {
  TempDir dir;
  OriginRepo origin(dir.path() / "work", /*bare=*/false);
  origin.SetFile("Cargo.toml", "[package]\nname = \"demo\"\n");
  std::string c1 = origin.Commit(testing::kAda, testing::k20260304T1100, "one");
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync((dir.path() / "work").string());
  REQUIRE(entry.ok());
  RepoReport r = Inspect(*entry);
  CHECK(r.head_commit == c1);
  CHECK(r.build_files == std::vector<std::string>{"Cargo.toml"});
}

TEST_CASE("when a fetch fails, the older copy is returned with the reason it is stale") {
  TempDir dir;
  auto origin = std::make_unique<OriginRepo>(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(*origin);
  RepoSource source;  // a "remote" that libgit2 reaches through the filesystem
  source.kind = RepoSource::Kind::kRemote;
  source.input = source.fetch_url = origin->path().string();
  source.display_url = "https://example.invalid/demo";
  source.cache_key = "demo";
  RepoCacheOptions options;
  options.probe_remote = false;
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", options, clock);
  REQUIRE(cache.Sync(source).ok());
  origin.reset();
  std::filesystem::remove_all(dir.path() / "origin.git");

  Result<CachedRepo> entry = cache.Sync(source);
  REQUIRE(entry.ok());
  CHECK_FALSE(entry->cloned());
  CHECK_THAT(entry->stale_reason(),
             StartsWith("fetching https://example.invalid/demo failed: ") &&
                 EndsWith("; check that the URL names a git repository you can read."));
  CHECK(Inspect(*entry).head_commit == ids.c7);
}

TEST_CASE("an unreachable host fails at once with a sentence naming the fix, leaving no entry") {
  TempDir dir;
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  auto started = std::chrono::steady_clock::now();

  Result<CachedRepo> entry = cache.Sync("https://127.0.0.1:1/x.git");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kConnection);
  CHECK(entry.message() ==
        "cloning https://127.0.0.1:1/x.git failed: cannot connect to 127.0.0.1:1 (Connection "
        "refused); check the URL, or the network if the host should be reachable.");
  std::vector<std::filesystem::path> left;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "cache")) {
    if (e.path().extension() != ".lock") left.push_back(e.path());
  }
  CHECK(left.empty());
}

TEST_CASE("without the probe, libgit2's own connection failure is reported with the fix") {
  TempDir dir;
  FakeClock clock;
  RepoCacheOptions options;
  options.probe_remote = false;
  RepoCache cache(dir.path() / "cache", options, clock);

  Result<CachedRepo> entry = cache.Sync("http://127.0.0.1:1/x.git");
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kConnection);
  CHECK_THAT(entry.message(),
             StartsWith("cloning http://127.0.0.1:1/x.git failed: ") &&
                 EndsWith("; check that the URL names a git repository you can read."));
  CHECK_FALSE(std::filesystem::exists(
      dir.path() / "cache" /
      (ParseRepoSource("http://127.0.0.1:1/x.git")->cache_key + ".git.tmp")));
}

TEST_CASE("a clone past its fetch timeout is stopped and leaves no entry") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCacheOptions options;
  options.fetch_timeout = std::chrono::milliseconds(0);
  RepoCache cache(dir.path() / "cache", options, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kTimeout);
  CHECK(entry.message() == "cloning " + origin.file_url() +
                               " was stopped after 0 s (the fetch timeout): retry later, or "
                               "raise the timeout for a repository this large.");
  std::string key = ParseRepoSource(origin.file_url())->cache_key;
  CHECK_FALSE(std::filesystem::exists(dir.path() / "cache" / (key + ".git")));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "cache" / (key + ".git.tmp")));
}

TEST_CASE("a clone that grows past the size cap is stopped") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCacheOptions options;
  options.max_fetch_bytes = 0;
  RepoCache cache(dir.path() / "cache", options, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kTooLarge);
  CHECK(entry.message() == "cloning " + origin.file_url() +
                               " was stopped after 0 MiB (the size cap): inspect a smaller "
                               "repository or raise the cap.");
}

TEST_CASE("a clone whose caller cancels is stopped") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  std::atomic<bool> cancel{true};

  Result<CachedRepo> entry = cache.Sync(origin.file_url(), &cancel);
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kCancelled);
  CHECK(entry.message() == "cloning " + origin.file_url() + " was cancelled.");
}

TEST_CASE("a sync waits for another holder of the repository's lock until the lock timeout") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCacheOptions options;
  options.lock_timeout = std::chrono::milliseconds(200);
  RepoCache cache(dir.path() / "cache", options, clock);
  std::filesystem::create_directories(dir.path() / "cache");
  std::string key = ParseRepoSource(origin.file_url())->cache_key;
  HeldLock other(dir.path() / "cache" / (key + ".lock"));

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kTimeout);
  CHECK(entry.message() == "another inspection of " + origin.file_url() +
                               " held its cache lock for more than 0 s: retry later.");
  CHECK(clock.sleeps() == std::vector<Clock::Duration>(4, Clock::Duration(50)));
}

TEST_CASE("a sync waiting for the lock stops when its caller cancels") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  std::filesystem::create_directories(dir.path() / "cache");
  std::string key = ParseRepoSource(origin.file_url())->cache_key;
  HeldLock other(dir.path() / "cache" / (key + ".lock"));
  std::atomic<bool> cancel{true};

  Result<CachedRepo> entry = cache.Sync(origin.file_url(), &cancel);
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kCancelled);
  CHECK(entry.message() ==
        "syncing " + origin.file_url() + " was cancelled while waiting for the cache lock.");
}

TEST_CASE("a CachedRepo holds the lock until it is destroyed") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  FakeClock clock;
  RepoCacheOptions options;
  options.lock_timeout = std::chrono::milliseconds(0);
  RepoCache cache(dir.path() / "cache", options, clock);
  {
    Result<CachedRepo> held = cache.Sync(origin.file_url());
    REQUIRE(held.ok());
    CachedRepo moved = std::move(*held);  // the lock moves with it
    Result<CachedRepo> blocked = cache.Sync(origin.file_url());
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.code() == ErrorCode::kTimeout);
  }
  CHECK(cache.Sync(origin.file_url()).ok());
}

TEST_CASE("two threads syncing the same repository at once both get a complete copy") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  RepoCache cache(dir.path() / "cache", {}, SystemClock::Instance());
  std::string heads[2];
  bool cloned[2] = {false, false};
  auto run = [&](int i) {
    Result<CachedRepo> entry = cache.Sync(origin.file_url());
    if (!entry.ok()) return;
    cloned[i] = entry->cloned();
    Result<RepoReport> r = InspectRepo(entry->path(), Now(), "demo");
    if (r.ok()) heads[i] = r->head_commit;
  };
  std::thread a(run, 0);
  std::thread b(run, 1);
  a.join();
  b.join();
  CHECK(heads[0] == ids.c7);
  CHECK(heads[1] == ids.c7);
  CHECK(cloned[0] != cloned[1]);  // one cloned, the other fetched
}

TEST_CASE("a clone left half-done by a killed process is redone from scratch") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  std::string key = ParseRepoSource(origin.file_url())->cache_key;
  std::filesystem::create_directories(dir.path() / "cache" / (key + ".git.tmp") / "junk");
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE(entry.ok());
  CHECK(entry->cloned());
  CHECK_FALSE(std::filesystem::exists(entry->path() / "junk"));
  CHECK(Inspect(*entry).head_commit == ids.c7);
}

TEST_CASE("a damaged cache entry is replaced by a fresh clone") {
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  testing::DemoIds ids = BuildDemoHistory(origin);
  std::string key = ParseRepoSource(origin.file_url())->cache_key;
  std::filesystem::path damaged = dir.path() / "cache" / (key + ".git");
  std::filesystem::create_directories(damaged);
  std::ofstream(damaged / "HEAD") << "garbage\n";
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);

  Result<CachedRepo> entry = cache.Sync(origin.file_url());
  REQUIRE(entry.ok());
  CHECK(entry->cloned());
  CHECK(Inspect(*entry).head_commit == ids.c7);
}

TEST_CASE("a local repository owned by another user is refused with the way around it") {
  if (geteuid() != 0) return;  // only root can give a file away
  TempDir dir;
  OriginRepo origin(dir.path() / "origin.git");
  BuildDemoHistory(origin);
  for (const auto& e : std::filesystem::recursive_directory_iterator(origin.path())) {
    REQUIRE(lchown(e.path().c_str(), 65534, 65534) == 0);
  }
  REQUIRE(lchown(origin.path().c_str(), 65534, 65534) == 0);
  FakeClock clock;
  RepoCache cache(dir.path() / "cache", {}, clock);
  Result<CachedRepo> entry = cache.Sync(origin.path().string());
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.code() == ErrorCode::kForbidden);
  CHECK(entry.message() == "repo \"" + origin.path().string() +
                               "\" belongs to another user, so libgit2 refuses to read it: pass "
                               "its clone URL, or add the path to git's safe.directory.");
}

}  // namespace
}  // namespace intern::tools
