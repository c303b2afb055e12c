#include "agent/publish/publish.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "agent/publish/site_index.h"
#include "config/clock.h"
#include "tests/agent/publish/publish_fixture.h"
#include "tests/config/temp_dir.h"

namespace intern::agent::publish {
namespace {

using agent::testing::SampleComparison;
using intern::testing::ReadFile;
using intern::testing::TempDir;
using testing::AddApprovedDraft;
using testing::AddDraft;
using testing::Approve;
using testing::DirtyPaths;
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

TEST_CASE(
    "publishing an approved draft commits its pages with the reviewer as author and the "
    "trailers",
    "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddApprovedDraft(store, SampleComparison());
  FakeClock clock;

  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, Options(clock));
  REQUIRE(outcome.ok());
  CHECK(outcome.value().committed);
  CHECK(outcome.value().slug == "gemma-3n-vs-smolvlm2");

  std::vector<testing::LoggedCommit> log = GitLog(cfg.publish.repo);
  REQUIRE(log.size() == 1);
  const std::string session = store.GetDraft(id)->session_id;
  CHECK(log[0].message == "Publish Gemma 3n vs SmolVLM2\n\nApproved-by: Ada Reviewer\nDraft: " +
                              id + "\nSession: " + session + "\n");
  CHECK(log[0].author_name == "Ada Reviewer");
  CHECK(log[0].author_email == "ada-reviewer@users.noreply.intern");
  CHECK(log[0].committer_name == "intern");
  CHECK(log[0].committer_email == "intern@users.noreply.intern");
  CHECK(log[0].files == kSiteFiles);
  CHECK(log[0].id == outcome.value().commit);

  // The working tree matches the commit, and the store knows the commit.
  CHECK(DirtyPaths(cfg.publish.repo).empty());
  std::string md = ReadFile(cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.md");
  CHECK(md.rfind("# Gemma 3n vs SmolVLM2\n", 0) == 0);
  std::optional<sessions::DraftRecord> draft = store.GetDraft(id);
  CHECK(draft->status == sessions::DraftStatus::kPublished);
  CHECK(draft->published_commit == outcome.value().commit);

  // The trailers read back as git trailers.
  git_message_trailer_array trailers;
  REQUIRE(git_message_trailers(&trailers, log[0].message.c_str()) == 0);
  REQUIRE(trailers.count == 3);
  CHECK(std::string(trailers.trailers[0].key) == "Approved-by");
  CHECK(std::string(trailers.trailers[0].value) == "Ada Reviewer");
  CHECK(std::string(trailers.trailers[1].key) == "Draft");
  CHECK(std::string(trailers.trailers[1].value) == id);
  CHECK(std::string(trailers.trailers[2].key) == "Session");
  CHECK(std::string(trailers.trailers[2].value) == session);
  git_message_trailer_array_free(&trailers);
}

TEST_CASE("a draft that was never approved is refused in one sentence and no site is created",
          "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddDraft(store, SampleComparison());
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.code() == ErrorCode::kForbidden);
  CHECK(outcome.message() == "draft " + id +
                                 " is not approved, so it was not published; approve it with "
                                 "`intern review " +
                                 id + "` first");
  CHECK_FALSE(std::filesystem::exists(cfg.publish.repo));
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kPendingReview);
}

TEST_CASE("a rejected draft is refused as not approved", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddDraft(store, SampleComparison());
  store.RecordDecision(id, sessions::ApprovalDecision::kReject, "Ada Reviewer", "thin evidence",
                       store.GetDraft(id)->sha256);
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.message().rfind("draft " + id + " is not approved, so it was not published", 0) ==
        0);
  CHECK_FALSE(std::filesystem::exists(cfg.publish.repo));
}

TEST_CASE("a draft edited after its approval is refused and the site HEAD does not move",
          "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  // An earlier publish, so there is a HEAD to keep.
  Comparison other = SampleComparison();
  other.subjects[1].name = "Phi-4 mini";
  REQUIRE(PublishDraft(store, cfg, AddApprovedDraft(store, other), Options(clock)).ok());
  const std::string head = GitLog(cfg.publish.repo).at(0).id;

  std::string id = AddApprovedDraft(store, SampleComparison());
  Comparison edited = SampleComparison();
  edited.subjects[0].summary = "Edited after the approval.";
  store.UpdateDraftDocument(id, ComparisonToJson(edited), {});

  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, Options(clock));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.message() == "draft " + id +
                                 " changed after Ada Reviewer approved it, so it was not "
                                 "published; review it again with `intern review " +
                                 id + "`");
  std::vector<testing::LoggedCommit> log = GitLog(cfg.publish.repo);
  REQUIRE(log.size() == 1);
  CHECK(log[0].id == head);
  CHECK(DirtyPaths(cfg.publish.repo).empty());
}

