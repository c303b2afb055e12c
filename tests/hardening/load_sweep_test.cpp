// Load (issue 10 §6): a sweep over many queued compare jobs, against loopback fakes of GitHub and
// the hub that answer after a random 0–30 ms and fail at random (503s and connection resets),
// with the job runs themselves failing at random — before the compare, or after its draft was
// stored (as a worker dying at the worst moment would). The failed jobs are retried by later
// sweeps (a sweep retries after five minutes on the store's clock). Every job must end done
// exactly once: one draft per pair, no job left over, the cost within sweep.budget_usd, and the
// process's resident memory after the last job close to what it was after the tenth.
//
// INTERN_LOAD_JOBS (default 20; scripts/load-sweep runs 50) and INTERN_LOAD_SEED (default a fixed
// one; printed with every failure) choose the size and the random faults.
#include <malloc.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "agent/models.h"
#include "agent/sweep/compare_job.h"
#include "agent/sweep/sweep.h"
#include "agent/toolbox.h"
#include "sessions/store.h"
#include "tests/agent/sweep/sweep_test_support.h"
#include "tools/github/store_http_cache.h"
#include "tools/http/beast_http_client.h"

namespace intern::testing {
namespace {

using agent::JobContext;
using agent::JobOutcome;

// Resident memory of this process in KiB (VmRSS; VmHWM only grows, so it cannot show a return),
// after giving freed heap back to the system so that only memory still in use counts.
long ResidentKib() {
  ::malloc_trim(0);
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Serves `answer` after a random delay, or a random fault instead.
class FlakyServer {
 public:
  FlakyServer(unsigned seed, Handler answer) : random_(seed), answer_(std::move(answer)) {
    server_.OnMatch([](const RecordedRequest&) { return true; },
                    [this](const RecordedRequest& r) { return Answer(r); });
  }
  FakeHttpServer& server() { return server_; }
  int faults() const { return faults_; }

 private:
  // Called on the server's one thread.
  FakeResponse Answer(const RecordedRequest& r) {
    const int roll = std::uniform_int_distribution<int>(0, 99)(random_);
    const auto delay = Milliseconds(std::uniform_int_distribution<int>(0, 30)(random_));
    if (roll < 8) {
      ++faults_;
      return FakeResponse::Json(503, R"({"message":"Service Unavailable"})")
          .WithFault(Fault::StallBeforeHeaders(delay));
    }
    if (roll < 12) {
      ++faults_;
      return FakeResponse::Status(200).WithFault(Fault::ResetBeforeHeaders());
    }
    return answer_(r).WithFault(Fault::StallBeforeHeaders(delay));
  }

  std::mt19937 random_;
  Handler answer_;
  int faults_ = 0;
  FakeHttpServer server_;  // last: stopped first, before what its handler uses goes away
};

TEST_CASE("a sweep of many compare jobs against flaky fakes finishes each job exactly once",
          "[hardening][load]") {
  const char* jobs_env = std::getenv("INTERN_LOAD_JOBS");
  const char* seed_env = std::getenv("INTERN_LOAD_SEED");
  const int jobs = jobs_env ? std::atoi(jobs_env) : 20;
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10))
                                 : 20261121u;
  INFO("INTERN_LOAD_SEED=" << seed << " INTERN_LOAD_JOBS=" << jobs);
  REQUIRE(jobs >= 10);

  const std::string page1 = agent::sweep_testing::Fixture("github_search_page1.json");
  const std::string trending = agent::sweep_testing::Fixture("hub_trending.json");
  FlakyServer github(seed + 1, [&](const RecordedRequest& r) {
    if (r.path == "/search/repositories") return FakeResponse::Json(200, page1);
    return FakeResponse::Json(404, R"({"message":"Not Found"})");
  });
  FlakyServer hub(seed + 2, [&](const RecordedRequest& r) {
    if (r.path == "/api/models") return FakeResponse::Json(200, trending);
    return FakeResponse::Json(404, R"({"error":"Not Found"})");
  });

  TempDir home;
  const double budget = 1.0;
  const config::Config cfg = agent::sweep_testing::MakeConfig(
      home.path(), {"github.api_url=" + github.server().url(), "hub.url=" + hub.server().url(),
                    "sweep.topics=[\"llm\"]", "sweep.min_stars=100", "sweep.parallel=3",
                    "sweep.max_attempts=10", "sweep.budget_usd=" + std::to_string(budget)});
  FakeClock clock;
  sessions::Store store = sessions::Store::Open(config::StorePath(cfg), {&clock});

  // The queued pairs: the first `jobs` pairs of the embedded catalog.
  const config::Catalog catalog = config::Catalog::Embedded();
  std::vector<std::string> ids;
  for (const auto& e : catalog.entries()) ids.push_back(e.id);
  int queued = 0;
  for (std::size_t i = 0; i < ids.size() && queued < jobs; ++i) {
    for (std::size_t k = i + 1; k < ids.size() && queued < jobs; ++k) {
      sessions::JobRecord job;
      job.kind = "compare";
      job.payload = agent::ComparePayload(ids[i], ids[k], "load");
      job.dedup_key = "compare:" + ids[i] + "|" + ids[k];
      job.max_attempts = 10;
      store.EnqueueJob(job);
      ++queued;
    }
  }
  REQUIRE(queued == jobs);

