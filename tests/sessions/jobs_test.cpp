#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "config/clock.h"
#include "sessions/store.h"
#include "tests/sessions/store_test_support.h"

namespace intern::sessions {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::TempDir;

JobRecord Compare(int64_t max_attempts = 3) {
  JobRecord job;
  job.kind = "compare";
  job.payload = R"({"a":"x","b":"y"})";
  job.max_attempts = max_attempts;
  return job;
}

TEST_CASE("two workers leasing at once never get the same job") {
  TempDir dir;
  const auto path = dir.path() / "intern.db";
  Store setup = Store::Open(path);
  constexpr int kJobs = 8;
  for (int i = 0; i < kJobs; ++i) setup.EnqueueJob(Compare());

  // Each worker has its own connection, as two processes would.
  auto work = [&path](const std::string& owner, std::vector<int64_t>& taken) {
    Store store = Store::Open(path);
    while (auto job = store.LeaseNextJob(owner, minutes(5))) {
      taken.push_back(job->id);
      if (!store.CompleteJob(job->id, owner, "{}")) taken.push_back(-1);
    }
  };
  std::vector<int64_t> a, b;
  std::thread ta(work, "worker-a", std::ref(a));
  std::thread tb(work, "worker-b", std::ref(b));
  ta.join();
  tb.join();

  std::vector<int64_t> all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::set<int64_t> unique(all.begin(), all.end());
  CHECK(all.size() == kJobs);
  CHECK(unique.size() == kJobs);
  CHECK(unique.count(-1) == 0);
  CHECK(setup.ListJobs(JobStatus::kDone).size() == kJobs);
}

TEST_CASE("a job whose lease expired is leased again and the old owner has lost it") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  int64_t id = store.EnqueueJob(Compare());
  std::optional<JobRecord> first = store.LeaseNextJob("worker-a", minutes(1));
  REQUIRE(first.has_value());
  CHECK(first->id == id);
  CHECK(first->status == JobStatus::kLeased);
  CHECK(first->attempts == 1);
  CHECK(first->lease_owner == "worker-a");
  CHECK(first->lease_expires_at == "2026-01-01T00:01:00.000Z");

  CHECK_FALSE(store.LeaseNextJob("worker-b", minutes(1)).has_value());
  clock.Advance(seconds(61));
  std::optional<JobRecord> second = store.LeaseNextJob("worker-b", minutes(1));
  REQUIRE(second.has_value());
  CHECK(second->id == id);
  CHECK(second->attempts == 2);
  CHECK(second->lease_owner == "worker-b");

  Status late = store.CompleteJob(id, "worker-a");
  CHECK_FALSE(late.ok());
  CHECK(late.code() == ErrorCode::kNotFound);
  CHECK(late.message() == "job 1 is no longer leased by worker-a");
  CHECK(store.CompleteJob(id, "worker-b", R"({"draft":"d-1"})").ok());
  CHECK(store.GetJob(id)->status == JobStatus::kDone);
  CHECK(store.GetJob(id)->result == R"({"draft":"d-1"})");
}

TEST_CASE("an extended lease is not taken over") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  int64_t id = store.EnqueueJob(Compare());
  REQUIRE(store.LeaseNextJob("worker-a", minutes(1)).has_value());
  clock.Advance(seconds(50));
  CHECK(store.ExtendLease(id, "worker-a", minutes(1)).ok());
  clock.Advance(seconds(50));
  CHECK_FALSE(store.LeaseNextJob("worker-b", minutes(1)).has_value());
  CHECK_FALSE(store.ExtendLease(id, "worker-b", minutes(1)).ok());
}

TEST_CASE("a job that keeps losing its lease fails after max_attempts") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  int64_t id = store.EnqueueJob(Compare(2));
  REQUIRE(store.LeaseNextJob("worker-a", minutes(1)).has_value());
  clock.Advance(minutes(2));
  REQUIRE(store.LeaseNextJob("worker-b", minutes(1)).has_value());
  clock.Advance(minutes(2));
  CHECK_FALSE(store.LeaseNextJob("worker-c", minutes(1)).has_value());
  JobRecord job = *store.GetJob(id);
  CHECK(job.status == JobStatus::kFailed);
  CHECK(job.attempts == 2);
  CHECK(job.last_error == "the lease of worker-b expired on attempt 2 of 2");
  CHECK(job.lease_owner == "");
  // It stays failed.
  clock.Advance(minutes(10));
  CHECK_FALSE(store.LeaseNextJob("worker-c", minutes(1)).has_value());
}