TEST_CASE("a draft whose stored document was changed by raw SQL after approval is refused",
          "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  std::filesystem::path db_path = dir / "intern.db";
  std::string id;
  FakeClock clock;
  {
    sessions::Store store = sessions::Store::Open(db_path);
    Comparison other = SampleComparison();
    other.subjects[1].name = "Phi-4 mini";
    REQUIRE(PublishDraft(store, cfg, AddApprovedDraft(store, other), Options(clock)).ok());
    id = AddApprovedDraft(store, SampleComparison());
  }
  const std::string head = GitLog(cfg.publish.repo).at(0).id;
  {
    // Behind the store's back: the document changes, its sha256 column and status do not.
    SQLite::Database db(db_path.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db, "UPDATE drafts SET document = replace(document, ?, ?) WHERE id = ?");
    q.bind(1, "Four lines to a first answer.");
    q.bind(2, "<script>alert(1)</script> Buy now.");
    q.bind(3, id);
    REQUIRE(q.exec() == 1);
  }
  sessions::Store store = sessions::Store::Open(db_path);
  REQUIRE(store.GetDraft(id)->status == sessions::DraftStatus::kApproved);
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id, Options(clock));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.code() == ErrorCode::kForbidden);
  CHECK(outcome.message() == "draft " + id +
                                 " changed after Ada Reviewer approved it, so it was not "
                                 "published; review it again with `intern review " +
                                 id + "`");
  CHECK(GitLog(cfg.publish.repo).at(0).id == head);
  CHECK(DirtyPaths(cfg.publish.repo).empty());
}

TEST_CASE("a one-sided draft approved without an override reason is refused", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  Comparison c = SampleComparison();
  c.flags.one_sided = true;
  std::string id = AddApprovedDraft(store, c);
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.message() ==
        "draft " + id +
            " is one-sided and its approval gives no override reason, so it was not published; "
            "approve it again with `intern review " +
            id + " --approve --override \"why it is fair\"`");
  CHECK_FALSE(std::filesystem::exists(cfg.publish.repo));

  std::string with_reason = AddDraft(store, c);
  Approve(store, with_reason, "Ada Reviewer", "fine\nOverride: the second tool has no docs yet");
  CHECK(PublishDraft(store, cfg, with_reason).ok());
}

TEST_CASE("re-publishing the same pair replaces its files in a new commit", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  std::string first = AddApprovedDraft(store, SampleComparison());
  REQUIRE(PublishDraft(store, cfg, first, Options(clock)).ok());

  clock.Advance(std::chrono::hours(24));
  Comparison rerun = SampleComparison();
  rerun.subjects[0].summary = "Rerun: a newer summary.";
  std::string second = AddApprovedDraft(store, rerun, "Grace Reviewer");
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, second, Options(clock));
  REQUIRE(outcome.ok());

  std::vector<testing::LoggedCommit> log = GitLog(cfg.publish.repo);
  REQUIRE(log.size() == 2);
  CHECK(log[0].author_name == "Grace Reviewer");
  CHECK(log[0].files == kSiteFiles);
  std::string md = ReadFile(cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.md");
  CHECK(md.find("Rerun: a newer summary.") != std::string::npos);
  std::vector<IndexEntry> index = ParseSiteIndex(ReadFile(cfg.publish.repo / "index.json"));
  REQUIRE(index.size() == 1);
  CHECK(index[0].draft_id == second);
  CHECK(index[0].approved_by == "Grace Reviewer");
  CHECK(index[0].published_at == "2026-01-02T00:00:00.000Z");
}

TEST_CASE("the site index lists published comparisons newest first", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  for (const char* name : {"Phi-4 mini", "Qwen3 1.7B", "Llama 3.2 1B"}) {
    Comparison c = SampleComparison();
    c.subjects[1].name = name;
    c.title = "Gemma 3n vs " + std::string(name);
    REQUIRE(PublishDraft(store, cfg, AddApprovedDraft(store, c), Options(clock)).ok());
    clock.Advance(std::chrono::minutes(5));
  }
  std::vector<IndexEntry> index = ParseSiteIndex(ReadFile(cfg.publish.repo / "index.json"));
  REQUIRE(index.size() == 3);
  CHECK(index[0].slug == "gemma-3n-vs-llama-3-2-1b");
  CHECK(index[1].slug == "gemma-3n-vs-qwen3-1-7b");
  CHECK(index[2].slug == "gemma-3n-vs-phi-4-mini");
  std::string html = ReadFile(cfg.publish.repo / "index.html");
  size_t llama = html.find("comparisons/gemma-3n-vs-llama-3-2-1b.html");
  size_t qwen = html.find("comparisons/gemma-3n-vs-qwen3-1-7b.html");
  size_t phi = html.find("comparisons/gemma-3n-vs-phi-4-mini.html");
  REQUIRE(phi != std::string::npos);
  CHECK(llama < qwen);
  CHECK(qwen < phi);
  CHECK(GitLog(cfg.publish.repo).size() == 3);
}

