#pragma once
// The job worker (DESIGN §10): leases queued jobs from the store, runs each through a handler,
// renews the lease while the handler runs, and settles the job — complete, fail with the reason
// (the store requeues it until max_attempts), or release it unfinished on a graceful stop.
//
// Leases make a crashed worker harmless: its job is taken again once the lease expires (the
// store counts that attempt). A handler that finds the job's earlier session already left a
// draft (JobContext::job.session_id) completes with it instead of starting again, so a retried
// job never makes a second draft (agent/sweep/compare_job.h does this).
//
// Budget: with options.budget_usd > 0, no job is started once the costs reported by finished
// jobs reach it; jobs still queued stay queued for the next run, and the report says so.
//
// Thread safety: RunQueuedJobs runs up to options.parallel handlers at once on its own threads
// and returns when all have finished; the store must allow concurrent use (sessions::Store
// does). The handler is called concurrently.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "config/clock.h"
#include "sessions/store.h"

namespace intern::agent {

// What a handler tells the worker about one run of a job.
struct JobOutcome {
  enum class Kind {
    kDone,      // CompleteJob with `result`
    kFailed,    // FailJob with `error` (retried until max_attempts)
    kReleased,  // ReleaseJob: stopped before finishing; the attempt does not count
  };
  Kind kind = Kind::kDone;
  std::string result = "{}";  // JSON, kDone
  std::string error;          // one sentence, kFailed
  double cost_usd = 0;        // spent by this run, counted against the budget whatever the kind
  std::string draft_id;       // the draft it made or found, if any
};

struct JobContext {
  const sessions::JobRecord& job;  // as leased (attempts already counted)
  const std::string& owner;
  // Set by the operator's stop request (SIGINT/SIGTERM); a long handler should stop between
  // steps and return kReleased.
  const std::atomic<int>* interrupt;
  // What is left of the run's budget when the job started; 0 when there is no budget.
  double budget_left_usd;
  // Records the session the job is running in, so a retry can find it (Store::SetJobSession).
  std::function<void(const std::string& session_id)> set_session;
};

using JobHandler = std::function<JobOutcome(const JobContext& context)>;

struct JobWorkerOptions {
  std::string owner = "worker";        // lease owner; unique per process ("sweep-PID-N")
  std::chrono::milliseconds lease{std::chrono::minutes(10)};
  // How often the lease is renewed while a handler runs (real time); 0 = lease / 3.
  std::chrono::milliseconds renew_every{0};
  int parallel = 1;                   // handlers at once (threads), at least 1
  double budget_usd = 0;              // 0 = no limit
  std::chrono::milliseconds retry_after{0};  // a failed job waits this long before its retry
  std::vector<std::string> kinds = {"compare"};
  const std::atomic<int>* interrupt = nullptr;  // nullptr = never stopped
};

struct JobFailure {
  std::int64_t job_id = 0;
  std::string error;
  bool final = false;  // used its last attempt

  bool operator==(const JobFailure&) const = default;
};

struct JobRunReport {
  int done = 0;
  int failed = 0;    // runs that failed (the job may be retried later)
  int released = 0;  // given back on a stop
  std::vector<std::string> drafts;  // draft ids of jobs that completed with one
  std::vector<JobFailure> failures;
  double cost_usd = 0;
  bool budget_reached = false;
  bool stopped = false;            // an interrupt ended the run early
  std::int64_t left_queued = 0;    // jobs of `kinds` still queued afterwards
  std::vector<std::string> lease_errors;  // settling a job whose lease was lost meanwhile
};

// Leases and runs jobs until none is ready, the budget is reached, or the interrupt is set.
// Handler exceptions (intern::Error or any std::exception) fail the job with their message.
JobRunReport RunQueuedJobs(sessions::Store& store, const JobHandler& handler,
                           const JobWorkerOptions& options);

}  // namespace intern::agent
