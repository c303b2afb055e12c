#pragma once
// The sweep planner (DESIGN §10): from the candidates found, which tools are new, what catalog
// entries they become, which incumbent each is compared with, and which of those comparisons
// to queue. Pure: reads only its inputs, so `--dry-run` shows exactly what a sweep would do.
//
// Rules:
//  - Known: a candidate whose GitHub repo, hub id, id, name or alias (compared without case and
//    punctuation) matches a catalog entry is not added. When that entry was added by an earlier
//    sweep, its pair is still considered (so a comparison that failed, waited on the budget or
//    is older than refresh_days is made again); otherwise the candidate is dropped.
//  - New: becomes a catalog entry (kind "model" for hub models; "agent" for repositories with
//    an agent topic, else "library"), with facts read from the source, each citing its page.
//    At most `limit` new tools, taken alternately from GitHub and the hub.
//  - Incumbent: among catalog entries known before this sweep that no sweep added,
//    those with the same pipeline tag or at least one shared topic; the best is the one with
//    the same pipeline tag, then the most popular (stars, downloads or likes facts), then the
//    most shared topics, then catalog order. The new entry takes the incumbent's category.
//  - A pair is skipped when a draft for the same two tools was made within refresh_days or a job
//    with its dedup key finished within refresh_days (kRecent), or an unfinished job already has
//    its dedup key (kAlreadyQueued).

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/sweep/candidates.h"
#include "config/catalog.h"

namespace intern::agent {

enum class PairStatus {
  kQueue,          // a compare job is (to be) queued
  kRecent,         // compared within refresh_days
  kAlreadyQueued,  // an unfinished job has the same dedup key
};
const char* PairStatusName(PairStatus status);  // "queue", "recent", "already_queued"

struct SweepPair {
  std::string newcomer;  // catalog id
  std::string incumbent;  // catalog id
  std::string newcomer_name;
  std::string incumbent_name;
  std::string dedup_key;  // "compare:" + the two ids in sorted order, '|' between
  PairStatus status = PairStatus::kQueue;

  bool operator==(const SweepPair&) const = default;
};

struct PlannedTool {
  SweepCandidate candidate;
  config::CatalogEntry entry;  // the entry to add (new), or the known one (from_earlier_sweep)
  bool from_earlier_sweep = false;
  std::optional<SweepPair> pair;  // nullopt when no incumbent fits
};

struct SweepPlan {
  std::vector<PlannedTool> tools;    // new tools first-come, then earlier sweeps' tools
  std::vector<std::string> known;    // candidate ids dropped as already known
  std::vector<std::string> over_limit;  // new candidate ids left out by the limit
};

// One comparison already drafted: the two subject names and when.
struct PastComparison {
  std::string name_a;
  std::string name_b;
  std::chrono::system_clock::time_point at;
};

struct PlanInputs {
  const config::Catalog* catalog = nullptr;  // required; not owned
  std::set<std::string> sweep_added_ids;  // catalog ids an earlier sweep added
  std::vector<PastComparison> past;
  std::set<std::string> unfinished_keys;  // dedup keys of queued or leased jobs
  std::set<std::string> recent_keys;      // dedup keys of jobs done within refresh_days
  std::chrono::system_clock::time_point now;
  int refresh_days = 30;
  int limit = 20;
};

SweepPlan PlanSweep(const Discovery& discovery, const PlanInputs& inputs);

// The catalog entry a new candidate becomes, with id `id` and category `category`; facts are
// dated `checked` (YYYY-MM-DD).
config::CatalogEntry EntryForCandidate(const SweepCandidate& candidate, const std::string& id,
                                       const std::string& category, const std::string& checked);

// "compare:a|b" with the ids sorted.
std::string PairKey(const std::string& a, const std::string& b);

// Lowercase letters and digits only ("Gemma-3n" and "gemma 3n" compare equal).
std::string NormalisedName(const std::string& text);

}  // namespace intern::agent
