#include "tools/repo/repo_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "tools/repo/git_handle.h"
#include "tools/repo/tcp_probe.h"

namespace intern::tools {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBranchSpec = "+refs/heads/*:refs/heads/*";
constexpr const char* kTagSpec = "+refs/tags/*:refs/tags/*";
constexpr Clock::Duration kLockPoll{50};

long long Seconds(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// Stops a transfer from inside libgit2's progress callbacks: libgit2 aborts the fetch when a
// callback returns non-zero, which is the only way to bound a clone in libgit2 1.5.
struct TransferGuard {
  enum class Stop { kNone, kTimeout, kCancelled, kTooLarge };

  Clock* clock = nullptr;
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancel = nullptr;
  std::uint64_t max_bytes = 0;
  Stop stop = Stop::kNone;

  int Check(std::uint64_t received_bytes) {
    if (cancel != nullptr && cancel->load()) {
      stop = Stop::kCancelled;
    } else if (clock->Monotonic() >= deadline) {
      stop = Stop::kTimeout;
    } else if (received_bytes > max_bytes) {
      stop = Stop::kTooLarge;
    }
    return stop == Stop::kNone ? 0 : -1;
  }
};

int OnTransferProgress(const git_indexer_progress* stats, void* payload) {
  return static_cast<TransferGuard*>(payload)->Check(stats->received_bytes);
}

int OnSideband(const char* /*text*/, int /*len*/, void* payload) {
  return static_cast<TransferGuard*>(payload)->Check(0);
}

// Points HEAD at the branch the remote's HEAD names, so the inspector reads the default branch.
// An empty remote leaves HEAD unborn (the inspector reports "no commits"); a remote whose HEAD
// names no branch detaches HEAD at the remote's HEAD commit.
Status FollowRemoteHead(git_repository* repo, git_remote* remote, const std::string& what) {
  git::Buf branch;
  int rc = git_remote_default_branch(branch.get(), remote);
  if (rc == 0) {
    std::string name = branch.str();
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo, name.c_str()) == 0) {
      git::Reference ref(raw);
      rc = git_repository_set_head(repo, name.c_str());
      if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: setting HEAD to {}", what, name));
      return Status::Ok();
    }
  }
  const git_remote_head** heads = nullptr;
  std::size_t count = 0;
  if (git_remote_ls(&heads, &count, remote) < 0) return Status::Ok();  // nothing advertised
  for (std::size_t i = 0; i < count; ++i) {
    if (std::strcmp(heads[i]->name, "HEAD") != 0) continue;
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo, &heads[i]->oid, GIT_OBJECT_COMMIT) != 0) break;
    git::Object commit(raw);
    rc = git_repository_set_head_detached(repo, &heads[i]->oid);
    if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: detaching HEAD", what));
    break;
  }
  return Status::Ok();
}

// Removes tag refs that do not lead to a commit (tags of trees or blobs). They are no releases,
// so the inspector ignores them anyway, and libgit2 1.5's local transport fails the next fetch
// ("object is not a committish") when it tries to hide such a ref's object in its revwalk.
Status DropNonCommitTags(git_repository* repo, const std::string& what) {
  git_reference_iterator* raw_iter = nullptr;
  int rc = git_reference_iterator_glob_new(&raw_iter, repo, "refs/tags/*");
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: listing tags", what));
  std::unique_ptr<git_reference_iterator,
                  git::Deleter<git_reference_iterator, git_reference_iterator_free>>
      iter(raw_iter);
  std::vector<std::string> doomed;
  git_reference* raw_ref = nullptr;
  while (git_reference_next(&raw_ref, iter.get()) == 0) {
    git::Reference ref(raw_ref);
    git_object* raw_commit = nullptr;
    if (git_reference_peel(&raw_commit, ref.get(), GIT_OBJECT_COMMIT) == 0) {
      git::Object commit(raw_commit);
      continue;
    }
    doomed.emplace_back(git_reference_name(ref.get()));
  }
  for (const std::string& name : doomed) {
    rc = git_reference_remove(repo, name.c_str());
    if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: removing {}", what, name));
  }
  return Status::Ok();
}

// An in-memory remote for the source: nothing is written to the cache entry's config (the URL
// comes with every Sync), url.*.insteadOf rewrites do not apply (the URL fetched is the URL shown),
// and libgit2 1.5.1's config regex look-ups, which leak pcre2 match data, are avoided.
Result<git::Remote> SourceRemote(git_repository* repo, const RepoSource& source,
                                 const std::string& what) {
  git_remote_create_options opts = GIT_REMOTE_CREATE_OPTIONS_INIT;
  opts.repository = repo;
  opts.name = nullptr;
  opts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
  git_remote* raw = nullptr;
  int rc = git_remote_create_with_opts(&raw, source.fetch_url.c_str(), &opts);
  if (rc < 0) return git::ErrorFailure(rc, fmt::format("{}: setting up the remote", what));
  return git::Remote(raw);
}

}  // namespace

