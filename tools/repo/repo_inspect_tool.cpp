#include "tools/repo/repo_inspect_tool.h"

#include <fmt/format.h>

#include <ctime>
#include <utility>

namespace intern::tools {
namespace {

std::string FormatTime(TimePoint t, const char* format) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[40];
  std::size_t n = std::strftime(out, sizeof out, format, &tm);
  return std::string(out, n);
}

std::string Rfc3339(TimePoint t) { return FormatTime(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string Day(TimePoint t) { return FormatTime(t, "%Y-%m-%d"); }

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

Result<std::pair<std::string, std::string>> ParseArgs(const nlohmann::json& args) {
  const std::string fix = "pass a clone URL, an absolute repository path, or owner/name.";
  if (!args.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                "repo_inspect takes a JSON object such as {\"repo\": \"owner/name\"}: pass its "
                "arguments as an object.");
  }
  for (const auto& [key, value] : args.items()) {
    if (key != "repo" && key != "subject") {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("unknown argument \"{}\": repo_inspect takes only repo and "
                              "subject.",
                              key));
    }
  }
  auto repo = args.find("repo");
  if (repo == args.end()) return Fail(ErrorCode::kInvalidArgument, "repo is missing: " + fix);
  if (!repo->is_string()) {
    return Fail(ErrorCode::kInvalidArgument, "repo must be a string: " + fix);
  }
  std::string subject;
  if (auto it = args.find("subject"); it != args.end()) {
    if (!it->is_string()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "subject must be a string naming the catalog tool, or be left out.");
    }
    subject = it->get<std::string>();
  }
  return std::pair{repo->get<std::string>(), subject};
}

// The rows of one report, in the order the summary lists them.
std::vector<EvidenceDraft> Facts(const RepoReport& r, const RepoSource& source,
                                 const std::string& subject) {
  const std::string branch = r.default_branch.empty() ? "detached HEAD" : r.default_branch;
  EvidenceDraft base;
  base.subject = subject;
  base.kind = "repo";
  base.source_url = source.display_url;
  base.title = fmt::format("{} ({} @ {})", source.display_url, branch, r.head_commit.substr(0, 12));
  base.tool = "repo_inspect";
  std::vector<EvidenceDraft> rows;
  auto add = [&](std::string field, std::string value, std::string quote, std::string body) {
    EvidenceDraft d = base;
    d.field = std::move(field);
    d.value = std::move(value);
    d.quote = std::move(quote);
    d.body = std::move(body);
    rows.push_back(std::move(d));
  };

  add("last_commit", Rfc3339(r.last_commit_at),
      fmt::format("HEAD {} of {} committed {}; first commit {}; {}{} commits{}", r.head_commit,
                  branch, Rfc3339(r.last_commit_at), Rfc3339(r.first_commit_at),
                  r.commits_capped ? "at least " : "", r.commits_total,
                  r.commits_capped ? " (history walk capped)" : ""),
      "");

  std::vector<std::string> counts;
  std::string weeks;
  for (std::size_t i = 0; i < r.weekly.size(); ++i) {
    counts.push_back(std::to_string(r.weekly[i]));
    weeks += fmt::format("{} {}\n", Day(r.window_start + std::chrono::days(7 * i)), r.weekly[i]);
  }
  add("commits_last_year", std::to_string(r.commits_last_year),
      fmt::format("commits per week (weeks from Monday {} UTC, oldest first): {}",
                  Day(r.window_start), Join(counts, " ")),
      weeks);

  std::vector<std::string> top;
  std::string people;
  for (const Contributor& c : r.top_contributors) {
    top.push_back(fmt::format("{} <{}> {}", c.name, c.email, c.commits));
    people += fmt::format("{} <{}>: {} commit{}\n", c.name, c.email, c.commits,
                          c.commits == 1 ? "" : "s");
  }
  add("contributors", std::to_string(r.contributors_total),
      fmt::format("{} distinct author e-mails in {} commits, {} active in the last 52 weeks; top: "
                  "{}",
                  r.contributors_total, r.commits_total, r.contributors_last_year, Join(top, ", ")),
      people);

  std::string tag_lines;
  for (const TagInfo& t : r.tags) {
    tag_lines += fmt::format("{} {} {} {}\n", t.name, Rfc3339(t.date),
                             t.annotated ? "annotated" : "lightweight", t.commit);
  }
  std::string cadence = r.median_days_between_tags ? fmt::format("median {:.1f} days between tags",
                                                                 *r.median_days_between_tags)
                                                   : std::string("too few tags for a cadence");
  std::string newest =
      r.tags.empty() ? "no tags"
                     : fmt::format("newest {} on {}", r.tags.back().name, Day(r.tags.back().date));
  add("tags", std::to_string(r.tags.size()),
      fmt::format("{}; {}; {} in the last 52 weeks", newest, cadence, r.tags_last_year), tag_lines);

  if (r.licence_file.empty()) {
    add("license", "none",
        fmt::format("no LICENSE, LICENCE or COPYING file at the top of {}", branch), "");
  } else {
    add("license", r.licence_spdx,
        fmt::format("{} (SPDX guessed from its wording)", r.licence_file), r.licence_head);
  }

  add("build_files", r.build_files.empty() ? "none" : Join(r.build_files, ", "),
      fmt::format("top-level build files of {}", branch), "");

  add("readme", r.readme_file.empty() ? "none" : r.readme_file,
      r.readme_file.empty()
          ? fmt::format("no README at the top of {}", branch)
          : fmt::format("first lines of {}{}", r.readme_file, r.readme_truncated ? " (cut)" : ""),
      r.readme_head);
  return rows;
}