TEST_CASE("a publish stopped before the branch moves leaves the site repository as it was",
          "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  Comparison other = SampleComparison();
  other.subjects[1].name = "Phi-4 mini";
  REQUIRE(PublishDraft(store, cfg, AddApprovedDraft(store, other), Options(clock)).ok());
  const std::string head = GitLog(cfg.publish.repo).at(0).id;
  const std::string index_before = ReadFile(cfg.publish.repo / "index.json");

  std::string id = AddApprovedDraft(store, SampleComparison());
  PublishOptions stopping = Options(clock);
  stopping.before_ref_update = [] { throw std::runtime_error("killed"); };
  CHECK_THROWS_WITH(PublishDraft(store, cfg, id, stopping), "killed");
  CHECK(GitLog(cfg.publish.repo).at(0).id == head);
  CHECK(DirtyPaths(cfg.publish.repo).empty());
  CHECK(ReadFile(cfg.publish.repo / "index.json") == index_before);
  CHECK_FALSE(std::filesystem::exists(cfg.publish.repo / "comparisons/gemma-3n-vs-smolvlm2.html"));
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kApproved);

  // The next run publishes it whole.
  REQUIRE(PublishDraft(store, cfg, id, Options(clock)).ok());
  CHECK(GitLog(cfg.publish.repo).size() == 2);
  CHECK(DirtyPaths(cfg.publish.repo).empty());
}

TEST_CASE("an already published draft is not committed again without --push", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddApprovedDraft(store, SampleComparison());
  Result<PublishOutcome> first = PublishDraft(store, cfg, id);
  REQUIRE(first.ok());
  Result<PublishOutcome> again = PublishDraft(store, cfg, id);
  REQUIRE_FALSE(again.ok());
  CHECK(again.message() == "draft " + id + " is already published (commit " +
                               first.value().commit.substr(0, 12) + "); `intern publish " + id +
                               " --push` pushes the site again");
  CHECK(GitLog(cfg.publish.repo).size() == 1);
}

TEST_CASE("a site folder that is not a git repository and not empty is refused", "[publish]") {
  TempDir dir;
  config::Config cfg = SiteConfig(dir.path());
  intern::testing::WriteFile(cfg.publish.repo / "notes.txt", "mine");
  sessions::Store store = sessions::Store::OpenInMemory();
  std::string id = AddApprovedDraft(store, SampleComparison());
  Result<PublishOutcome> outcome = PublishDraft(store, cfg, id);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.message() == cfg.publish.repo.string() +
                                 " is not a git repository and not empty; set publish.repo to a "
                                 "git repository or to a new folder");
  CHECK(store.GetDraft(id)->status == sessions::DraftStatus::kApproved);
}

TEST_CASE("the author email is configured, git's for the same name, else a noreply address",
          "[publish]") {
  CHECK(AuthorEmail("Ada", "ada@site.org", "Ada", "ada@git.org") == "ada@site.org");
  CHECK(AuthorEmail("Ada", "", "Ada", "ada@git.org") == "ada@git.org");
  CHECK(AuthorEmail("Ada Lovelace", "", "Someone Else", "se@git.org") ==
        "ada-lovelace@users.noreply.intern");
  CHECK(AuthorEmail("  <Évariste> G.  ", "", "", "") == "variste-g@users.noreply.intern");
  CHECK(AuthorEmail("!!!", "", "", "") == "reviewer@users.noreply.intern");
}

TEST_CASE("the commit message folds every value onto one line so no trailer can be forged",
          "[publish]") {
  CHECK(CommitMessage("A\nB", "C", "Eve\nApproved-by: Mallory", "d-1", "s-1") ==
        "Publish A B vs C\n\nApproved-by: Eve Approved-by: Mallory\nDraft: d-1\nSession: s-1\n");
}

TEST_CASE("push credentials come from INTERN_PUBLISH_TOKEN, GIT_USERNAME and GIT_PASSWORD",
          "[publish]") {
  PushCredentials c = PushCredentialsFromEnv(
      {{"INTERN_PUBLISH_TOKEN", "t0k"}, {"GIT_USERNAME", "bot"}, {"GIT_PASSWORD", "pw"}});
  CHECK(c.token == "t0k");
  CHECK(c.username == "bot");
  CHECK(c.password == "pw");
  CHECK(PushCredentialsFromEnv({}).token.empty());
}

TEST_CASE("the auto-publish seam publishes an approved draft and says so in one sentence",
          "[publish]") {
  intern::testing::TempDir dir;
  config::Config cfg = testing::SiteConfig(dir.path());
  sessions::Store store = sessions::Store::OpenInMemory();
  auto publisher = MakeAutoPublisher(store, cfg);
  std::string pending = testing::AddDraft(store, agent::testing::SampleComparison());
  Result<std::string> refused = publisher(pending);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.code() == ErrorCode::kForbidden);

  testing::Approve(store, pending);
  Result<std::string> said = publisher(pending);
  REQUIRE(said.ok());
  std::string commit = store.GetDraft(pending)->published_commit;
  CHECK(said.value() ==
        "Published draft " + pending + " as comparisons/gemma-3n-vs-smolvlm2.html in " +
            cfg.publish.repo.string() + " (commit " + commit.substr(0, 12) + ", main).");
}

}  // namespace
}  // namespace intern::agent::publish