TEST_CASE("a failed attempt is retried after the delay and fails for good at max_attempts") {
  FakeClock clock;
  Store store = Store::OpenInMemory({.clock = &clock});
  int64_t id = store.EnqueueJob(Compare(2));
  REQUIRE(store.LeaseNextJob("w", minutes(1)).has_value());
  CHECK(store.FailJob(id, "w", "hub unreachable", seconds(30)).ok());
  JobRecord queued = *store.GetJob(id);
  CHECK(queued.status == JobStatus::kQueued);
  CHECK(queued.last_error == "hub unreachable");
  CHECK(queued.not_before == "2026-01-01T00:00:30.000Z");
  CHECK_FALSE(store.LeaseNextJob("w", minutes(1)).has_value());
  clock.Advance(seconds(30));
  REQUIRE(store.LeaseNextJob("w", minutes(1)).has_value());
  CHECK(store.FailJob(id, "w", "hub unreachable again").ok());
  CHECK(store.GetJob(id)->status == JobStatus::kFailed);
  clock.Advance(minutes(5));
  CHECK_FALSE(store.LeaseNextJob("w", minutes(1)).has_value());

  CHECK(store.RetryJob(id).ok());
  JobRecord retried = *store.GetJob(id);
  CHECK(retried.status == JobStatus::kQueued);
  CHECK(retried.attempts == 0);
}

TEST_CASE("a released job is queued again without using an attempt") {
  Store store = Store::OpenInMemory();
  int64_t id = store.EnqueueJob(Compare());
  REQUIRE(store.LeaseNextJob("w", minutes(1)).has_value());
  CHECK(store.ReleaseJob(id, "w").ok());
  JobRecord job = *store.GetJob(id);
  CHECK(job.status == JobStatus::kQueued);
  CHECK(job.attempts == 0);
  CHECK(job.lease_owner == "");
}

TEST_CASE("leasing can be limited to kinds and takes the oldest ready job") {
  Store store = Store::OpenInMemory();
  JobRecord sweep;
  sweep.kind = "sweep";
  int64_t s = store.EnqueueJob(sweep);
  int64_t c1 = store.EnqueueJob(Compare());
  store.EnqueueJob(Compare());
  CHECK(store.LeaseNextJob("w", minutes(1), {"compare"})->id == c1);
  CHECK(store.LeaseNextJob("w", minutes(1))->id == s);
}

TEST_CASE("an unfinished job with the same dedup key is not queued twice") {
  Store store = Store::OpenInMemory();
  JobRecord job = Compare();
  job.dedup_key = "compare:a|b";
  int64_t first = store.EnqueueJob(job);
  CHECK(store.EnqueueJob(job) == first);
  REQUIRE(store.LeaseNextJob("w", minutes(1)).has_value());
  CHECK(store.EnqueueJob(job) == first);
  CHECK(store.CompleteJob(first, "w").ok());
  CHECK(store.EnqueueJob(job) != first);
}

TEST_CASE("cancel and retry refuse jobs in the wrong state with one sentence") {
  Store store = Store::OpenInMemory();
  int64_t id = store.EnqueueJob(Compare());
  Status retry = store.RetryJob(id);
  CHECK(retry.code() == ErrorCode::kInvalidArgument);
  CHECK(retry.message() == "job 1 is queued; only a failed or cancelled job can be retried");
  CHECK(store.CancelJob(id).ok());
  CHECK(store.GetJob(id)->status == JobStatus::kCancelled);
  Status again = store.CancelJob(id);
  CHECK(again.message() == "job 1 is cancelled; only a queued or leased job can be cancelled");
  Status missing = store.CancelJob(42);
  CHECK(missing.code() == ErrorCode::kNotFound);
  CHECK(missing.message() == "no job 42 in the session store at :memory:");
}

TEST_CASE("SetJobSession links the running session while the lease is held") {
  Store store = Store::OpenInMemory();
  int64_t id = store.EnqueueJob(Compare());
  CHECK_FALSE(store.SetJobSession(id, "w", "s-1").ok());
  REQUIRE(store.LeaseNextJob("w", minutes(1)).has_value());
  CHECK(store.SetJobSession(id, "w", "s-1").ok());
  CHECK(store.GetJob(id)->session_id == "s-1");
}

}  // namespace
}  // namespace intern::sessions
