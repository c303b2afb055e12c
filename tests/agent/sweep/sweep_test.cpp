// Acceptance of `intern sweep` (DESIGN §10) against loopback fakes of GitHub search and the
// hub, with the offline researcher making the drafts.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "agent/comparison_validator.h"
#include "agent/sweep/configured_sweep.h"
#include "agent/toolbox.h"
#include "sessions/store.h"
#include "tests/agent/sweep/sweep_test_support.h"
#include "tools/github/http_cache.h"
#include "tools/http/beast_http_client.h"
#include "tools/store_ledger.h"

namespace intern::agent {
namespace {

using namespace sweep_testing;
using testing::FakeHttpServer;
using testing::FakeResponse;


struct Harness {
  testing::TempDir home;
  FakeHttpServer github;
  FakeHttpServer hub;
  FakeClock clock;  // 2026-01-01T00:00:00Z: "--since 7d" means created on or after 2025-12-25
  config::Config cfg;

  explicit Harness(std::vector<std::string> extra = {}) {
    std::vector<std::string> overrides = {"github.api_url=" + github.url(),
                                          "hub.url=" + hub.url(), "sweep.topics=[\"llm\"]",
                                          "sweep.min_stars=100"};
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    cfg = MakeConfig(home.path(), overrides);
  }
  sessions::Store OpenStore() {
    return sessions::Store::Open(config::StorePath(cfg), {&clock});
  }
  SweepReport Sweep(sessions::Store& store, bool dry_run = false) {
    ConfiguredSweepOptions options;
    options.sweep.since = cfg.sweep.since;
    options.sweep.limit = cfg.sweep.limit;
    options.sweep.dry_run = dry_run;
    return RunConfiguredSweep(cfg, store, clock, options);
  }
};

std::set<std::string> Keys(const sessions::Store& store) {
  std::set<std::string> keys;
  for (const auto& j : store.ListJobs()) keys.insert(j.dedup_key);
  return keys;
}

void CheckValidDraft(sessions::Store& store, const std::string& draft_id, const std::string& a,
                     const std::string& b) {
  auto record = store.GetDraft(draft_id);
  REQUIRE(record.has_value());
  CHECK(record->status == sessions::DraftStatus::kPendingReview);
  CHECK(record->title == a + " vs " + b);
  Comparison doc = ComparisonFromJson(record->document).value();
  CHECK(doc.provider == "offline");
  tools::StoreLedger ledger(store, record->session_id);
  std::vector<ValidationProblem> problems = Validate(doc, LookupIn(ledger));
  INFO(FormatProblems(problems));
  CHECK(Storable(problems));
}

TEST_CASE("a sweep adds new tools, skips known ones, queues the right pairs and leaves valid drafts",
          "[sweep]") {
  Harness h;
  ServeSearch(h.github);
  ServeTrending(h.hub);
  sessions::Store store = h.OpenStore();
  SweepReport report = h.Sweep(store);
  INFO(FormatSweepReport(report));

  // The search asked for the window, the topic and the minimum stars, and followed the link.
  std::vector<testing::RecordedRequest> searches = SearchRequests(h.github);
  REQUIRE(searches.size() == 2);
  CHECK(Unescape(searches[0].target) ==
        "/search/repositories?q=topic:llm created:>=2025-12-25 stars:>=100&sort=stars&order=desc");
  CHECK(searches[1].target.find("&page=2") != std::string::npos);
  REQUIRE(h.hub.request_count() >= 1);
  CHECK(h.hub.requests()[0].target == "/api/models?sort=trendingScore&direction=-1&limit=20");

  CHECK(report.github_found == 4);
  CHECK(report.hub_found == 2);  // the old trending model is outside the window
  CHECK(report.plan.known ==
        std::vector<std::string>{"huggingface/transformers", "HuggingFaceTB/SmolVLM2-2.2B-Instruct"});
  CHECK(report.added == 4);
  CHECK(report.queued == 3);
  CHECK(Keys(store) == std::set<std::string>{"compare:agentsmith|langgraph",
                                             "compare:gemma-3n|pico-vlm-1b",
                                             "compare:fastserve|vllm"});
  std::set<std::string> added;
  for (const auto& e : store.ListCatalogEntries()) {
    CHECK(e.source == "sweep");
    added.insert(e.key);
  }
  CHECK(added == std::set<std::string>{"agentsmith", "fastserve", "lonely-tool", "pico-vlm-1b"});
  auto pico = store.GetCatalogEntry("pico-vlm-1b");
  REQUIRE(pico.has_value());
  CHECK(pico->category == "Small multimodal models");
  CHECK(pico->data.find("\"source\":\"" + h.hub.url() + "/newlab/Pico-VLM-1B\"") !=
        std::string::npos);

  REQUIRE(report.jobs_run);
  CHECK(report.jobs.done == 3);
  CHECK(report.jobs.failed == 0);
  CHECK(report.jobs.left_queued == 0);
  REQUIRE(report.jobs.drafts.size() == 3);
  std::map<std::string, std::string> titles;
  for (const std::string& id : report.jobs.drafts) titles[store.GetDraft(id)->title] = id;
  REQUIRE(titles.size() == 3);
  CheckValidDraft(store, titles.at("agentsmith vs LangGraph"), "agentsmith", "LangGraph");
  CheckValidDraft(store, titles.at("Pico-VLM-1B vs Gemma 3n"), "Pico-VLM-1B", "Gemma 3n");
  CheckValidDraft(store, titles.at("fastserve vs vLLM"), "fastserve", "vLLM");
  for (const auto& j : store.ListJobs()) CHECK(j.status == sessions::JobStatus::kDone);

  const std::string text = FormatSweepReport(report);
  CHECK(text.find("New tools: 4 · already known: 2\n") != std::string::npos);
  CHECK(text.find("Pairs: 3 queued · 0 compared within refresh_days · 0 already queued\n") !=
        std::string::npos);
  CHECK(text.find("Jobs: 3 drafts made · 0 failed · 0 released · 0 left queued · cost $0.0000\n") !=
        std::string::npos);
  CHECK(text.find("  lonely-tool ") != std::string::npos);
  CHECK(text.find("no incumbent fits") != std::string::npos);

  // The next sweep finds the same tools: nothing new, and the pairs were just compared.
  h.clock.Advance(std::chrono::hours(24));
  SweepReport again = h.Sweep(store);
  CHECK(again.added == 0);
  CHECK(again.queued == 0);
  int recent = 0;
  for (const PlannedTool& t : again.plan.tools) {
    CHECK(t.from_earlier_sweep);
    if (t.pair && t.pair->status == PairStatus::kRecent) ++recent;
  }
  CHECK(recent == 3);
  CHECK(store.ListDrafts().size() == 3);
  // Both sweeps logged to the store.
  int finished = 0;
  for (const auto& e : store.ListEvents("")) finished += e.kind == "sweep_finished";
  CHECK(finished == 2);
}

TEST_CASE("a dry run shows the plan and changes nothing in the store", "[sweep]") {
  Harness h;
  ServeSearch(h.github);
  ServeTrending(h.hub);
  {
    sessions::Store store = h.OpenStore();
    sessions::EventRecord e;
    e.kind = "marker";
    store.AppendEvent(e);
  }
  const std::string before = testing::ReadFile(config::StorePath(h.cfg));
  SweepReport report;
  {
    sessions::Store store = h.OpenStore();
    report = h.Sweep(store, /*dry_run=*/true);
    CHECK(store.ListCatalogEntries().empty());
    CHECK(store.ListJobs().empty());
    CHECK(store.ListDrafts().empty());
    CHECK(store.ListEvents("").size() == 1);
    CHECK_FALSE(store.GetHttpCache(h.github.url() + SearchRequests(h.github)[0].target).has_value());
  }
  CHECK(testing::ReadFile(config::StorePath(h.cfg)) == before);
  CHECK(report.dry_run);
  CHECK_FALSE(report.jobs_run);
  CHECK(report.plan.tools.size() == 4);
  const std::string text = FormatSweepReport(report);
  CHECK(text.find(" (dry run: nothing was changed)") != std::string::npos);
  CHECK(text.find("New tools: 4 (would be added) · already known: 2\n") != std::string::npos);
  CHECK(text.find("Pairs: 3 would be queued · 0 compared within refresh_days · 0 already queued\n") !=
        std::string::npos);
  nlohmann::json j = nlohmann::json::parse(SweepReportJson(report));
  CHECK(j["dry_run"] == true);
  CHECK(j["tools"].size() == 4);
  CHECK(j["tools"][0]["id"] == "pico-vlm-1b");  // GitHub's first (most stars) was known
  CHECK(j["tools"][0]["pair"]["dedup_key"] == "compare:gemma-3n|pico-vlm-1b");
  CHECK(j["tools"][0]["pair"]["status"] == "queue");
  CHECK(j["tools"][1]["id"] == "agentsmith");
  CHECK(j["tools"][1]["pair"]["dedup_key"] == "compare:agentsmith|langgraph");
  CHECK_FALSE(j.contains("jobs"));
}

TEST_CASE("a sweep that reaches its budget stops starting jobs and says so", "[sweep]") {
  Harness h({"sweep.budget_usd=1.0", "sweep.parallel=1"});
  ServeSearch(h.github);
  ServeTrending(h.hub);
  sessions::Store store = h.OpenStore();
  tools::BeastHttpClient http(HttpOptionsFromConfig(h.cfg));
  tools::MemoryHttpCache cache;
  int started = 0;
  SweepServices services{store, http, cache, h.clock,
                         [&](const JobContext&) {
                           ++started;
                           JobOutcome o;
                           o.cost_usd = 0.6;
                           return o;
                         },
                         "budget-test",
                         nullptr,
                         std::chrono::minutes(10),
                         nullptr};
  SweepOptions options;
  SweepReport report = RunSweep(h.cfg, options, services);
  CHECK(report.queued == 3);
  CHECK(started == 2);
  CHECK(report.jobs.budget_reached);
  CHECK(report.jobs.left_queued == 1);
  const std::string sentence =
      "The sweep budget of $1.00 was reached ($1.2000 spent), so no more jobs were started; 1 job "
      "stays queued for the next sweep.";
  CHECK(BudgetSentence(report) == sentence);
  CHECK(FormatSweepReport(report).find("Note: " + sentence + "\n") != std::string::npos);
  CHECK(store.ListJobs(sessions::JobStatus::kQueued).size() == 1);

  // The next sweep (a new budget) runs the job that waited, and does not queue again the pairs
  // whose jobs just finished.
  SweepReport next = RunSweep(h.cfg, options, services);
  CHECK(next.queued == 0);
  CHECK(started == 3);
  CHECK(next.jobs.done == 1);
  CHECK_FALSE(next.jobs.budget_reached);
  CHECK(store.ListJobs(sessions::JobStatus::kQueued).empty());
}

FakeResponse RateLimited(std::int64_t reset) {
  FakeResponse r = FakeResponse::Json(
      403, R"({"message":"API rate limit exceeded for 127.0.0.1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})");
  r.WithHeader("x-ratelimit-limit", "10")
      .WithHeader("x-ratelimit-remaining", "0")
      .WithHeader("x-ratelimit-reset", std::to_string(reset))
      .WithHeader("x-ratelimit-resource", "search");
  return r;
}

TEST_CASE("a rate-limited GitHub search waits once on the clock, then stops the GitHub part cleanly",
          "[sweep]") {
  Harness h({"sweep.topics=[\"llm\", \"ai-agents\", \"generative-ai\"]"});
  const std::int64_t now = 1767225600;
  h.github.On("GET", "/search/repositories", {RateLimited(now + 30)});
  ServeTrending(h.hub);
  sessions::Store store = h.OpenStore();
  SweepReport report = h.Sweep(store);
  INFO(FormatSweepReport(report));
  // One request, a wait until the reset, one retry; never the other topics.
  CHECK(SearchRequests(h.github).size() == 2);
  std::chrono::milliseconds waited{0};
  for (auto d : h.clock.sleeps()) waited += d;
  CHECK(waited == std::chrono::seconds(31));
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].rfind("GitHub search stopped after 0 of 3 topic searches: ", 0) == 0);
  CHECK(report.github_found == 0);
  CHECK(report.hub_found == 2);  // the hub part still ran
  CHECK(report.added == 1);
}

