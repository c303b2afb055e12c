#pragma once
// InspectRepo — facts about a git repository read from its object database: commit activity,
// contributors, tags and their cadence, licence, build files and README of the default branch.
//
// Definitions (so that the numbers mean one thing everywhere):
// - Commits are those reachable from HEAD (the default branch), dated by committer time (when
//   the commit landed, which is what "activity" means for a branch), at most
//   InspectOptions::max_commits of them, newest first; commits_capped says when the walk stopped.
// - "The last year" is the 52 weeks of `weekly`: weeks start Monday 00:00 UTC, weekly[51] is the
//   week containing `now`, weekly[0] began on window_start (51 weeks before that Monday).
//   commits_last_year == the sum of weekly; commits dated after `now` are in no bucket.
// - Contributors are distinct author e-mail addresses (case-insensitive) after the repository's
//   .mailmap, if any; a contributor's name is the one on their newest commit.
// - Tags are dated by their tagger (annotated tags) or else by the commit they point to; tags of
//   trees or blobs are ignored. median_days_between_tags is over consecutive tags in date order.
// - Files (licence, build files, README) are the top-level blobs of HEAD's tree.
//
// Thread safety: InspectRepo opens its own repository handle; concurrent calls are fine as long
// as nothing rewrites the repository meanwhile (RepoCache's lock guarantees that for the cache).

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/result.h"

namespace intern::tools {

using TimePoint = std::chrono::system_clock::time_point;

struct Contributor {
  std::string name;
  std::string email;  // lower case
  int commits = 0;

  bool operator==(const Contributor&) const = default;
};

struct TagInfo {
  std::string name;    // without "refs/tags/"
  TimePoint date;      // tagger time, else the commit's committer time
  std::string commit;  // hex id of the commit it points to
  bool annotated = false;

  bool operator==(const TagInfo&) const = default;
};

struct RepoReport {
  std::string default_branch;  // "main"; empty when HEAD is detached
  std::string head_commit;     // hex id
  TimePoint last_commit_at;    // newest committer time among the walked commits
  TimePoint first_commit_at;   // oldest committer time among the walked commits
  long long commits_total = 0;
  bool commits_capped = false;  // the walk stopped at max_commits: totals are lower bounds

  TimePoint window_start;        // Monday 00:00 UTC that begins weekly[0]
  std::array<int, 52> weekly{};  // commits per week, oldest first
  int commits_last_year = 0;

  int contributors_total = 0;
  int contributors_last_year = 0;             // authors of commits in the 52 weeks
  std::vector<Contributor> top_contributors;  // by commits, then e-mail; at most top_n

  std::vector<TagInfo> tags;                       // by date, then name
  int tags_last_year = 0;                          // tags dated in the 52 weeks (up to now)
  std::optional<double> median_days_between_tags;  // needs two tags

  std::string licence_file;              // e.g. "LICENSE"; empty when there is none
  std::string licence_spdx;              // GuessSpdx of it; empty when there is no licence file
  std::string licence_head;              // its first lines, cut like readme_head
  std::vector<std::string> build_files;  // sorted by name

  std::string readme_file;        // e.g. "README.md"; empty when there is none
  std::string readme_head;        // the first lines of it (see InspectOptions)
  bool readme_truncated = false;  // the README goes on past readme_head
};

struct InspectOptions {
  std::size_t max_commits = 100'000;  // bounds the walk on huge histories
  std::size_t top_contributors = 10;
  std::size_t readme_max_lines = 40;
  std::size_t readme_max_bytes = 2048;  // cut at a UTF-8 character boundary
  // When set and true, the history walk stops (checked every 1024 commits and at the start) and
  // InspectRepo fails with kCancelled. Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

// Inspects the repository at `repo_path` (bare or not) as of `now`. Failures: kNotFound when the
// path is not a repository, or when it has no commits yet (message says so and what to do);
// kCancelled when options.cancel is set; kIo for libgit2 errors reading it. `display_name` names
// the repository in messages.
Result<RepoReport> InspectRepo(const std::filesystem::path& repo_path, TimePoint now,
                               const std::string& display_name, const InspectOptions& options = {});

// Monday 00:00 UTC of the week that contains `t`.
TimePoint WeekStartUtc(TimePoint t);

}  // namespace intern::tools
