#include "tools/repo/repo_inspector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

#include "tools/repo/git_handle.h"
#include "tools/repo/licence_guess.h"

namespace intern::tools {
namespace {

using std::chrono::days;
using std::chrono::seconds;

constexpr std::size_t kMaxLicenceBytes = 256 * 1024;

TimePoint FromGitTime(git_time_t t) { return TimePoint(seconds(t)); }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The top-level blob of `tree` whose lower-cased name comes first in `preferred`; then, if
// `prefixes` is not empty, the first blob (in tree order) whose lower-cased name starts with one.
const git_tree_entry* FindFile(git_tree* tree, const std::vector<std::string_view>& preferred,
                               const std::vector<std::string_view>& prefixes) {
  const git_tree_entry* best = nullptr;
  std::size_t best_rank = preferred.size() + 1;
  std::size_t count = git_tree_entrycount(tree);
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) continue;
    std::string name = Lower(git_tree_entry_name(entry));
    auto it = std::find(preferred.begin(), preferred.end(), name);
    std::size_t rank = static_cast<std::size_t>(it - preferred.begin());
    if (it == preferred.end()) {
      bool prefixed = std::any_of(prefixes.begin(), prefixes.end(),
                                  [&](std::string_view p) { return name.rfind(p, 0) == 0; });
      if (!prefixed) continue;
    }
    if (rank < best_rank) {
      best = entry;
      best_rank = rank;
    }
  }
  return best;
}

Result<std::string> ReadBlob(git_repository* repo, const git_tree_entry* entry,
                             std::size_t max_bytes, const std::string& what) {
  git_blob* raw = nullptr;
  int rc = git_blob_lookup(&raw, repo, git_tree_entry_id(entry));
  if (rc < 0)
    return git::ErrorFailure(rc, fmt::format("{}: reading {}", what, git_tree_entry_name(entry)));
  git::Blob blob(raw);
  auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                     std::min(size, max_bytes));
}

