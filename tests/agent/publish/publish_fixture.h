#pragma once
// Shared by the publishing tests: approved drafts in a store, a config whose site repository is
// in a temporary folder, and a reader of what a git repository's branch holds (via libgit2).

#include <git2.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "agent/comparison.h"
#include "agent/comparison_json.h"
#include "config/config.h"
#include "sessions/sha256.h"
#include "sessions/store.h"
#include "tests/agent/comparison_fixture.h"
#include "tools/repo/git_handle.h"
#include "tools/repo/libgit2_init.h"

namespace intern::agent::publish::testing {

inline config::Config SiteConfig(const std::filesystem::path& root) {
  config::Config c;
  c.home = root / "home";
  c.publish.repo = root / "site";
  c.publish.branch = "main";
  c.publish.author_email = "";
  return c;
}

// A pending draft of `comparison` in a new session of `store`; returns its id.
inline std::string AddDraft(sessions::Store& store, Comparison comparison) {
  sessions::Session s;
  s.kind = "compare";
  s.title = comparison.title;
  s = store.CreateSession(s);
  comparison.session = s.id;
  sessions::DraftRecord d;
  d.session_id = s.id;
  d.title = comparison.title;
  d.document = ComparisonToJson(comparison);
  return store.CreateDraft(d).id;
}

inline void Approve(sessions::Store& store, const std::string& id,
                    const std::string& reviewer = "Ada Reviewer",
                    const std::string& comment = "checked the sources") {
  std::string sha = store.GetDraft(id)->sha256;
  store.RecordDecision(id, sessions::ApprovalDecision::kApprove, reviewer, comment, sha);
}

inline std::string AddApprovedDraft(sessions::Store& store, Comparison comparison,
                                    const std::string& reviewer = "Ada Reviewer") {
  std::string id = AddDraft(store, std::move(comparison));
  Approve(store, id, reviewer);
  return id;
}

struct LoggedCommit {
  std::string id;
  std::string message;
  std::string author_name;
  std::string author_email;
  std::string committer_name;
  std::string committer_email;
  std::vector<std::string> files;  // every blob path in the commit's tree, sorted
};

// The commits of `ref` in `repo_path`, newest first (a bare or non-bare repository); empty when
// there is no repository or no such branch.
inline std::vector<LoggedCommit> GitLog(const std::filesystem::path& repo_path,
                                        const std::string& ref = "refs/heads/main") {
  namespace git = tools::git;
  git::LibGit2 libgit2;
  std::vector<LoggedCommit> out;
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, repo_path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                              nullptr) != 0)
    return out;
  git::Repository repo(raw_repo);
  git_oid tip;
  if (git_reference_name_to_id(&tip, repo.get(), ref.c_str()) != 0) return out;
  git_oid id = tip;
  while (true) {
    git_commit* raw = nullptr;
    if (git_commit_lookup(&raw, repo.get(), &id) != 0) break;
    git::Commit commit(raw);
    LoggedCommit c;
    c.id = git::OidHex(id);
    c.message = git_commit_message(commit.get());
    c.author_name = git_commit_author(commit.get())->name;
    c.author_email = git_commit_author(commit.get())->email;
    c.committer_name = git_commit_committer(commit.get())->name;
    c.committer_email = git_commit_committer(commit.get())->email;
    git_tree* raw_tree = nullptr;
    git_commit_tree(&raw_tree, commit.get());
    git::Tree tree(raw_tree);
    git_tree_walk(
        tree.get(), GIT_TREEWALK_PRE,
        [](const char* root, const git_tree_entry* entry, void* payload) {
          if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
            static_cast<std::vector<std::string>*>(payload)->push_back(std::string(root) +
                                                                       git_tree_entry_name(entry));
          return 0;
        },
        &c.files);
    std::sort(c.files.begin(), c.files.end());
    out.push_back(std::move(c));
    if (git_commit_parentcount(commit.get()) == 0) break;
    id = *git_commit_parent_id(commit.get(), 0);
  }
  return out;
}

// Paths that differ between the working tree (and index) and HEAD; empty for a clean checkout.
inline std::vector<std::string> DirtyPaths(const std::filesystem::path& repo_path) {
  namespace git = tools::git;
  git::LibGit2 libgit2;
  std::vector<std::string> out;
  git_repository* raw_repo = nullptr;
  if (git_repository_open(&raw_repo, repo_path.c_str()) != 0) return {"<no repository>"};
  git::Repository repo(raw_repo);
  git_status_options options = GIT_STATUS_OPTIONS_INIT;
  options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
  git_status_list* raw_list = nullptr;
  if (git_status_list_new(&raw_list, repo.get(), &options) != 0) return {"<status failed>"};
  std::unique_ptr<git_status_list, git::Deleter<git_status_list, git_status_list_free>> list(
      raw_list);
  for (size_t i = 0; i < git_status_list_entrycount(list.get()); ++i) {
    const git_status_entry* e = git_status_byindex(list.get(), i);
    const git_diff_delta* delta = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
    out.push_back(delta ? delta->new_file.path : "?");
  }
  return out;
}

}  // namespace intern::agent::publish::testing
