#include "agent/sweep/sweep.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "agent/catalog_store.h"
#include "agent/sweep/compare_job.h"
#include "tools/github/github_client.h"
#include "tools/hub/hub_client.h"

namespace intern::agent {
namespace {

using nlohmann::json;

std::string SweepId(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("sweep-{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::vector<PastComparison> PastComparisons(const sessions::Store& store) {
  std::vector<PastComparison> out;
  for (const sessions::DraftRecord& d : store.ListDrafts()) {
    auto session = store.GetSession(d.session_id);
    if (!session) continue;
    json names = json::parse(session->subjects, nullptr, false);
    auto at = ParseRfc3339(d.created_at);
    if (!names.is_array() || names.size() != 2 || !names[0].is_string() ||
        !names[1].is_string() || !at) {
      continue;
    }
    out.push_back({names[0].get<std::string>(), names[1].get<std::string>(), *at});
  }
  return out;
}

std::set<std::string> UnfinishedKeys(const sessions::Store& store) {
  std::set<std::string> keys;
  for (auto status : {sessions::JobStatus::kQueued, sessions::JobStatus::kLeased}) {
    for (const sessions::JobRecord& j : store.ListJobs(status)) {
      if (!j.dedup_key.empty()) keys.insert(j.dedup_key);
    }
  }
  return keys;
}

std::set<std::string> RecentlyDoneKeys(const sessions::Store& store,
                                       std::chrono::system_clock::time_point since) {
  std::set<std::string> keys;
  for (const sessions::JobRecord& j : store.ListJobs(sessions::JobStatus::kDone)) {
    auto at = ParseRfc3339(j.updated_at);
    if (!j.dedup_key.empty() && at && *at >= since) keys.insert(j.dedup_key);
  }
  return keys;
}

void Event(sessions::Store& store, const std::string& level, const std::string& kind,
           const json& message) {
  sessions::EventRecord e;
  e.level = level;
  e.kind = kind;
  e.message = message.dump(-1, ' ', false, json::error_handler_t::replace);
  store.AppendEvent(std::move(e));
}

std::string Popularity(const SweepCandidate& c) {
  if (c.source == "github") return fmt::format("{} stars", c.stars);
  return fmt::format("{} downloads", c.downloads);
}

}  // namespace

SweepReport RunSweep(const config::Config& cfg, const SweepOptions& options,
                     SweepServices& services) {
  auto log = [&](const std::string& line) {
    if (services.log) services.log(line);
  };
  const auto now = services.clock.Now();
  SweepReport report;
  report.id = SweepId(now);
  report.dry_run = options.dry_run;
  report.budget_usd = cfg.sweep.budget_usd;
  const auto created_since = now - options.since;
  report.since = UtcDate(created_since);

  tools::GithubClientOptions github_options;
  github_options.api_url = cfg.github.api_url;
  // GitHub sends 30 results a page; one page more than the limit needs leaves room for the forks
  // and archived repositories discovery drops.
  github_options.max_pages = std::clamp((options.limit + 29) / 30 + 1, 2, 10);
  tools::GithubClient github(services.http, services.cache, services.clock, github_options);
  tools::HubClientOptions hub_options;
  hub_options.url = cfg.hub.url;
  tools::HubClient hub(services.http, hub_options);

  DiscoveryOptions discovery_options;
  discovery_options.created_since = created_since;
  discovery_options.limit = options.limit;
  discovery_options.topics = cfg.sweep.topics;
  discovery_options.min_stars = cfg.sweep.min_stars;
  if (!options.dry_run) {
    Event(services.store, "info", "sweep_started",
          {{"sweep", report.id}, {"since", report.since}, {"limit", options.limit}});
  }
  log(fmt::format("{}: looking for tools created since {}", report.id, report.since));
  Discovery discovery = DiscoverCandidates(github, hub, discovery_options);
  report.github_found = static_cast<int>(discovery.github.size());
  report.hub_found = static_cast<int>(discovery.hub.size());
  report.notes = discovery.notes;
  report.all_sources_failed = discovery.github_failed && discovery.hub_failed;
  for (const std::string& note : discovery.notes) {
    log(note);
    if (!options.dry_run) Event(services.store, "warn", "sweep_note", {{"sweep", report.id}, {"note", note}});
  }

  const config::Catalog catalog = CatalogFromStore(services.store);
  PlanInputs inputs;
  inputs.catalog = &catalog;
  inputs.sweep_added_ids = SweepAddedIds(services.store);
  inputs.past = PastComparisons(services.store);
  inputs.unfinished_keys = UnfinishedKeys(services.store);
  inputs.recent_keys =
      RecentlyDoneKeys(services.store, now - std::chrono::hours(24) * cfg.sweep.refresh_days);
  inputs.now = now;
  inputs.refresh_days = cfg.sweep.refresh_days;
  inputs.limit = options.limit;
  report.plan = PlanSweep(discovery, inputs);
  if (options.dry_run) return report;

  for (const PlannedTool& tool : report.plan.tools) {
    if (!tool.from_earlier_sweep) {
      Status valid = config::ValidateCatalogEntry(tool.entry);
      if (!valid.ok()) {
        report.notes.push_back(fmt::format("{} was not added: {}", tool.candidate.id,
                                           valid.message()));
        continue;
      }
      sessions::CatalogEntryRecord record;
      record.key = tool.entry.id;
      record.name = tool.entry.name;
      record.kind = tool.entry.kind;
      record.category = tool.entry.category;
      record.data = CatalogEntryToJson(tool.entry);
      record.source = "sweep";
      services.store.PutCatalogEntry(record);
      ++report.added;
      log(fmt::format("added {} ({}, {})", tool.entry.id, tool.candidate.id,
                      Popularity(tool.candidate)));
    }
    if (tool.pair && tool.pair->status == PairStatus::kQueue) {
      sessions::JobRecord job;
      job.kind = "compare";
      job.payload = ComparePayload(tool.pair->newcomer, tool.pair->incumbent, report.id);
      job.dedup_key = tool.pair->dedup_key;
      job.max_attempts = cfg.sweep.max_attempts;
      const std::int64_t id = services.store.EnqueueJob(job);
      ++report.queued;
      log(fmt::format("queued job {}: {} vs {}", id, tool.pair->newcomer_name,
                      tool.pair->incumbent_name));
    }
  }

  JobWorkerOptions worker;
  worker.owner = services.owner;
  worker.lease = services.lease;
  worker.parallel = cfg.sweep.parallel;
  worker.budget_usd = cfg.sweep.budget_usd;
  worker.retry_after = std::chrono::minutes(5);
  worker.interrupt = services.interrupt;
  report.jobs = RunQueuedJobs(services.store, services.handler, worker);
  report.jobs_run = true;
  if (std::string budget = BudgetSentence(report); !budget.empty()) {
    report.notes.push_back(budget);
    log(budget);
  }
  for (const JobFailure& f : report.jobs.failures) {
    log(fmt::format("job {} failed{}: {}", f.job_id, f.final ? " for good" : "", f.error));
  }
  json summary = json::parse(SweepReportJson(report));
  Event(services.store, report.jobs.failures.empty() ? "info" : "warn", "sweep_finished", summary);
  return report;
}

std::string BudgetSentence(const SweepReport& report) {
  if (!report.jobs.budget_reached) return "";
  return fmt::format(
      "The sweep budget of ${:.2f} was reached (${:.4f} spent), so no more jobs were started; "
      "{} job{} stay{} queued for the next sweep.",
      report.budget_usd, report.jobs.cost_usd, report.jobs.left_queued,
      report.jobs.left_queued == 1 ? "" : "s", report.jobs.left_queued == 1 ? "s" : "");
}

std::string FormatSweepReport(const SweepReport& r) {
  std::string out = fmt::format("{}{}: tools created since {} · {} from GitHub, {} from the hub\n",
                                r.id, r.dry_run ? " (dry run: nothing was changed)" : "", r.since,
                                r.github_found, r.hub_found);
  int new_tools = 0;
  int recent = 0;
  int already = 0;
  int to_queue = 0;
  for (const PlannedTool& t : r.plan.tools) {
    if (!t.from_earlier_sweep) ++new_tools;
    if (!t.pair) continue;
    switch (t.pair->status) {
      case PairStatus::kQueue: ++to_queue; break;
      case PairStatus::kRecent: ++recent; break;
      case PairStatus::kAlreadyQueued: ++already; break;
    }
  }
  if (!r.plan.tools.empty()) {
    std::size_t w_id = 4, w_src = 11, w_pop = 10;
    for (const PlannedTool& t : r.plan.tools) {
      w_id = std::max(w_id, t.entry.id.size());
      w_src = std::max(w_src, t.candidate.id.size());
      w_pop = std::max(w_pop, Popularity(t.candidate).size());
    }
    out += fmt::format("\n  {:<{}}  {:<{}}  {:<{}}  {}\n", "tool", w_id, "found as", w_src,
                       "popularity", w_pop, "paired with");
    for (const PlannedTool& t : r.plan.tools) {
      std::string paired = "no incumbent fits";
      if (t.pair) {
        paired = t.pair->incumbent_name;
        if (t.pair->status == PairStatus::kRecent) paired += " (compared recently; skipped)";
        if (t.pair->status == PairStatus::kAlreadyQueued) paired += " (already queued)";
      }
      if (t.from_earlier_sweep) paired += " [added by an earlier sweep]";
      out += fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}\n", t.entry.id, w_id, t.candidate.id, w_src,
                         Popularity(t.candidate), w_pop, paired);
    }
    out += "\n";
  }
  const std::size_t known = r.plan.known.size();
  out += fmt::format("New tools: {}{} · already known: {}{}\n",
                     r.dry_run ? new_tools : r.added, r.dry_run ? " (would be added)" : "", known,
                     r.plan.over_limit.empty()
                         ? ""
                         : fmt::format(" · left out by the limit: {}", r.plan.over_limit.size()));
  out += fmt::format("Pairs: {} {} · {} compared within refresh_days · {} already queued\n",
                     r.dry_run ? to_queue : r.queued, r.dry_run ? "would be queued" : "queued",
                     recent, already);
  if (r.jobs_run) {
    out += fmt::format("Jobs: {} drafts made · {} failed · {} released · {} left queued · cost ${:.4f}\n",
                       r.jobs.drafts.size(), r.jobs.failed, r.jobs.released, r.jobs.left_queued,
                       r.jobs.cost_usd);
    for (const std::string& d : r.jobs.drafts) {
      out += fmt::format("  draft {}: read it with `intern drafts show {}`\n", d, d);
    }
    for (const JobFailure& f : r.jobs.failures) {
      out += fmt::format("  job {} failed{}: {}\n", f.job_id, f.final ? " for good" : "", f.error);
    }
  }
  for (const std::string& note : r.notes) out += "Note: " + note + "\n";
  return out;
}