// The first `max_lines` lines of `text`, at most `max_bytes` bytes, never splitting a UTF-8
// sequence. Sets *truncated when anything was left out.
std::string Head(std::string_view text, std::size_t max_lines, std::size_t max_bytes,
                 bool* truncated) {
  std::size_t end = 0;
  std::size_t lines = 0;
  while (end < text.size() && lines < max_lines) {
    std::size_t nl = text.find('\n', end);
    end = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lines;
  }
  if (end > max_bytes) {
    end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  std::string_view kept = text.substr(0, end);
  *truncated = kept.size() < text.size() &&
               text.find_first_not_of(" \t\r\n", kept.size()) != std::string_view::npos;
  std::string out;
  out.reserve(kept.size());
  for (char c : kept) {
    if (c != '\r') out += c;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

const std::set<std::string, std::less<>>& BuildFileNames() {
  static const std::set<std::string, std::less<>> names = {
      "BUILD",           "BUILD.bazel",    "CMakeLists.txt",
      "Cargo.toml",      "Dockerfile",     "GNUmakefile",
      "Gemfile",         "MODULE.bazel",   "Makefile",
      "Package.swift",   "SConstruct",     "WORKSPACE",
      "WORKSPACE.bazel", "build.gradle",   "build.gradle.kts",
      "build.sbt",       "build.zig",      "composer.json",
      "configure",       "configure.ac",   "docker-compose.yml",
      "environment.yml", "flake.nix",      "go.mod",
      "makefile",        "meson.build",    "package.json",
      "pom.xml",         "pyproject.toml", "requirements.txt",
      "setup.cfg",       "setup.py",
  };
  return names;
}

struct AuthorTally {
  std::string name;  // from the newest commit seen
  int commits = 0;
  bool in_window = false;
};

Status WalkHistory(git_repository* repo, TimePoint now, const InspectOptions& options,
                   const std::string& what, RepoReport& report) {
  git_revwalk* raw_walk = nullptr;
  int rc = git_revwalk_new(&raw_walk, repo);
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: starting the history walk", what));
  git::Revwalk walk(raw_walk);
  git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
  rc = git_revwalk_push_head(walk.get());
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: walking from HEAD", what));

  // A repository without a .mailmap has an empty one; a broken .mailmap is not worth failing for.
  git_mailmap* raw_mailmap = nullptr;
  if (git_mailmap_from_repository(&raw_mailmap, repo) < 0) raw_mailmap = nullptr;
  git::Mailmap mailmap(raw_mailmap);

  const TimePoint window_end = report.window_start + days(52 * 7);
  std::map<std::string, AuthorTally> authors;
  bool first = true;
  git_oid oid;
  while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
    if (report.commits_total % 1024 == 0 && options.cancel != nullptr && options.cancel->load()) {
      return Fail(ErrorCode::kCancelled, fmt::format("{} was cancelled.", what));
    }
    if (static_cast<std::size_t>(report.commits_total) >= options.max_commits) {
      report.commits_capped = true;
      break;
    }
    git_commit* raw_commit = nullptr;
    rc = git_commit_lookup(&raw_commit, repo, &oid);
    if (rc < 0)
      return git::ErrorFailure(rc, fmt::format("{}: reading commit {}", what, git::OidHex(oid)));
    git::Commit commit(raw_commit);
    TimePoint when = FromGitTime(git_commit_time(commit.get()));
    ++report.commits_total;
    if (first || when > report.last_commit_at) report.last_commit_at = when;
    if (first || when < report.first_commit_at) report.first_commit_at = when;
    first = false;

    bool in_window = when >= report.window_start && when <= now && when < window_end;
    if (in_window) {
      auto week = std::chrono::duration_cast<days>(when - report.window_start).count() / 7;
      ++report.weekly[static_cast<std::size_t>(week)];
      ++report.commits_last_year;
    }

    git_signature* raw_author = nullptr;
    if (git_commit_author_with_mailmap(&raw_author, commit.get(), mailmap.get()) < 0) continue;
    git::Signature author(raw_author);
    AuthorTally& tally = authors[Lower(author->email == nullptr ? "" : author->email)];
    if (tally.commits == 0 && author->name != nullptr) tally.name = author->name;
    ++tally.commits;
    tally.in_window = tally.in_window || in_window;
  }
  if (rc < 0 && rc != GIT_ITEROVER) {
    return git::ErrorFailure(rc, fmt::format("{}: walking the history", what));
  }

  report.contributors_total = static_cast<int>(authors.size());
  for (const auto& [email, tally] : authors) {
    if (tally.in_window) ++report.contributors_last_year;
    report.top_contributors.push_back({tally.name, email, tally.commits});
  }
  std::stable_sort(
      report.top_contributors.begin(), report.top_contributors.end(),
      [](const Contributor& a, const Contributor& b) { return a.commits > b.commits; });
  if (report.top_contributors.size() > options.top_contributors) {
    report.top_contributors.resize(options.top_contributors);
  }
  return Status::Ok();
}

struct TagWalk {
  git_repository* repo;
  std::vector<TagInfo>* tags;
};

int CollectTag(const char* ref_name, git_oid* oid, void* payload) {
  auto* walk = static_cast<TagWalk*>(payload);
  git_object* raw = nullptr;
  if (git_object_lookup(&raw, walk->repo, oid, GIT_OBJECT_ANY) < 0) return 0;
  git::Object object(raw);
  TagInfo tag;
  std::string_view name = ref_name;
  if (name.rfind("refs/tags/", 0) == 0) name.remove_prefix(10);
  tag.name = std::string(name);
  std::optional<TimePoint> tagger_time;
  if (git_object_type(object.get()) == GIT_OBJECT_TAG) {
    tag.annotated = true;
    const git_signature* tagger = git_tag_tagger(reinterpret_cast<const git_tag*>(object.get()));
    if (tagger != nullptr) tagger_time = FromGitTime(tagger->when.time);
  }
  git_object* raw_peeled = nullptr;
  if (git_object_peel(&raw_peeled, object.get(), GIT_OBJECT_COMMIT) < 0) return 0;
  git::Object peeled(raw_peeled);
  const auto* commit = reinterpret_cast<const git_commit*>(peeled.get());
  tag.commit = git::OidHex(*git_commit_id(commit));
  tag.date = tagger_time.value_or(FromGitTime(git_commit_time(commit)));
  walk->tags->push_back(std::move(tag));
  return 0;
}

Status ReadTags(git_repository* repo, TimePoint now, const std::string& what, RepoReport& report) {
  TagWalk walk{repo, &report.tags};
  int rc = git_tag_foreach(repo, CollectTag, &walk);
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: listing tags", what));
  std::sort(report.tags.begin(), report.tags.end(), [](const TagInfo& a, const TagInfo& b) {
    return a.date != b.date ? a.date < b.date : a.name < b.name;
  });
  std::vector<double> gaps;
  for (std::size_t i = 0; i < report.tags.size(); ++i) {
    const TimePoint date = report.tags[i].date;
    if (date >= report.window_start && date <= now) ++report.tags_last_year;
    if (i > 0) {
      gaps.push_back(std::chrono::duration<double>(date - report.tags[i - 1].date).count() /
                     86400.0);
    }
  }
  if (!gaps.empty()) {
    std::sort(gaps.begin(), gaps.end());
    std::size_t mid = gaps.size() / 2;
    report.median_days_between_tags =
        gaps.size() % 2 == 1 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2.0;
  }
  return Status::Ok();
}

Status ReadFiles(git_repository* repo, git_commit* head, const InspectOptions& options,
                 const std::string& what, RepoReport& report) {
  git_tree* raw_tree = nullptr;
  int rc = git_commit_tree(&raw_tree, head);
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: reading HEAD's tree", what));
  git::Tree tree(raw_tree);

  std::size_t count = git_tree_entrycount(tree.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_tree_entry* entry = git_tree_entry_byindex(tree.get(), i);
    std::string_view name = git_tree_entry_name(entry);
    if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB && BuildFileNames().contains(name)) {
      report.build_files.emplace_back(name);
    }
  }
  std::sort(report.build_files.begin(), report.build_files.end());

  static const std::vector<std::string_view> kLicenceNames = {
      "license", "license.md", "license.txt", "licence",   "licence.md", "licence.txt",
      "copying", "copying.md", "copying.txt", "unlicense", "license.rst"};
  static const std::vector<std::string_view> kLicencePrefixes = {"license", "licence", "copying"};
  if (const git_tree_entry* entry = FindFile(tree.get(), kLicenceNames, kLicencePrefixes)) {
    Result<std::string> text = ReadBlob(repo, entry, kMaxLicenceBytes, what);
    if (!text) return text.failure();
    report.licence_file = git_tree_entry_name(entry);
    report.licence_spdx = GuessSpdx(*text);
    bool cut = false;
    report.licence_head = Head(*text, options.readme_max_lines, options.readme_max_bytes, &cut);
  }

  static const std::vector<std::string_view> kReadmeNames = {
      "readme.md", "readme.markdown", "readme.rst", "readme.txt",
      "readme",    "readme.adoc",     "readme.org"};
  if (const git_tree_entry* entry = FindFile(tree.get(), kReadmeNames, {"readme"})) {
    // Read one byte past the cap so a README of exactly the cap is not called truncated.
    Result<std::string> text = ReadBlob(repo, entry, options.readme_max_bytes * 4 + 1, what);
    if (!text) return text.failure();
    report.readme_file = git_tree_entry_name(entry);
    report.readme_head =
        Head(*text, options.readme_max_lines, options.readme_max_bytes, &report.readme_truncated);
  }
  return Status::Ok();
}

}  // namespace

