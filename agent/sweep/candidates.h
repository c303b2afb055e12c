#pragma once
// Sweep candidates (DESIGN §10): new repositories from GitHub search and trending models from the
// Hugging Face Hub, as plain structs the planner reads.
//
// GitHub: one search per topic in `topics` (GitHub's topic qualifiers cannot be OR-ed), each
// `topic:T created:>=DATE stars:>=N` sorted by stars, following `link` pagination up to the
// limit; results are merged by repository, most stars first. No topics: one search without a
// topic qualifier. A rate limit is handled by GithubClient (it waits on the clock when the reset
// is near, else fails); the first failure ends the GitHub part and becomes a note, so a limited
// API is never asked again in the same sweep.
// Hub: the trending listing (`sort=trendingScore`), keeping models created within the window
// (a model without a creation date is kept). A failure becomes a note.
//
// Thread safety: none; one discovery at a time per client pair.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/github/github_client.h"
#include "tools/hub/hub_client.h"

namespace intern::agent {

struct SweepCandidate {
  std::string source;  // "github" or "hub"
  std::string id;      // "owner/name" (GitHub) or the hub model id
  std::string name;    // the repository or model name, without the owner
  std::string organisation;
  std::string url;  // its public page (the source of the facts read from it)
  std::string description;
  std::int64_t stars = 0;
  std::int64_t downloads = 0;  // hub: last 30 days
  std::int64_t likes = 0;
  std::string licence;
  std::string created_at;  // RFC 3339 as the source wrote it
  std::vector<std::string> topics;
  std::string pipeline_tag;
  std::string language;  // GitHub's main language, or the hub's library name

  bool operator==(const SweepCandidate&) const = default;
};

struct DiscoveryOptions {
  std::chrono::system_clock::time_point created_since;
  int limit = 20;  // per source
  std::vector<std::string> topics;
  int min_stars = 0;
  bool github = true;
  bool hub = true;
  tools::GithubClient::Cancel cancel = nullptr;
};

struct Discovery {
  std::vector<SweepCandidate> github;  // most stars first
  std::vector<SweepCandidate> hub;     // in the hub's trending order
  std::vector<std::string> notes;      // one sentence per source that failed or was limited
  bool github_failed = false;          // the GitHub part ended on a failure
  bool hub_failed = false;
};

Discovery DiscoverCandidates(tools::GithubClient& github, tools::HubClient& hub,
                             const DiscoveryOptions& options);

// "2026-11-14" for the UTC day of `t`.
std::string UtcDate(std::chrono::system_clock::time_point t);
// RFC 3339 parse of the date part and time ("2026-11-14T10:00:00Z", fractions and offsets
// accepted); nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text);

}  // namespace intern::agent
