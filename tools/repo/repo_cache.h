#pragma once
// RepoCache — local copies of the repositories repo_inspect reads, under one cache directory
// (production: <INTERN_HOME>/cache/repos).
//
// Layout: <cache_dir>/<source.cache_key>.git is a bare repository into which every Sync fetches
// +refs/heads/*:refs/heads/* and +refs/tags/*:refs/tags/* from the source URL (a mirror of
// branches and tags, pruned on every fetch; no remote is stored in its config), and whose HEAD
// follows the remote's default branch. Tags of trees or blobs are not kept (they are no releases,
// and libgit2 1.5's local transport cannot fetch again past them). Bare is enough because the
// inspector reads files from the object database (HEAD's tree), never from a working tree, and it
// halves the disk use. <cache_dir>/<key>.lock is the per-repository lock file. A first clone is
// built in <key>.git.tmp and renamed into place only when complete, so a failed or interrupted
// clone never leaves a half-filled entry behind.
//
// Thread safety: Sync may be called from several threads and processes at once. Two syncs of the
// same repository serialise on the lock file (flock); the returned CachedRepo keeps holding the
// lock until it is destroyed, so an inspection never reads refs that a concurrent fetch prunes.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "config/clock.h"
#include "config/result.h"
#include "tools/repo/libgit2_init.h"
#include "tools/repo/repo_source.h"

namespace intern::tools {

struct RepoCacheOptions {
  RepoSourceOptions source;  // accepted argument forms (GitHub base, local paths allowed?)
  // Remote hosts are probed with a TCP connect first; this bounds that probe.
  std::chrono::milliseconds connect_timeout{10'000};
  // A clone or fetch that is still transferring after this long is stopped. (A server that
  // accepts and then sends nothing cannot be interrupted: libgit2 1.5 gives no callback then.)
  std::chrono::milliseconds fetch_timeout{300'000};
  // How long Sync waits for another sync of the same repository to release the lock.
  std::chrono::milliseconds lock_timeout{120'000};
  // A transfer that grows past this many bytes is stopped (kTooLarge).
  std::uint64_t max_fetch_bytes = std::uint64_t{2} << 30;
  // Whether remote hosts are probed before libgit2 connects (tests of the fetch path turn it off
  // to see libgit2's own failure).
  bool probe_remote = true;
};

// A synced cache entry; holds the repository's cache lock while alive. Move-only.
class CachedRepo {
 public:
  CachedRepo(CachedRepo&& other) noexcept;
  CachedRepo& operator=(CachedRepo&& other) noexcept;
  CachedRepo(const CachedRepo&) = delete;
  CachedRepo& operator=(const CachedRepo&) = delete;
  ~CachedRepo();

  // The bare repository to inspect.
  const std::filesystem::path& path() const { return path_; }
  const RepoSource& source() const { return source_; }
  // True when this Sync made the entry (a clone); false when it updated one (a fetch).
  bool cloned() const { return cloned_; }
  // Non-empty when the fetch failed but an older copy was there to use: why it is stale.
  const std::string& stale_reason() const { return stale_reason_; }

 private:
  friend class RepoCache;
  CachedRepo(std::filesystem::path path, RepoSource source, int lock_fd)
      : path_(std::move(path)), source_(std::move(source)), lock_fd_(lock_fd) {}

  std::filesystem::path path_;
  RepoSource source_;
  int lock_fd_ = -1;  // flock'ed; closing it releases the lock
  bool cloned_ = false;
  std::string stale_reason_;
};

class RepoCache {
 public:
  // `clock` bounds the lock wait and the fetch (Monotonic, Sleep); it must outlive the cache.
  // The cache directory is created on first use.
  RepoCache(std::filesystem::path cache_dir, RepoCacheOptions options, Clock& clock);

  // Validates `repo` (ParseRepoSource) and syncs it.
  Result<CachedRepo> Sync(std::string_view repo, const std::atomic<bool>* cancel = nullptr);

  // Clones `source` into the cache, or fetches into the existing entry. Failures (each message
  // names the URL and the fix): kInvalidArgument for a local path that does not exist or is not
  // a git repository; kConnection when the host cannot be reached; kTimeout when the lock wait or
  // the transfer runs out of time; kTooLarge past max_fetch_bytes; kCancelled when *cancel is
  // set; kIo for cache directory problems and other libgit2 failures. A failed fetch into an
  // existing entry is not a failure: the old copy is returned with stale_reason() set.
  Result<CachedRepo> Sync(const RepoSource& source, const std::atomic<bool>* cancel = nullptr);

  const std::filesystem::path& cache_dir() const { return cache_dir_; }
  const RepoCacheOptions& options() const { return options_; }

 private:
  git::LibGit2 libgit2_;
  std::filesystem::path cache_dir_;
  RepoCacheOptions options_;
  Clock& clock_;
};

}  // namespace intern::tools
