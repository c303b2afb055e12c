// The job worker (agent/sweep/job_worker.h): leases, renewals, outcomes, attempts, the budget.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "agent/sweep/job_worker.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

using sessions::JobRecord;
using sessions::JobStatus;

std::int64_t Queue(sessions::Store& store, const std::string& key, int max_attempts = 3) {
  JobRecord job;
  job.kind = "compare";
  job.payload = R"({"a":"x","b":"y"})";
  job.dedup_key = key;
  job.max_attempts = max_attempts;
  return store.EnqueueJob(job);
}

TEST_CASE("the worker completes every queued job with the handler's result") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  const auto a = Queue(store, "k1");
  const auto b = Queue(store, "k2");
  std::vector<std::int64_t> seen;
  JobWorkerOptions options;
  options.owner = "w";
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        seen.push_back(c.job.id);
        CHECK(c.owner == "w");
        CHECK(c.job.attempts == 1);
        JobOutcome o;
        o.result = R"({"draft":"d-)" + std::to_string(c.job.id) + R"("})";
        o.draft_id = "d-" + std::to_string(c.job.id);
        o.cost_usd = 0.25;
        return o;
      },
      options);
  CHECK(seen == std::vector<std::int64_t>{a, b});
  CHECK(report.done == 2);
  CHECK(report.drafts == std::vector<std::string>{"d-" + std::to_string(a), "d-" + std::to_string(b)});
  CHECK(report.cost_usd == Approx(0.5));
  CHECK(report.left_queued == 0);
  CHECK_FALSE(report.budget_reached);
  CHECK(store.GetJob(a)->status == JobStatus::kDone);
  CHECK(store.GetJob(a)->result == R"({"draft":"d-)" + std::to_string(a) + R"("})");
}

TEST_CASE("a failing job is retried and stays failed with its reason after max_attempts") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  const auto id = Queue(store, "k", 2);
  int calls = 0;
  JobWorkerOptions options;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) -> JobOutcome {
        ++calls;
        if (c.job.attempts == 1) throw Error("the hub is down (attempt 1)");
        JobOutcome o;
        o.kind = JobOutcome::Kind::kFailed;
        o.error = "the hub is down (attempt 2)";
        return o;
      },
      options);
  CHECK(calls == 2);
  CHECK(report.failed == 2);
  REQUIRE(report.failures.size() == 2);
  CHECK(report.failures[0] == JobFailure{id, "the hub is down (attempt 1)", false});
  CHECK(report.failures[1] == JobFailure{id, "the hub is down (attempt 2)", true});
  JobRecord job = *store.GetJob(id);
  CHECK(job.status == JobStatus::kFailed);
  CHECK(job.attempts == 2);
  CHECK(job.last_error == "the hub is down (attempt 2)");
}

TEST_CASE("a failed job waits retry_after before it is leased again") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  const auto id = Queue(store, "k", 3);
  JobWorkerOptions options;
  options.retry_after = std::chrono::minutes(5);
  auto fail = [](const JobContext&) {
    JobOutcome o;
    o.kind = JobOutcome::Kind::kFailed;
    o.error = "no";
    return o;
  };
  JobRunReport first = RunQueuedJobs(store, fail, options);
  CHECK(first.failed == 1);
  CHECK(first.left_queued == 1);
  CHECK(RunQueuedJobs(store, fail, options).failed == 0);  // not yet
  clock.Advance(std::chrono::minutes(5));
  CHECK(RunQueuedJobs(store, fail, options).failed == 1);
  CHECK(store.GetJob(id)->attempts == 2);
}

TEST_CASE("the budget stops the worker from starting jobs and the rest stay queued") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  for (int i = 0; i < 4; ++i) Queue(store, "k" + std::to_string(i));
  std::vector<double> budget_left;
  JobWorkerOptions options;
  options.budget_usd = 1.0;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        budget_left.push_back(c.budget_left_usd);
        JobOutcome o;
        o.cost_usd = 0.6;
        return o;
      },
      options);
  CHECK(report.done == 2);
  CHECK(report.budget_reached);
  CHECK(report.left_queued == 2);
  CHECK(report.cost_usd == Approx(1.2));
  REQUIRE(budget_left.size() == 2);
  CHECK(budget_left[0] == Approx(1.0));
  CHECK(budget_left[1] == Approx(0.4));
  CHECK(store.ListJobs(JobStatus::kQueued).size() == 2);
}

TEST_CASE("a stop request releases the running job without using an attempt and starts no other") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  const auto a = Queue(store, "k1");
  Queue(store, "k2");
  std::atomic<int> interrupt{0};
  JobWorkerOptions options;
  options.interrupt = &interrupt;
  int calls = 0;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        ++calls;
        CHECK(c.interrupt == &interrupt);
        interrupt = 1;  // SIGTERM arrives while the job runs
        JobOutcome o;
        o.kind = JobOutcome::Kind::kReleased;
        return o;
      },
      options);
  CHECK(calls == 1);
  CHECK(report.released == 1);
  CHECK(report.stopped);
  CHECK(report.left_queued == 2);
  JobRecord job = *store.GetJob(a);
  CHECK(job.status == JobStatus::kQueued);
  CHECK(job.attempts == 0);
  CHECK(job.lease_owner.empty());
}

TEST_CASE("the lease is renewed while a handler runs, so a long job keeps it") {
  FakeClock clock;
  sessions::Store store = sessions::Store::OpenInMemory({&clock});
  const auto id = Queue(store, "k");
  JobWorkerOptions options;
  options.owner = "slow";
  options.lease = std::chrono::seconds(30);
  options.renew_every = std::chrono::milliseconds(2);
  bool renewed = false;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        const std::string first = store.GetJob(c.job.id)->lease_expires_at;
        clock.Advance(std::chrono::seconds(20));  // two thirds of the lease pass
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!renewed && std::chrono::steady_clock::now() < deadline) {
          renewed = store.GetJob(c.job.id)->lease_expires_at != first;
          std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling, with a deadline
        }
        clock.Advance(std::chrono::seconds(20));  // past the first lease, within the renewed one
        CHECK_FALSE(store.LeaseNextJob("thief", std::chrono::seconds(30)).has_value());
        return JobOutcome{};
      },
      options);
  CHECK(renewed);
  CHECK(report.done == 1);
  CHECK(report.lease_errors.empty());
  CHECK(store.GetJob(id)->status == JobStatus::kDone);
}

TEST_CASE("parallel workers run every job once") {
  sessions::Store store = sessions::Store::OpenInMemory();
  for (int i = 0; i < 6; ++i) Queue(store, "k" + std::to_string(i));
  std::mutex mu;
  std::map<std::int64_t, int> runs;
  std::set<std::string> owners;
  JobWorkerOptions options;
  options.owner = "pool";
  options.parallel = 3;
  JobRunReport report = RunQueuedJobs(
      store,
      [&](const JobContext& c) {
        std::lock_guard lock(mu);
        ++runs[c.job.id];
        owners.insert(c.owner);
        return JobOutcome{};
      },
      options);
  CHECK(report.done == 6);
  CHECK(runs.size() == 6);
  for (const auto& [id, n] : runs) CHECK(n == 1);
  for (const std::string& o : owners) CHECK(o.rfind("pool/", 0) == 0);
}

}  // namespace
}  // namespace intern::agent
