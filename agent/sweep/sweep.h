#pragma once
// One sweep (DESIGN §10, `intern sweep`): discover candidates (agent/sweep/candidates.h), plan
// (agent/sweep/plan.h), then — unless it is a dry run — add the new tools to the catalog in the
// store (source "sweep"), queue one compare job per pair (dedup key "compare:a|b", so a pair is
// never queued twice), and run the queued compare jobs, this sweep's and any left by earlier
// ones, `sweep.parallel` at a time under the sweep budget (agent/sweep/job_worker.h).
//
// A dry run reads the store and the network and writes nothing: the HTTP cache it is given
// should be a MemoryHttpCache.
//
// Events (store-wide): "sweep_started", "sweep_finished" (the summary), "sweep_note" (a source
// that failed or was rate limited).
//
// Thread safety: one sweep at a time per store (the daemon's lock ensures it for the daemon;
// two concurrent `intern sweep` runs are harmless: job leases keep them apart).

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "agent/sweep/candidates.h"
#include "agent/sweep/job_worker.h"
#include "agent/sweep/plan.h"
#include "config/config.h"
#include "sessions/store.h"
#include "tools/github/http_cache.h"
#include "tools/http/http_client.h"

namespace intern::agent {

struct SweepOptions {
  std::chrono::milliseconds since{7 * 86'400'000LL};
  int limit = 20;
  bool dry_run = false;
};

struct SweepServices {
  sessions::Store& store;
  tools::HttpClient& http;
  tools::HttpCache& cache;
  Clock& clock;
  JobHandler handler;         // runs one compare job
  std::string owner;          // lease owner prefix, unique per process
  const std::atomic<int>* interrupt = nullptr;
  std::chrono::milliseconds lease{std::chrono::minutes(10)};
  // One line per event for the operator (stderr); may be empty.
  std::function<void(const std::string& line)> log = nullptr;
};

struct SweepReport {
  std::string id;     // "sweep-YYYYMMDDTHHMMSSZ"
  std::string since;  // YYYY-MM-DD, the creation-date cut-off
  bool dry_run = false;
  int github_found = 0;
  int hub_found = 0;
  bool all_sources_failed = false;  // neither GitHub nor the hub answered
  SweepPlan plan;
  int added = 0;   // catalog entries written
  int queued = 0;  // jobs this sweep queued
  bool jobs_run = false;
  JobRunReport jobs;
  double budget_usd = 0;
  std::vector<std::string> notes;
};

SweepReport RunSweep(const config::Config& cfg, const SweepOptions& options,
                     SweepServices& services);

// The summary table for people, and the same as one JSON object.
std::string FormatSweepReport(const SweepReport& report);
std::string SweepReportJson(const SweepReport& report);

// The sentence for a sweep that stopped at its budget ("" when it did not).
std::string BudgetSentence(const SweepReport& report);

}  // namespace intern::agent
