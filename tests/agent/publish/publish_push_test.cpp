// `intern publish --push`: the site branch goes to a bare repository on disk (the remote), and
// what arrives there is read back with libgit2 and with git itself.

#include <catch2/catch.hpp>
#include <cstdio>

#include "agent/publish/publish.h"
#include "config/clock.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

using agent::testing::SampleComparison;
using intern::testing::TempDir;
using testing::AddApprovedDraft;
using testing::GitLog;
using testing::SiteConfig;

const std::vector<std::string> kSiteFiles = {
    "comparisons/gemma-3n-vs-smolvlm2.html", "comparisons/gemma-3n-vs-smolvlm2.json",
    "comparisons/gemma-3n-vs-smolvlm2.md", "index.html", "index.json"};

PublishOptions Options(const Clock& clock) {
  PublishOptions o;
  o.clock = &clock;
  return o;
}

std::filesystem::path BareRemote(const intern::testing::TempDir& dir, const std::string& name) {
  std::filesystem::path bare = dir / name;
  tools::git::LibGit2 libgit2;
  git_repository* raw = nullptr;
  REQUIRE(git_repository_init(&raw, bare.c_str(), 1) == 0);
  git_repository_free(raw);
  return bare;
}

std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

TEST_CASE("git log in the pushed-to bare remote reads the author and the trailers", "[publish]") {
  REQUIRE(std::filesystem::exists("/usr/bin/git"));  // scripts/setup installs git
  intern::testing::TempDir dir;
  config::Config cfg = testing::SiteConfig(dir.path());
  cfg.publish.remote = BareRemote(dir, "remote.git").string();
  cfg.publish.author_email = "ada@example.org";
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  PublishOptions options;
  options.push = true;
  REQUIRE(PublishDraft(store, cfg, id, options).ok());
  std::string session = store.GetDraft(id)->session_id;

  std::string log = Capture("git -c safe.directory='*' -C " + cfg.publish.remote +
                            " log --format='%an <%ae> / %cn%n%s%n%(trailers:only,unfold)' main "
                            "2>&1");
  CHECK(log ==
        "Ada Reviewer <ada@example.org> / intern\nPublish Gemma 3n vs SmolVLM2\n"
        "Approved-by: Ada Reviewer\nDraft: " +
            id + "\nSession: " + session + "\n\n");
}

TEST_CASE(
    "publish --push sends the branch to a local bare remote whose log shows trailers and "
    "author",
    "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  cfg.publish.author_email = "ada@example.org";
  std::filesystem::path bare = dir / "remote.git";
  {
    tools::git::LibGit2 libgit2;
    git_repository* raw = nullptr;
    REQUIRE(git_repository_init(&raw, bare.c_str(), 1) == 0);
    git_repository_free(raw);
  }
  cfg.publish.remote = bare.string();
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddApprovedDraft(store, SampleComparison());
  FakeClock clock;
  PublishOptions options = Options(clock);
  options.push = true;

  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, options);
  REQUIRE(outcome.ok());
  CHECK(outcome.value().pushed);
  CHECK(outcome.value().remote == bare.string());

  std::vector<testing::LoggedCommit> remote_log = GitLog(bare);
  REQUIRE(remote_log.size() == 1);
  CHECK(remote_log[0].id == outcome.value().commit);
  CHECK(remote_log[0].author_name == "Ada Reviewer");
  CHECK(remote_log[0].author_email == "ada@example.org");
  CHECK(remote_log[0].message.find("\n\nApproved-by: Ada Reviewer\nDraft: " + id + "\nSession: ") !=
        std::string::npos);
  CHECK(remote_log[0].files == kSiteFiles);
}

TEST_CASE("publish --push without publish.remote says to set it, after committing", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddApprovedDraft(store, SampleComparison());
  FakeClock clock;
  PublishOptions options = Options(clock);
  options.push = true;
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, options);
  REQUIRE_FALSE(outcome.ok());
  std::string commit = store.GetDraft(id)->published_commit;
  CHECK(outcome.message() ==
        "draft " + id + " is published as commit " + commit.substr(0, 12) + " in " +
            cfg.publish.repo.string() +
            ", but the push failed (publish.remote is not set; set it to the URL or path the site "
            "is pushed to (`intern -c publish.remote=URL publish ID --push`)); `intern publish " +
            id + " --push` pushes it again");
}

TEST_CASE("publish --push of an already published draft pushes the site without a new commit",
          "[publish]") {
  intern::testing::TempDir dir;
  config::Config cfg = testing::SiteConfig(dir.path());
  cfg.publish.remote = BareRemote(dir, "remote.git").string();
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  Result<PublishOutcome> first = PublishDraft(store, cfg, id);
  REQUIRE(first.ok());
  CHECK(testing::GitLog(cfg.publish.remote).empty());

  PublishOptions push;
  push.push = true;
  Result<PublishOutcome> pushed = PublishDraft(store, cfg, id, push);
  REQUIRE(pushed.ok());
  CHECK_FALSE(pushed.value().committed);
  CHECK(pushed.value().pushed);
  CHECK(pushed.value().commit == first.value().commit);
  std::vector<testing::LoggedCommit> remote_log = testing::GitLog(cfg.publish.remote);
  REQUIRE(remote_log.size() == 1);
  CHECK(remote_log[0].id == first.value().commit);
  CHECK(testing::GitLog(cfg.publish.repo).size() == 1);
}

TEST_CASE("a push the remote refuses as not a fast-forward fails after the local commit",
          "[publish]") {
  intern::testing::TempDir dir;
  std::string remote = BareRemote(dir, "remote.git").string();
  sessions::Store store = sessions::Store::OpenInMemory();
  PublishOptions push;
  push.push = true;
  // Another site repository got there first.
  config::Config elsewhere = testing::SiteConfig(dir / "elsewhere");
  elsewhere.publish.remote = remote;
  Comparison other = agent::testing::SampleComparison();
  other.subjects[1].name = "Phi-4 mini";
  REQUIRE(PublishDraft(store, elsewhere, testing::AddApprovedDraft(store, other), push).ok());

  config::Config cfg = testing::SiteConfig(dir.path());
  cfg.publish.remote = remote;
  std::string id = testing::AddApprovedDraft(store, agent::testing::SampleComparison());
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, push);
  REQUIRE_FALSE(outcome.ok());
  std::string commit = store.GetDraft(id)->published_commit;
  INFO(outcome.message());
  CHECK(outcome.message().rfind("draft " + id + " is published as commit " + commit.substr(0, 12) +
                                    " in " + cfg.publish.repo.string() +
                                    ", but the push failed (pushing main to " + remote,
                                0) == 0);
  CHECK(testing::GitLog(remote).size() == 1);
  CHECK(testing::GitLog(remote).at(0).id != commit);
}

}  // namespace
}  // namespace intern::agent::publish