CachedRepo::CachedRepo(CachedRepo&& other) noexcept
    : path_(std::move(other.path_)),
      source_(std::move(other.source_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      cloned_(other.cloned_),
      stale_reason_(std::move(other.stale_reason_)) {}

CachedRepo& CachedRepo::operator=(CachedRepo&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) close(lock_fd_);
    path_ = std::move(other.path_);
    source_ = std::move(other.source_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
    cloned_ = other.cloned_;
    stale_reason_ = std::move(other.stale_reason_);
  }
  return *this;
}

CachedRepo::~CachedRepo() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

RepoCache::RepoCache(fs::path cache_dir, RepoCacheOptions options, Clock& clock)
    : cache_dir_(std::move(cache_dir)), options_(std::move(options)), clock_(clock) {}

Result<CachedRepo> RepoCache::Sync(std::string_view repo, const std::atomic<bool>* cancel) {
  Result<RepoSource> source = ParseRepoSource(repo, options_.source);
  if (!source) return source.failure();
  return Sync(*source, cancel);
}

namespace {

Status CheckLocalRepository(const RepoSource& source) {
  std::error_code ec;
  if (!fs::exists(source.fetch_url, ec)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("repo \"{}\" does not exist: pass the path of an existing git "
                            "repository or a clone URL.",
                            source.input));
  }
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, source.fetch_url.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH,
                                   nullptr);
  git::Repository repo(raw);
  // libgit2 1.5.1 reports a foreign owner as GIT_ENOTFOUND ("'safe.directory' was not found")
  // rather than GIT_EOWNER, so the owner is checked here too.
  struct stat st {};
  bool foreign = stat(source.fetch_url.c_str(), &st) == 0 && st.st_uid != geteuid();
  if (rc == GIT_EOWNER || (rc < 0 && foreign)) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("repo \"{}\" belongs to another user, so libgit2 refuses to read it: "
                            "pass its clone URL, or add the path to git's safe.directory.",
                            source.input));
  }
  if (rc < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("repo \"{}\" is not a git repository: pass the path of a repository "
                            "(the folder holding .git) or a clone URL.",
                            source.input));
  }
  return Status::Ok();
}

// Whether `path` holds a bare repository libgit2 can open (a damaged entry is cloned again).
bool IsUsableEntry(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path / "HEAD", ec)) return false;
  git_repository* raw = nullptr;
  int rc = git_repository_open_bare(&raw, path.c_str());
  git::Repository repo(raw);
  return rc == 0;
}

// Takes the per-repository lock, polling so the wait honours the deadline and cancellation.
Result<int> Lock(const fs::path& lock_path, const RepoSource& source,
                 std::chrono::milliseconds timeout, Clock& clock, const std::atomic<bool>* cancel) {
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, fmt::format("opening the cache lock {}: {}; check that the cache "
                                            "directory is writable.",
                                            lock_path.string(), strerrordesc_np(errno)));
  }
  auto deadline = clock.Monotonic() + timeout;
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    int err = errno;
    if (err != EWOULDBLOCK && err != EINTR) {
      close(fd);
      return Fail(ErrorCode::kIo,
                  fmt::format("locking {}: {}", lock_path.string(), strerrordesc_np(err)));
    }
    if (cancel != nullptr && cancel->load()) {
      close(fd);
      return Fail(ErrorCode::kCancelled,
                  fmt::format("syncing {} was cancelled while waiting for the cache lock.",
                              source.display_url));
    }
    if (clock.Monotonic() >= deadline) {
      close(fd);
      return Fail(ErrorCode::kTimeout,
                  fmt::format("another inspection of {} held its cache lock for more than {} s: "
                              "retry later.",
                              source.display_url, Seconds(timeout)));
    }
    clock.Sleep(kLockPoll);
  }
}

}  // namespace

