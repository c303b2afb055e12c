#pragma once
// The site repository (DESIGN §7) through libgit2: created when missing, files committed to one
// branch without a half-done state, and the branch pushed to a remote.
//
// A commit never writes the working tree first: the files go into the object database as blobs,
// a new tree is made from the branch tip's tree with those paths replaced, and the branch moves
// to the new commit in one atomic reference update. Only then is the working tree (when the
// repository has one and HEAD is on the branch) checked out to match — forcibly, since the site
// repository is intern's: a run killed at any point leaves either the old commit or the new one,
// never a commit with part of a comparison, and the next publish's checkout repairs a working
// tree the kill left behind.
//
// Credentials for Push come from the caller (read from the environment), are handed to libgit2
// in memory for that one push and never written anywhere.
//
// One intern at a time: an open SiteRepo holds an exclusive flock(2) on `.git/intern.lock` for
// its whole life (the kernel drops it when the process dies, even by SIGKILL); a second Open
// waits up to kPublishLockWait for it and then fails with a sentence saying another publish is
// running. Holding it, SiteRepo knows that no intern is inside libgit2 on this repository, so a
// git lock file (`index.lock`, `HEAD.lock`, `packed-refs.lock`, the branch's `.lock`) older than
// kStaleGitLockAge was left by an interrupted publish and is removed on open (removed_locks()
// names them); a younger one may still belong to a git command the operator is running, and is
// left alone: the libgit2 failure it causes says to delete it, or to wait until it is stale.
//
// Errors: every failure is a Result/Status whose message names the action and the repository
// ("committing to the site repository at /x/site: ..."). Thread safety: a SiteRepo must not be
// used by two threads at once.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.h"

namespace intern::agent::publish {

struct SiteFile {
  std::string path;  // relative, '/'-separated ("comparisons/a-vs-b.html")
  std::string content;
};

struct GitPerson {
  std::string name;
  std::string email;
  std::chrono::system_clock::time_point when{};
};

// How Push authenticates. https: `token` (user `username`, else the URL's user, else
// "x-access-token") or `username` + `password`; ssh: the running ssh-agent, as the URL's user
// (else "git"). A local path or file:// remote needs none.
struct PushCredentials {
  std::string token;
  std::string username;
  std::string password;
};

// How long Open waits for another intern's hold on the repository.
inline constexpr std::chrono::seconds kPublishLockWait{10};
// The age from which a git lock file found under intern's own hold is an interrupted publish's.
inline constexpr std::chrono::seconds kStaleGitLockAge{30};

class SiteRepo {
 public:
  // Opens the repository at exactly `path` (never a parent's), or creates it — folders included,
  // not bare, HEAD on refs/heads/`branch` — when `path` is missing or an empty folder. Fails
  // (kInvalidArgument) when `path` is a non-empty folder that is not a git repository.
  static Result<SiteRepo> OpenOrCreate(const std::filesystem::path& path,
                                       const std::string& branch);
  // Opens an existing repository only (kNotFound when there is none).
  static Result<SiteRepo> Open(const std::filesystem::path& path, const std::string& branch);

  SiteRepo(SiteRepo&&) noexcept;
  SiteRepo& operator=(SiteRepo&&) noexcept;
  ~SiteRepo();

  const std::filesystem::path& path() const;

  // The stale git lock files Open removed (absolute paths), for the caller to report.
  const std::vector<std::filesystem::path>& removed_locks() const;

  // The branch tip's commit id (hex), nullopt while the branch has no commit.
  Result<std::optional<std::string>> Tip() const;

  // The text of `path` in the branch tip; nullopt when the branch or the file does not exist.
  Result<std::optional<std::string>> ReadAtTip(const std::string& path) const;

  // The text of `path` in commit `commit` (hex id); nullopt when the file does not exist there.
  Result<std::optional<std::string>> ReadAt(const std::string& commit,
                                            const std::string& path) const;

  // The newest commit of the branch (walking back from the tip, at most `limit` commits) whose
  // message has a line that is exactly "KEY: VALUE" — a git trailer; nullopt when none has.
  Result<std::optional<std::string>> FindByTrailer(std::string_view key, std::string_view value,
                                                   size_t limit = 100000) const;

  // Makes the working tree and the index match the branch tip, forcibly (when the repository has
  // a working tree and HEAD is on the branch; otherwise nothing to do). Commit does this itself;
  // a caller adopting a commit an interrupted run made calls it to finish that run's checkout.
  Status CheckOutTip();

  // Commits `files` (added or replaced; every other file of the tip is kept) on the branch with
  // `message`, then checks the working tree out. `before_ref_update`, when set, runs after the
  // commit object is written and before the branch moves; `after_ref_update` after the branch
  // moved and before the checkout (tests use them to stop a publish at the worst moments).
  // Returns the new commit's id (hex).
  Result<std::string> Commit(const std::vector<SiteFile>& files, const GitPerson& author,
                             const GitPerson& committer, const std::string& message,
                             const std::function<void()>& before_ref_update = nullptr,
                             const std::function<void()>& after_ref_update = nullptr);

  // Pushes the branch to `remote` (a URL or a path) as the same branch name. Fails with
  // kUnauthorized when the credentials are missing or refused, kConnection when the remote
  // cannot be reached, kForbidden when the remote rejects the update (not a fast-forward).
  Status Push(const std::string& remote, const PushCredentials& credentials);

  struct Impl;

 private:
  explicit SiteRepo(std::unique_ptr<Impl> impl);
  // Takes intern's hold on the opened repository and removes stale git lock files.
  static Result<SiteRepo> Hold(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace intern::agent::publish