std::string Summary(const RepoReport& r, const CachedRepo& entry,
                    const std::vector<std::string>& ids) {
  const std::string branch = r.default_branch.empty() ? "detached HEAD" : r.default_branch;
  std::string cache = entry.cloned() ? "cloned into the cache"
                      : entry.stale_reason().empty()
                          ? "cache updated"
                          : "cache NOT updated, facts may be old: " + entry.stale_reason();
  std::vector<std::string> counts;
  for (int n : r.weekly) counts.push_back(std::to_string(n));
  std::vector<std::string> top;
  for (const Contributor& c : r.top_contributors) {
    top.push_back(fmt::format("{} <{}> {}", c.name, c.email, c.commits));
  }
  std::vector<std::string> tag_names;
  for (const TagInfo& t : r.tags) tag_names.push_back(fmt::format("{} {}", t.name, Day(t.date)));
  std::string out;
  out += fmt::format("{} — branch {}, HEAD {} ({})\n", entry.source().display_url, branch,
                     r.head_commit.substr(0, 12), cache);
  out += fmt::format("last commit {}, first {}, {}{} commits{} [{}]\n", Rfc3339(r.last_commit_at),
                     Rfc3339(r.first_commit_at), r.commits_capped ? "at least " : "",
                     r.commits_total, r.commits_capped ? " (history walk capped)" : "", ids[0]);
  out += fmt::format("last 52 weeks (from {}): {} commits; weekly, oldest first: {} [{}]\n",
                     Day(r.window_start), r.commits_last_year, Join(counts, " "), ids[1]);
  out += fmt::format("contributors: {} ({} in the last 52 weeks); top: {} [{}]\n",
                     r.contributors_total, r.contributors_last_year, Join(top, ", "), ids[2]);
  out += fmt::format("tags: {}{}{}; {} in the last 52 weeks; {} [{}]\n", r.tags.size(),
                     r.tags.empty() ? "" : ": ", Join(tag_names, ", "), r.tags_last_year,
                     r.median_days_between_tags ? fmt::format("median {:.1f} days between tags",
                                                              *r.median_days_between_tags)
                                                : std::string("too few tags for a cadence"),
                     ids[3]);
  out += r.licence_file.empty() ? fmt::format("licence: no licence file [{}]\n", ids[4])
                                : fmt::format("licence: {}, SPDX guess {} [{}]\n", r.licence_file,
                                              r.licence_spdx, ids[4]);
  out += fmt::format("build files: {} [{}]\n",
                     r.build_files.empty() ? "none" : Join(r.build_files, ", "), ids[5]);
  out += r.readme_file.empty()
             ? fmt::format("README: none [{}]", ids[6])
             : fmt::format("README: {}, head recorded; read it with read_evidence [{}]",
                           r.readme_file, ids[6]);
  return out;
}

}  // namespace

std::filesystem::path RepoCacheDir(const std::filesystem::path& intern_home) {
  return intern_home / "cache" / "repos";
}

RepoInspectTool::RepoInspectTool(RepoInspectOptions options) : options_(std::move(options)) {
  schema_ = {
      {"type", "object"},
      {"properties",
       {{"repo",
         {{"type", "string"},
          {"description",
           "The repository: an https:// clone URL, owner/name for GitHub, or (where allowed) an "
           "absolute local path or file:// URL."}}},
        {"subject",
         {{"type", "string"},
          {"description", "Catalog name of the AI tool this repository belongs to, if any."}}}}},
      {"required", {"repo"}},
      {"additionalProperties", false},
  };
}

std::string RepoInspectTool::description() const {
  return "Clone (cached) and inspect a git repository: commits per week over the last year, last "
         "commit, contributors, tags and release cadence, licence file and SPDX guess, build "
         "files, README head. Each fact is recorded as evidence.";
}

std::string RepoInspectTool::Describe(const nlohmann::json& args) const {
  auto repo = args.is_object() ? args.find("repo") : args.end();
  if (repo == args.end() || !repo->is_string()) return Tool::Describe(args);
  return fmt::format("clone or fetch {} into the repository cache and inspect it",
                     repo->get<std::string>());
}

ToolResult RepoInspectTool::Run(const nlohmann::json& args, ToolContext& ctx) {
  auto parsed = ParseArgs(args);
  if (!parsed) return ToolResult::Error(parsed.message());
  const auto& [repo, subject] = *parsed;

  RepoCache cache(options_.cache_dir, options_.cache, ctx.clock);
  Result<CachedRepo> entry = cache.Sync(repo, ctx.cancel);
  if (!entry) return ToolResult::Error(entry.message());
  InspectOptions inspect = options_.inspect;
  inspect.cancel = ctx.cancel;
  Result<RepoReport> report =
      InspectRepo(entry->path(), ctx.clock.Now(), entry->source().display_url, inspect);
  if (!report) return ToolResult::Error(report.message());

  std::vector<std::string> ids;
  for (const EvidenceDraft& draft : Facts(*report, entry->source(), subject)) {
    Result<std::string> id = ctx.ledger.Record(draft);
    if (!id) {
      return ToolResult::Error(fmt::format("recording {} of {} in the evidence ledger failed: {}",
                                           draft.field, entry->source().display_url, id.message()));
    }
    ids.push_back(*id);
  }
  ToolResult result;
  result.content = Summary(*report, *entry, ids);
  result.evidence_ids = std::move(ids);
  return result;
}

}  // namespace intern::tools