Result<CachedRepo> RepoCache::Sync(const RepoSource& source, const std::atomic<bool>* cancel) {
  if (source.kind == RepoSource::Kind::kLocal) {
    if (Status s = CheckLocalRepository(source); !s) return s.failure();
  }
  std::error_code ec;
  fs::create_directories(cache_dir_, ec);
  if (ec) {
    return Fail(ErrorCode::kIo,
                fmt::format("creating the repository cache {}: {}; check that INTERN_HOME is "
                            "writable.",
                            cache_dir_.string(), ec.message()));
  }
  Result<int> lock = Lock(cache_dir_ / (source.cache_key + ".lock"), source, options_.lock_timeout,
                          clock_, cancel);
  if (!lock) return lock.failure();
  CachedRepo entry(cache_dir_ / (source.cache_key + ".git"), source, *lock);

  bool exists = IsUsableEntry(entry.path());
  if (!exists) fs::remove_all(entry.path(), ec);  // damaged beyond use: clone afresh
  const std::string verb = exists ? "fetching" : "cloning";
  const std::string what = fmt::format("{} {}", verb, source.display_url);
  fs::path work = exists ? entry.path() : fs::path(entry.path().string() + ".tmp");
  if (!exists) fs::remove_all(work, ec);  // left by a clone that was killed half-way

  // Everything that can fail for the transfer itself; its failure is not final when an older copy
  // exists.
  auto transfer = [&]() -> Status {
    if (source.kind == RepoSource::Kind::kRemote && options_.probe_remote) {
      Status probe = ProbeTcp(source.host, source.port, options_.connect_timeout);
      if (!probe) {
        return Fail(probe.code(), fmt::format("{} failed: {}; check the URL, or the network if "
                                              "the host should be reachable.",
                                              what, probe.message()));
      }
    }
    git_repository* raw_repo = nullptr;
    int rc = exists ? git_repository_open_bare(&raw_repo, work.c_str())
                    : git_repository_init(&raw_repo, work.c_str(), /*is_bare=*/1);
    git::Repository repo(raw_repo);
    if (rc < 0) {
      return git::ErrorFailure(rc, fmt::format("{}: {} the cache entry {}", what,
                                               exists ? "opening" : "creating", work.string()));
    }
    Result<git::Remote> remote = SourceRemote(repo.get(), source, what);
    if (!remote) return remote.failure();

    TransferGuard guard{&clock_, clock_.Monotonic() + options_.fetch_timeout, cancel,
                        options_.max_fetch_bytes};
    git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
    opts.callbacks.transfer_progress = OnTransferProgress;
    opts.callbacks.sideband_progress = OnSideband;
    opts.callbacks.payload = &guard;
    opts.prune = GIT_FETCH_PRUNE;
    opts.update_fetchhead = 0;
    opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    const char* specs[] = {kBranchSpec, kTagSpec};
    git_strarray refspecs{const_cast<char**>(specs), 2};
    rc = git_remote_fetch(remote->get(), &refspecs, &opts, "repo_inspect fetch");
    switch (guard.stop) {
      case TransferGuard::Stop::kCancelled:
        return Fail(ErrorCode::kCancelled, fmt::format("{} was cancelled.", what));
      case TransferGuard::Stop::kTimeout:
        return Fail(ErrorCode::kTimeout,
                    fmt::format("{} was stopped after {} s (the fetch timeout): retry later, or "
                                "raise the timeout for a repository this large.",
                                what, Seconds(options_.fetch_timeout)));
      case TransferGuard::Stop::kTooLarge:
        return Fail(ErrorCode::kTooLarge,
                    fmt::format("{} was stopped after {} MiB (the size cap): inspect a smaller "
                                "repository or raise the cap.",
                                what, options_.max_fetch_bytes >> 20));
      case TransferGuard::Stop::kNone:
        break;
    }
    if (rc < 0) {
      Failure f = git::ErrorFailure(rc, fmt::format("{} failed", what));
      f.message += "; check that the URL names a git repository you can read.";
      // libgit2 1.5 files socket errors (refused, reset) under its OS class; for a remote that is
      // what an unclassified fetch failure almost always is.
      if (f.code == ErrorCode::kIo && source.kind == RepoSource::Kind::kRemote) {
        f.code = ErrorCode::kConnection;
      }
      return f;
    }
    if (Status s = DropNonCommitTags(repo.get(), what); !s) return s;
    return FollowRemoteHead(repo.get(), remote->get(), what);
  };

  Status done = transfer();
  if (exists) {
    if (!done && done.code() == ErrorCode::kCancelled) return done.failure();
    if (!done) entry.stale_reason_ = done.message();
    return entry;
  }
  if (!done) {
    fs::remove_all(work, ec);
    return done.failure();
  }
  fs::rename(work, entry.path(), ec);
  if (ec) {
    std::string reason = ec.message();
    fs::remove_all(work, ec);
    return Fail(ErrorCode::kIo, fmt::format("{}: moving the new clone into {}: {}", what,
                                            entry.path().string(), reason));
  }
  entry.cloned_ = true;
  return entry;
}

}  // namespace intern::tools
