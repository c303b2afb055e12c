// `intern jobs list|retry|cancel` and `intern sweep`'s flags, through RunCli with a temporary
// INTERN_HOME.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/cli/cli.h"
#include "agent/sweep/compare_job.h"
#include "config/error.h"
#include "sessions/store.h"
#include "tests/agent/sweep/sweep_test_support.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Cli(const std::filesystem::path& home, std::vector<const char*> args) {
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", home.string()}};
  options.cwd = home;
  options.system_dir = home / "etc";
  options.home = home;
  std::vector<const char*> argv = {"intern"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err, options);
  return {code, out.str(), err.str()};
}

// Three jobs: 1 done with a draft, 2 failed for good, 3 queued.
void MakeJobs(const std::filesystem::path& home) {
  FakeClock clock;
  sessions::Store store = sessions::Store::Open(home / "intern.db", {&clock});
  for (const auto& [a, b] : {std::pair{"agentsmith", "langgraph"}, std::pair{"fastserve", "vllm"},
                             std::pair{"pico-vlm-1b", "gemma-3n"}}) {
    sessions::JobRecord job;
    job.kind = "compare";
    job.payload = ComparePayload(a, b, "sweep-x");
    job.dedup_key = std::string("compare:") + a + "|" + b;
    job.max_attempts = 1;
    store.EnqueueJob(job);
  }
  auto first = store.LeaseNextJob("w", std::chrono::minutes(1));
  REQUIRE(store.CompleteJob(first->id, "w", R"({"draft":"d-abcd1234","session":"s-1"})").ok());
  auto second = store.LeaseNextJob("w", std::chrono::minutes(1));
  REQUIRE(store.FailJob(second->id, "w", "the hub is down").ok());
}

TEST_CASE("jobs list shows each job's status, attempts, pair and outcome") {
  testing::TempDir home;
  MakeJobs(home.path());
  Run r = Cli(home.path(), {"jobs", "list"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  CHECK(r.out ==
        "   id  status     attempts  what                     note\n"
        "    1  done       1/1       agentsmith vs langgraph  draft d-abcd1234\n"
        "    2  failed     1/1       fastserve vs vllm        the hub is down\n"
        "    3  queued     0/1       pico-vlm-1b vs gemma-3n  \n");

  Run failed = Cli(home.path(), {"jobs", "list", "--status", "failed", "--json"});
  REQUIRE(failed.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(failed.out);
  REQUIRE(j.size() == 1);
  CHECK(j[0]["id"] == 2);
  CHECK(j[0]["status"] == "failed");
  CHECK(j[0]["attempts"] == 1);
  CHECK(j[0]["last_error"] == "the hub is down");
  CHECK(j[0]["payload"]["a"] == "fastserve");

  Run bad = Cli(home.path(), {"jobs", "list", "--status", "stuck"});
  CHECK(bad.code == kExitUsage);
  CHECK(bad.err == "intern: --status \"stuck\" is not a job status; use queued, leased, done, "
                   "failed or cancelled\n");
}

TEST_CASE("jobs retry and cancel act on the right states and refuse the others in one sentence") {
  testing::TempDir home;
  MakeJobs(home.path());
  Run retry = Cli(home.path(), {"jobs", "retry", "2"});
  CHECK(retry.code == kExitOk);
  CHECK(retry.out == "Job 2 is queued again with its attempts reset.\n");
  Run cancel = Cli(home.path(), {"jobs", "cancel", "3", "--json"});
  CHECK(cancel.code == kExitOk);
  CHECK(nlohmann::json::parse(cancel.out)["status"] == "cancelled");
  {
    sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
    CHECK(store.GetJob(2)->status == sessions::JobStatus::kQueued);
    CHECK(store.GetJob(2)->attempts == 0);
    CHECK(store.GetJob(3)->status == sessions::JobStatus::kCancelled);
  }
  Run done = Cli(home.path(), {"jobs", "cancel", "1"});
  CHECK(done.code == kExitError);
  CHECK(done.err == "intern: job 1 is done; only queued or leased jobs can be cancelled\n");
  Run queued = Cli(home.path(), {"jobs", "retry", "2"});
  CHECK(queued.code == kExitError);
  CHECK(queued.err == "intern: job 2 is queued; only failed or cancelled jobs can be retried\n");
  Run missing = Cli(home.path(), {"jobs", "retry", "42"});
  CHECK(missing.code == kExitError);
  CHECK(missing.err == "intern: there is no job 42; `intern jobs list` shows them\n");
}

TEST_CASE("jobs list without a store says how the first jobs are made") {
  testing::TempDir home;
  Run r = Cli(home.path(), {"jobs", "list"});
  CHECK(r.code == kExitError);
  CHECK(r.err == "intern: there is no store at " + (home.path() / "intern.db").string() +
                     " yet, so there are no jobs; `intern sweep` queues the first ones\n");
}

TEST_CASE("sweep --dry-run on a fresh home prints the plan and creates no store", "[sweep]") {
  testing::TempDir home;
  testing::FakeHttpServer github;
  testing::FakeHttpServer hub;
  sweep_testing::ServeSearch(github);
  sweep_testing::ServeTrending(hub);
  const std::string gh = "github.api_url=" + github.url();
  const std::string hf = "hub.url=" + hub.url();
  Run r = Cli(home.path(), {"-c", gh.c_str(), "-c", hf.c_str(), "-c", "sweep.topics=[\"llm\"]",
                            "sweep", "--dry-run", "--since", "3650d", "--json"});
  INFO(r.err);
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["dry_run"] == true);
  CHECK(j["known"].size() == 2);
  CHECK(j["tools"].size() == 5);  // ten years back, the old trending model counts too
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

TEST_CASE("a sweep that can reach neither GitHub nor the hub says so and exits 1", "[sweep]") {
  testing::TempDir home;
  Run r = Cli(home.path(), {"-c", "github.api_url=http://127.0.0.1:1", "-c",
                            "hub.url=http://127.0.0.1:1", "-c", "sweep.topics=[\"llm\"]",
                            "sweep"});
  CHECK(r.code == kExitError);
  CHECK(r.out.find("Note: GitHub search stopped after 0 of 1 topic searches: GitHub API at "
                   "127.0.0.1:1 is unreachable (127.0.0.1:1 refused the connection): check the "
                   "network, or github.api_url\n") != std::string::npos);
  CHECK(r.out.find("Note: Hub trending models were not read: the Hugging Face Hub at 127.0.0.1:1 "
                   "is unreachable") != std::string::npos);
  CHECK(r.out.find("Jobs: 0 drafts made · 0 failed · 0 released · 0 left queued · cost "
                   "$0.0000\n") != std::string::npos);
}

TEST_CASE("sweep refuses a --since or --limit it cannot use, with the fix") {
  testing::TempDir home;
  Run since = Cli(home.path(), {"sweep", "--since", "soon"});
  CHECK(since.code == kExitUsage);
  CHECK(since.err ==
        "intern: --since \"soon\" is not a duration; write it like 7d, 36h or 2d12h\n");
  Run limit = Cli(home.path(), {"sweep", "--limit", "0"});
  CHECK(limit.code == kExitUsage);
  CHECK(limit.err == "intern: --limit 0 is out of range; give 1 to 1000\n");
}

}  // namespace
}  // namespace intern::agent