std::string SweepReportJson(const SweepReport& r) {
  json tools = json::array();
  for (const PlannedTool& t : r.plan.tools) {
    json item = {{"id", t.entry.id},
                 {"source", t.candidate.source},
                 {"found_as", t.candidate.id},
                 {"url", t.candidate.url},
                 {"stars", t.candidate.stars},
                 {"downloads", t.candidate.downloads},
                 {"category", t.entry.category},
                 {"kind", t.entry.kind},
                 {"new", !t.from_earlier_sweep}};
    if (t.pair) {
      item["pair"] = {{"incumbent", t.pair->incumbent},
                      {"incumbent_name", t.pair->incumbent_name},
                      {"dedup_key", t.pair->dedup_key},
                      {"status", PairStatusName(t.pair->status)}};
    } else {
      item["pair"] = nullptr;
    }
    tools.push_back(std::move(item));
  }
  json failures = json::array();
  for (const JobFailure& f : r.jobs.failures) {
    failures.push_back({{"job", f.job_id}, {"error", f.error}, {"final", f.final}});
  }
  json j = {{"sweep", r.id},
            {"dry_run", r.dry_run},
            {"since", r.since},
            {"found", {{"github", r.github_found}, {"hub", r.hub_found}}},
            {"tools", tools},
            {"known", r.plan.known},
            {"over_limit", r.plan.over_limit},
            {"all_sources_failed", r.all_sources_failed},
            {"added", r.added},
            {"queued", r.queued},
            {"notes", r.notes}};
  if (r.jobs_run) {
    j["jobs"] = {{"drafts", r.jobs.drafts},
                 {"done", r.jobs.done},
                 {"failed", r.jobs.failed},
                 {"released", r.jobs.released},
                 {"left_queued", r.jobs.left_queued},
                 {"cost_usd", r.jobs.cost_usd},
                 {"budget_usd", r.budget_usd},
                 {"budget_reached", r.jobs.budget_reached},
                 {"stopped", r.jobs.stopped},
                 {"failures", failures}};
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace intern::agent