TEST_CASE("a GitHub rate limit that resets far ahead stops the search at once without waiting",
          "[sweep]") {
  Harness h({"sweep.topics=[\"llm\", \"ai-agents\"]"});
  const std::int64_t now = 1767225600;
  h.github.On("GET", "/search/repositories", {RateLimited(now + 3600)});
  ServeTrending(h.hub);
  sessions::Store store = h.OpenStore();
  SweepReport report = h.Sweep(store);
  CHECK(SearchRequests(h.github).size() == 1);
  CHECK(h.clock.sleeps().empty());
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].rfind("GitHub search stopped after 0 of 2 topic searches: ", 0) == 0);
  CHECK(report.notes[0].find("GITHUB_TOKEN") != std::string::npos);
  bool logged = false;
  for (const auto& e : store.ListEvents("")) logged |= e.kind == "sweep_note" && e.level == "warn";
  CHECK(logged);
}

TEST_CASE("a hub answering something other than a model list leaves a note and GitHub still counts",
          "[sweep]") {
  Harness h;
  ServeSearch(h.github);
  h.hub.On("GET", "/api/models", {FakeResponse::Json(200, R"({"error":"maintenance"})")});
  sessions::Store store = h.OpenStore();
  SweepReport report = h.Sweep(store, /*dry_run=*/true);
  CHECK(report.github_found == 4);
  CHECK(report.hub_found == 0);
  CHECK_FALSE(report.all_sources_failed);
  CHECK(report.notes == std::vector<std::string>{
                            "Hub trending models were not read: the Hugging Face Hub's model "
                            "listing is not a JSON list; check hub.url"});
}

}  // namespace
}  // namespace intern::agent