TimePoint WeekStartUtc(TimePoint t) {
  auto day = std::chrono::floor<days>(t);
  // 1970-01-01 was a Thursday: three days after a Monday.
  long long since_monday = ((day.time_since_epoch().count() + 3) % 7 + 7) % 7;
  return TimePoint(day - days(since_monday));
}

Result<RepoReport> InspectRepo(const std::filesystem::path& repo_path, TimePoint now,
                               const std::string& display_name, const InspectOptions& options) {
  git::LibGit2 libgit2;
  const std::string what = fmt::format("inspecting {}", display_name);
  git_repository* raw_repo = nullptr;
  int rc =
      git_repository_open_ext(&raw_repo, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  git::Repository repo(raw_repo);
  if (rc < 0) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("{} is not a git repository: pass a clone URL or the path of a "
                            "repository.",
                            display_name));
  }

  git_reference* raw_head = nullptr;
  rc = git_repository_head(&raw_head, repo.get());
  if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("{} has no commits yet, so there is nothing to inspect: try again "
                            "once something has been pushed.",
                            display_name));
  }
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: reading HEAD", what));
  git::Reference head(raw_head);

  RepoReport report;
  if (git_reference_is_branch(head.get())) {
    report.default_branch = git_reference_shorthand(head.get());
  }
  git_object* raw_commit = nullptr;
  rc = git_reference_peel(&raw_commit, head.get(), GIT_OBJECT_COMMIT);
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: resolving HEAD", what));
  git::Object head_commit(raw_commit);
  report.head_commit = git::OidHex(*git_object_id(head_commit.get()));
  report.window_start = WeekStartUtc(now) - days(51 * 7);

  if (Status s = WalkHistory(repo.get(), now, options, what, report); !s) return s.failure();
  if (Status s = ReadTags(repo.get(), now, what, report); !s) return s.failure();
  if (Status s = ReadFiles(repo.get(), reinterpret_cast<git_commit*>(head_commit.get()), options,
                           what, report);
      !s) {
    return s.failure();
  }
  return report;
}

}  // namespace intern::tools
