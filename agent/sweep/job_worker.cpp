#include "agent/sweep/job_worker.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "config/error.h"

namespace intern::agent {
namespace {

// Renews a job's lease on its own thread until destroyed, so a handler that runs longer than
// the lease keeps its job. Stops renewing once the store says the lease is lost.
class LeaseKeeper {
 public:
  LeaseKeeper(sessions::Store& store, std::int64_t job_id, std::string owner,
              std::chrono::milliseconds lease, std::chrono::milliseconds every)
      : store_(store), job_id_(job_id), owner_(std::move(owner)), lease_(lease) {
    thread_ = std::thread([this, every] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, every, [this] { return finished_; })) {
        lock.unlock();
        Status renewed = Status::Ok();
        try {
          renewed = store_.ExtendLease(job_id_, owner_, lease_);
        } catch (const std::exception& e) {
          renewed = Fail(ErrorCode::kIo, e.what());
        }
        lock.lock();
        if (!renewed.ok()) return;
      }
    });
  }
  ~LeaseKeeper() {
    {
      std::lock_guard lock(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

 private:
  sessions::Store& store_;
  std::int64_t job_id_;
  std::string owner_;
  std::chrono::milliseconds lease_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

class Runner {
 public:
  Runner(sessions::Store& store, const JobHandler& handler, const JobWorkerOptions& options)
      : store_(store), handler_(handler), options_(options) {}

  JobRunReport Run() {
    const int threads = std::max(1, options_.parallel);
    if (threads == 1) {
      Work(options_.owner);
    } else {
      std::vector<std::thread> pool;
      for (int i = 0; i < threads; ++i) {
        pool.emplace_back([this, i] { Work(fmt::format("{}/{}", options_.owner, i + 1)); });
      }
      for (std::thread& t : pool) t.join();
    }
    std::int64_t queued = 0;
    for (const sessions::JobRecord& job : store_.ListJobs(sessions::JobStatus::kQueued)) {
      if (options_.kinds.empty() ||
          std::find(options_.kinds.begin(), options_.kinds.end(), job.kind) !=
              options_.kinds.end()) {
        ++queued;
      }
    }
    report_.left_queued = queued;
    return report_;
  }

 private:
  // Whether another job may start; records why not.
  bool MayStart() {
    std::lock_guard lock(mu_);
    if (options_.interrupt != nullptr && options_.interrupt->load() >= 1) {
      report_.stopped = true;
      return false;
    }
    if (options_.budget_usd > 0 && report_.cost_usd >= options_.budget_usd) {
      report_.budget_reached = true;
      return false;
    }
    return !report_.budget_reached && !report_.stopped;
  }

  void Work(const std::string& owner) {
    while (MayStart()) {
      std::optional<sessions::JobRecord> job =
          store_.LeaseNextJob(owner, options_.lease, options_.kinds);
      if (!job) return;
      RunOne(*job, owner);
    }
  }

  void RunOne(const sessions::JobRecord& job, const std::string& owner) {
    double budget_left = 0;
    {
      std::lock_guard lock(mu_);
      if (options_.budget_usd > 0) budget_left = options_.budget_usd - report_.cost_usd;
    }
    JobContext context{job, owner, options_.interrupt, budget_left,
                       [this, &job, &owner](const std::string& session_id) {
                         (void)store_.SetJobSession(job.id, owner, session_id);
                       }};
    JobOutcome outcome;
    {
      const auto every = options_.renew_every.count() > 0 ? options_.renew_every
                                                           : options_.lease / 3;
      LeaseKeeper keeper(store_, job.id, owner, options_.lease,
                         std::max(every, std::chrono::milliseconds(1)));
      try {
        outcome = handler_(context);
      } catch (const std::exception& e) {
        outcome.kind = JobOutcome::Kind::kFailed;
        outcome.error = e.what();
      }
    }
    Status settled = Status::Ok();
    switch (outcome.kind) {
      case JobOutcome::Kind::kDone:
        settled = store_.CompleteJob(job.id, owner, outcome.result);
        break;
      case JobOutcome::Kind::kFailed:
        settled = store_.FailJob(job.id, owner, outcome.error, options_.retry_after);
        break;
      case JobOutcome::Kind::kReleased:
        settled = store_.ReleaseJob(job.id, owner);
        break;
    }
    std::lock_guard lock(mu_);
    report_.cost_usd += outcome.cost_usd;
    if (!settled.ok()) {
      report_.lease_errors.push_back(settled.message());
      return;
    }
    switch (outcome.kind) {
      case JobOutcome::Kind::kDone:
        ++report_.done;
        if (!outcome.draft_id.empty()) report_.drafts.push_back(outcome.draft_id);
        break;
      case JobOutcome::Kind::kFailed:
        ++report_.failed;
        report_.failures.push_back(
            {job.id, outcome.error, job.attempts >= job.max_attempts});
        break;
      case JobOutcome::Kind::kReleased:
        ++report_.released;
        report_.stopped = true;
        break;
    }
  }

  sessions::Store& store_;
  const JobHandler& handler_;
  const JobWorkerOptions& options_;
  std::mutex mu_;
  JobRunReport report_;
};

}  // namespace

JobRunReport RunQueuedJobs(sessions::Store& store, const JobHandler& handler,
                           const JobWorkerOptions& options) {
  Runner runner(store, handler, options);
  return runner.Run();
}

}  // namespace intern::agent
