// A compare job whose worker is killed with SIGKILL mid-job is taken again after its lease
// expires and completes exactly once, with one draft.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/models.h"
#include "agent/sweep/compare_job.h"
#include "sessions/store.h"
#include "tests/agent/sweep/sweep_test_support.h"

namespace intern::agent {
namespace {

using sweep_testing::MakeConfig;

enum class DieAfter { kLease, kDraft };

// The doomed worker: leases the job with the system clock (60 s), optionally gets as far as
// storing a draft, tells the parent through `ready`, and waits to be killed.
[[noreturn]] void DoomedWorker(const std::filesystem::path& path, DieAfter when, int ready) {
  try {
    sessions::Store store = sessions::Store::Open(path);
    auto job = store.LeaseNextJob("doomed", std::chrono::seconds(60));
    if (!job) _exit(2);
    if (when == DieAfter::kDraft) {
      sessions::Session seed;
      seed.kind = "compare";
      seed.title = "Gemma 3n vs SmolVLM2";
      seed.subjects = R"(["Gemma 3n","SmolVLM2"])";
      sessions::Session session = store.CreateSession(seed);
      if (!store.SetJobSession(job->id, "doomed", session.id).ok()) _exit(3);
      sessions::DraftRecord draft;
      draft.session_id = session.id;
      draft.title = seed.title;
      store.CreateDraft(draft);
    }
    char byte = 'r';
    if (::write(ready, &byte, 1) != 1) _exit(4);
    while (true) ::pause();
  } catch (...) {
  }
  _exit(1);  // never run the test framework's exit path in the child
}

void RunAndKill(const std::filesystem::path& path, DieAfter when) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    DoomedWorker(path, when, fds[1]);
  }
  ::close(fds[1]);
  pollfd p{fds[0], POLLIN, 0};
  const bool ready = ::poll(&p, 1, 10'000) == 1;
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(fds[0]);
  REQUIRE(ready);
  CHECK(WIFSIGNALED(status));
}

void CheckRetriedOnce(DieAfter when) {
  testing::TempDir home;
  config::Config cfg = MakeConfig(
      home.path(), {"github.api_url=http://127.0.0.1:1", "hub.url=http://127.0.0.1:1"});
  const auto path = config::StorePath(cfg);
  std::int64_t id = 0;
  {
    sessions::Store store = sessions::Store::Open(path);
    sessions::JobRecord job;
    job.kind = "compare";
    job.payload = ComparePayload("gemma-3n", "smolvlm2", "sweep-test");
    job.dedup_key = "compare:gemma-3n|smolvlm2";
    id = store.EnqueueJob(job);
  }
  RunAndKill(path, when);

  // Before the lease runs out nobody may take the job.
  FakeClock clock(std::chrono::system_clock::now() + std::chrono::seconds(30));
  sessions::Store store = sessions::Store::Open(path, {&clock});
  const ModelCatalog models = ModelCatalog::Embedded();
  CompareJobServices services{cfg, store, clock, models, ToolboxOptions{}, nullptr};
  JobHandler handler = MakeCompareJobHandler(services);
  JobWorkerOptions options;
  options.owner = "survivor";
  JobRunReport early = RunQueuedJobs(store, handler, options);
  CHECK(early.done == 0);
  CHECK(store.GetJob(id)->status == sessions::JobStatus::kLeased);

  clock.Advance(std::chrono::seconds(60));  // the doomed worker's lease has expired
  JobRunReport report = RunQueuedJobs(store, handler, options);
  CHECK(report.done == 1);
  CHECK(report.failed == 0);
  sessions::JobRecord job = *store.GetJob(id);
  CHECK(job.status == sessions::JobStatus::kDone);
  CHECK(job.attempts == 2);
  std::vector<sessions::DraftRecord> drafts = store.ListDrafts();
  REQUIRE(drafts.size() == 1);
  nlohmann::json result = nlohmann::json::parse(job.result);
  CHECK(result["draft"] == drafts[0].id);
  CHECK(result.contains("reused") == (when == DieAfter::kDraft));
  // And it is not run again.
  CHECK(RunQueuedJobs(store, handler, options).done == 0);
  CHECK(store.ListDrafts().size() == 1);
}

TEST_CASE("a worker killed mid-job: the job is retried after its lease and completes once",
          "[sweep]") {
  CheckRetriedOnce(DieAfter::kLease);
}

TEST_CASE("a worker killed after storing its draft: the retry completes with that draft, no second",
          "[sweep]") {
  CheckRetriedOnce(DieAfter::kDraft);
}

TEST_CASE("a compare job stopped by SIGTERM is given back to the queue, not failed", "[sweep]") {
  testing::TempDir home;
  config::Config cfg = MakeConfig(
      home.path(), {"github.api_url=http://127.0.0.1:1", "hub.url=http://127.0.0.1:1"});
  FakeClock clock;
  sessions::Store store = sessions::Store::Open(config::StorePath(cfg), {&clock});
  sessions::JobRecord seed;
  seed.kind = "compare";
  seed.payload = ComparePayload("gemma-3n", "smolvlm2", "sweep-test");
  const std::int64_t id = store.EnqueueJob(seed);
  const ModelCatalog models = ModelCatalog::Embedded();
  CompareJobServices services{cfg, store, clock, models, ToolboxOptions{}, nullptr};
  JobHandler handler = MakeCompareJobHandler(services);
  std::atomic<int> interrupt{0};
  JobWorkerOptions options;
  options.interrupt = &interrupt;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        interrupt = 1;  // the signal arrives as the job starts
        return handler(c);
      },
      options);
  CHECK(report.released == 1);
  CHECK(report.stopped);
  sessions::JobRecord job = *store.GetJob(id);
  CHECK(job.status == sessions::JobStatus::kQueued);
  CHECK(job.attempts == 0);
  CHECK(store.ListDrafts().empty());
}

}  // namespace
}  // namespace intern::agent