  const agent::ModelCatalog models = agent::ModelCatalog::Embedded();
  agent::CompareJobServices job_services{cfg, store, clock, models, agent::ToolboxOptions{},
                                         nullptr};
  agent::JobHandler compare = agent::MakeCompareJobHandler(job_services);

  std::mutex mutex;
  std::mt19937 job_random(seed);
  std::map<std::int64_t, int> runs, fresh_drafts;
  int done = 0, failed_before = 0, failed_after = 0;
  long rss_at_10 = -1;
  agent::JobHandler flaky = [&](const JobContext& context) {
    int roll;
    {
      std::lock_guard lock(mutex);
      ++runs[context.job.id];
      roll = std::uniform_int_distribution<int>(0, 99)(job_random);
    }
    JobOutcome outcome;
    if (roll < 10) {
      std::lock_guard lock(mutex);
      ++failed_before;
      outcome.kind = JobOutcome::Kind::kFailed;
      outcome.error = "the worker failed before the compare";
      return outcome;
    }
    outcome = compare(context);
    outcome.cost_usd += 0.005;  // what a paid provider would have spent
    std::lock_guard lock(mutex);
    if (outcome.kind == JobOutcome::Kind::kDone &&
        outcome.result.find("\"reused\"") == std::string::npos) {
      ++fresh_drafts[context.job.id];
    }
    if (outcome.kind == JobOutcome::Kind::kDone && roll < 20) {
      ++failed_after;
      outcome.kind = JobOutcome::Kind::kFailed;
      outcome.error = "the worker failed after the draft was stored";
      return outcome;
    }
    if (outcome.kind == JobOutcome::Kind::kDone && ++done == 10) rss_at_10 = ResidentKib();
    return outcome;
  };

  tools::BeastHttpClient http(agent::HttpOptionsFromConfig(cfg));
  tools::StoreHttpCache cache(store);
  agent::SweepServices services{store,  http, cache, clock, flaky, "load-" + std::to_string(seed),
                                nullptr, std::chrono::minutes(10), nullptr};
  const auto start = std::chrono::steady_clock::now();
  double cost = 0;
  int sweeps = 0;
  std::string reports;
  for (; sweeps < 12 && !store.ListJobs(sessions::JobStatus::kQueued).empty(); ++sweeps) {
    agent::SweepOptions options;
    options.since = cfg.sweep.since;
    agent::SweepReport report = agent::RunSweep(cfg, options, services);
    reports += agent::FormatSweepReport(report);
    cost += report.jobs.cost_usd;
    CHECK(report.jobs.cost_usd <= budget);
    CHECK_FALSE(report.jobs.budget_reached);
    CHECK(report.jobs.lease_errors.empty());
    clock.Advance(std::chrono::minutes(6));  // past the retry delay
  }
  const long rss_at_end = ResidentKib();
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  INFO(reports);
  INFO(sweeps << " sweeps, " << elapsed.count() << " ms; faults: GitHub " << github.faults()
              << ", hub " << hub.faults() << "; job runs failed before " << failed_before
              << ", after the draft " << failed_after << "; RSS after 10 jobs " << rss_at_10
              << " KiB, at the end " << rss_at_end << " KiB");
  WARN("load: " << sweeps << " sweeps, " << elapsed.count() << " ms, RSS " << rss_at_10 << " -> "
                << rss_at_end << " KiB, faults " << github.faults() + hub.faults()
                << ", failed runs " << failed_before + failed_after);

  // Every job is done, each with its own draft, made once.
  std::vector<sessions::JobRecord> all = store.ListJobs();
  CHECK(all.size() >= static_cast<std::size_t>(jobs));
  std::map<std::string, int> drafts_per_title;
  for (const sessions::DraftRecord& d : store.ListDrafts()) ++drafts_per_title[d.title];
  std::set<std::string> job_drafts;
  for (const sessions::JobRecord& j : all) {
    INFO("job " << j.id << " " << j.dedup_key << ": " << j.last_error);
    CHECK(j.status == sessions::JobStatus::kDone);
    CHECK(fresh_drafts[j.id] == 1);
    CHECK(j.attempts == runs[j.id]);
    nlohmann::json result = nlohmann::json::parse(j.result);
    REQUIRE(result.contains("draft"));
    job_drafts.insert(result["draft"].get<std::string>());
    CHECK(store.ListDrafts(std::nullopt, j.session_id).size() == 1);
  }
  CHECK(job_drafts.size() == all.size());
  CHECK(store.ListDrafts().size() == all.size());
  for (const auto& [title, count] : drafts_per_title) {
    INFO(title);
    CHECK(count == 1);
  }
  CHECK(github.faults() + hub.faults() > 0);
  CHECK(failed_before + failed_after > 0);
  CHECK(cost <= budget);
  // Flat memory: the last jobs cost no more than a fifth over what the first ten left.
  REQUIRE(rss_at_10 > 0);
  CHECK(rss_at_end < rss_at_10 * 6 / 5);
  CHECK(store.IntegrityCheck() == "ok");
}

}  // namespace
}  // namespace intern::testing
