// `intern jobs list|retry ID|cancel ID` (DESIGN §11): the queue of compare jobs that sweeps
// leave in the store — status, attempts, last error, lease — and the two operator actions on a
// job: put a failed or cancelled one back in the queue, or cancel one that has not finished.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/cli/cli.h"
#include "config/error.h"
#include "sessions/store.h"

namespace intern::agent {
namespace {

struct JobsArgs {
  std::string status;
  std::int64_t limit = 0;
  bool json = false;
  std::int64_t id = 0;
};

sessions::Store OpenJobsStore(CliContext& ctx) {
  const config::Config& cfg = LoadConfig(ctx);
  std::filesystem::path path = config::StorePath(cfg);
  if (!std::filesystem::exists(path)) {
    throw Error(fmt::format("there is no store at {} yet, so there are no jobs; `intern sweep` "
                            "queues the first ones",
                            path.string()));
  }
  return sessions::Store::Open(path);
}

std::string PairOf(const sessions::JobRecord& job) {
  nlohmann::json p = nlohmann::json::parse(job.payload, nullptr, false);
  if (p.is_object() && p.value("a", nlohmann::json()).is_string() &&
      p.value("b", nlohmann::json()).is_string()) {
    return fmt::format("{} vs {}", p["a"].get<std::string>(), p["b"].get<std::string>());
  }
  return job.dedup_key.empty() ? job.payload : job.dedup_key;
}

nlohmann::json JobJson(const sessions::JobRecord& j) {
  nlohmann::json payload = nlohmann::json::parse(j.payload, nullptr, false);
  nlohmann::json result = nlohmann::json::parse(j.result, nullptr, false);
  return {{"id", j.id},
          {"kind", j.kind},
          {"status", sessions::JobStatusName(j.status)},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"last_error", j.last_error},
          {"lease_owner", j.lease_owner},
          {"lease_expires_at", j.lease_expires_at},
          {"not_before", j.not_before},
          {"session", j.session_id},
          {"dedup_key", j.dedup_key},
          {"payload", payload.is_discarded() ? nlohmann::json(j.payload) : payload},
          {"result", result.is_discarded() ? nlohmann::json(j.result) : result},
          {"created_at", j.created_at},
          {"updated_at", j.updated_at}};
}

void List(CliContext& ctx, const JobsArgs& args) {
  std::optional<sessions::JobStatus> status;
  if (!args.status.empty()) {
    status = sessions::ParseJobStatus(args.status);
    if (!status) {
      throw UsageError(fmt::format(
          "--status \"{}\" is not a job status; use queued, leased, done, failed or cancelled",
          args.status));
    }
  }
  sessions::Store store = OpenJobsStore(ctx);
  std::vector<sessions::JobRecord> jobs = store.ListJobs(status, args.limit);
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& j : jobs) out.push_back(JobJson(j));
    ctx.out << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (jobs.empty()) {
    ctx.out << (status ? fmt::format("No {} jobs.\n", args.status) : "No jobs yet.\n");
    return;
  }
  std::size_t w_pair = 4;
  for (const auto& j : jobs) w_pair = std::max(w_pair, PairOf(j).size());
  ctx.out << fmt::format("{:>5}  {:<9}  {:<8}  {:<{}}  {}\n", "id", "status", "attempts", "what",
                         w_pair, "note");
  for (const auto& j : jobs) {
    std::string note;
    if (j.status == sessions::JobStatus::kLeased) {
      note = fmt::format("leased by {} until {}", j.lease_owner, j.lease_expires_at);
    } else if (j.status == sessions::JobStatus::kDone) {
      nlohmann::json r = nlohmann::json::parse(j.result, nullptr, false);
      if (r.is_object() && r.value("draft", nlohmann::json()).is_string()) {
        note = "draft " + r["draft"].get<std::string>();
      }
    } else if (!j.last_error.empty()) {
      note = j.last_error;
    }
    ctx.out << fmt::format("{:>5}  {:<9}  {:<8}  {:<{}}  {}\n", j.id,
                           sessions::JobStatusName(j.status),
                           fmt::format("{}/{}", j.attempts, j.max_attempts), PairOf(j), w_pair,
                           note);
  }
}

void Act(CliContext& ctx, const JobsArgs& args, bool retry) {
  sessions::Store store = OpenJobsStore(ctx);
  Status done = retry ? store.RetryJob(args.id) : store.CancelJob(args.id);
  if (!done.ok()) {
    if (done.code() == ErrorCode::kNotFound) {
      throw Error(fmt::format("there is no job {}; `intern jobs list` shows them", args.id));
    }
    auto job = store.GetJob(args.id);
    const std::string now = job ? sessions::JobStatusName(job->status) : "unknown";
    throw Error(retry ? fmt::format("job {} is {}; only failed or cancelled jobs can be retried",
                                    args.id, now)
                      : fmt::format("job {} is {}; only queued or leased jobs can be cancelled",
                                    args.id, now));
  }
  if (args.json) {
    ctx.out << JobJson(*store.GetJob(args.id)).dump() << "\n";
  } else {
    ctx.out << (retry ? fmt::format("Job {} is queued again with its attempts reset.\n", args.id)
                      : fmt::format("Job {} is cancelled.\n", args.id));
  }
}

}  // namespace

void AttachJobsCommand(CLI::App& cmd, CliContext& ctx) {
  cmd.require_subcommand(1);
  auto list_args = std::make_shared<JobsArgs>();
  CLI::App* list = cmd.add_subcommand("list", "List jobs, oldest first");
  list->add_option("--status", list_args->status,
                   "Only jobs with this status: queued, leased, done, failed, cancelled");
  list->add_option("--limit", list_args->limit, "Show at most this many (0: all)");
  list->add_flag("--json", list_args->json, "Print the jobs as a JSON array");
  list->callback([&ctx, list_args] { List(ctx, *list_args); });

  auto retry_args = std::make_shared<JobsArgs>();
  CLI::App* retry = cmd.add_subcommand("retry", "Queue a failed or cancelled job again");
  retry->add_option("id", retry_args->id, "The job's id")->required();
  retry->add_flag("--json", retry_args->json, "Print the job as JSON");
  retry->callback([&ctx, retry_args] { Act(ctx, *retry_args, true); });

  auto cancel_args = std::make_shared<JobsArgs>();
  CLI::App* cancel = cmd.add_subcommand("cancel", "Cancel a queued or leased job");
  cancel->add_option("id", cancel_args->id, "The job's id")->required();
  cancel->add_flag("--json", cancel_args->json, "Print the job as JSON");
  cancel->callback([&ctx, cancel_args] { Act(ctx, *cancel_args, false); });
}

}  // namespace intern::agent
