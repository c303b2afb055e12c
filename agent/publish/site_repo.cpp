#include "agent/publish/site_repo.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "tools/repo/git_handle.h"
#include "tools/repo/libgit2_init.h"

namespace intern::agent::publish {

namespace git = tools::git;

// An open descriptor holding flock(2) on a file; closing it drops the lock.
class HeldLock {
 public:
  HeldLock() = default;
  explicit HeldLock(int fd) : fd_(fd) {}
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
  ~HeldLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  int fd_ = -1;
};

struct SiteRepo::Impl {
  git::LibGit2 libgit2;
  std::filesystem::path path;
  std::string branch;
  git::Repository repo;
  std::unique_ptr<HeldLock> lock;  // intern's hold on the repository (site_repo.h)
  std::vector<std::filesystem::path> removed_locks;

  std::string RefName() const { return "refs/heads/" + branch; }

  // "<action> the site repository at PATH: <libgit2's message>".
  // A lock file in the way (GIT_ELOCKED) gets the fix too: a publish killed while libgit2 held
  // `index.lock` or a ref's `.lock` leaves it behind, and every later publish would fail on it.
  Failure GitFailure(int rc, std::string_view action) const {
    Failure failure =
        git::ErrorFailure(rc, fmt::format("{} the site repository at {}", action, path.string()));
    if (rc == GIT_ELOCKED) {
      failure.message += fmt::format(
          "; no other intern is using it, so unless a git command you started is still running, "
          "an interrupted one left that .lock file behind: delete it and run the command again "
          "(intern removes it itself once it is {} seconds old)",
          kStaleGitLockAge.count());
    }
    return failure;
  }
};

namespace {

using git::Deleter;
using Credential = std::unique_ptr<git_credential, Deleter<git_credential, git_credential_free>>;

// The branch tip commit, or nullptr while the branch is unborn.
Result<git::Commit> TipCommit(const SiteRepo::Impl& impl) {
  git_reference* raw_ref = nullptr;
  int rc = git_reference_lookup(&raw_ref, impl.repo.get(), impl.RefName().c_str());
  if (rc == GIT_ENOTFOUND) return git::Commit(nullptr);
  if (rc < 0) return impl.GitFailure(rc, "reading the branch of");
  git::Reference ref(raw_ref);
  git_object* raw_commit = nullptr;
  rc = git_reference_peel(&raw_commit, ref.get(), GIT_OBJECT_COMMIT);
  if (rc < 0) return impl.GitFailure(rc, "reading the branch tip of");
  return git::Commit(reinterpret_cast<git_commit*>(raw_commit));
}

Result<git::Signature> MakeSignature(const GitPerson& person) {
  git_signature* raw = nullptr;
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(person.when.time_since_epoch());
  int rc = git_signature_new(&raw, person.name.c_str(), person.email.c_str(),
                             static_cast<git_time_t>(seconds.count()), 0);
  if (rc < 0) {
    return git::ErrorFailure(
        rc, fmt::format("making the git signature of \"{}\" <{}>", person.name, person.email));
  }
  return git::Signature(raw);
}

struct PushState {
  const PushCredentials* credentials = nullptr;
  int credential_calls = 0;
  std::string rejection;  // the remote's reason for refusing the update, if it did
};

int AcquireCredential(git_credential** out, const char* /*url*/, const char* username_from_url,
                      unsigned int allowed, void* payload) {
  auto* state = static_cast<PushState*>(payload);
  // libgit2 asks again after a refusal; a second ask means the first answer was wrong, and
  // answering again would loop for as long as the server lets it.
  if (++state->credential_calls > 1) {
    git_error_set_str(GIT_ERROR_NET, "the remote refused the credentials from the environment");
    return GIT_EAUTH;
  }
  const PushCredentials& c = *state->credentials;
  std::string url_user = username_from_url != nullptr ? username_from_url : "";
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) {
    if (!c.token.empty()) {
      std::string user = !c.username.empty() ? c.username
                         : !url_user.empty() ? url_user
                                             : std::string("x-access-token");
      return git_credential_userpass_plaintext_new(out, user.c_str(), c.token.c_str());
    }
    if (!c.username.empty() && !c.password.empty())
      return git_credential_userpass_plaintext_new(out, c.username.c_str(), c.password.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0)
    return git_credential_ssh_key_from_agent(out, url_user.empty() ? "git" : url_user.c_str());
  if ((allowed & GIT_CREDENTIAL_USERNAME) != 0)
    return git_credential_username_new(out, url_user.empty() ? "git" : url_user.c_str());
  git_error_set_str(GIT_ERROR_NET,
                    "the remote wants credentials and none are set: INTERN_PUBLISH_TOKEN, or "
                    "GIT_USERNAME and GIT_PASSWORD, for https; a running ssh-agent for ssh");
  return GIT_EAUTH;
}

int RecordRejection(const char* refname, const char* status, void* payload) {
  if (status != nullptr) {
    static_cast<PushState*>(payload)->rejection = fmt::format("{} ({})", refname, status);
  }
  return 0;
}

bool IsEmptyFolder(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) &&
         std::filesystem::directory_iterator(path, ec) == std::filesystem::directory_iterator();
}

// The repository's git folder (".git" of a working tree, the repository itself when bare).
std::filesystem::path GitDir(const SiteRepo::Impl& impl) {
  return std::filesystem::path(git_repository_path(impl.repo.get()));
}

// Takes intern's hold on the repository (site_repo.h), waiting up to kPublishLockWait.
Status TakeHold(SiteRepo::Impl& impl) {
  const std::filesystem::path file = GitDir(impl) / "intern.lock";
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, fmt::format("cannot open {} of the site repository: {}",
                                            file.string(), std::strerror(errno)));
  }
  auto lock = std::make_unique<HeldLock>(fd);
  const auto give_up = std::chrono::steady_clock::now() + kPublishLockWait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return Fail(ErrorCode::kIo, fmt::format("cannot lock {} of the site repository: {}",
                                              file.string(), std::strerror(errno)));
    }
    if (std::chrono::steady_clock::now() >= give_up) {
      return Fail(ErrorCode::kUnavailable,
                  fmt::format("another intern is publishing to the site repository at {} (it "
                              "holds {}); wait for it to finish and run the command again",
                              impl.path.string(), file.string()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  impl.lock = std::move(lock);
  return Status();
}

// Under intern's hold: removes git lock files older than kStaleGitLockAge (site_repo.h).
void RemoveStaleGitLocks(SiteRepo::Impl& impl) {
  const std::filesystem::path dir = GitDir(impl);
  const std::filesystem::path candidates[] = {
      dir / "index.lock", dir / "HEAD.lock", dir / "packed-refs.lock",
      dir / (impl.RefName() + ".lock")};
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const std::filesystem::path& file : candidates) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(file, ec);
    if (ec || now - written < kStaleGitLockAge) continue;
    if (std::filesystem::remove(file, ec)) impl.removed_locks.push_back(file);
  }
}

}  // namespace

SiteRepo::SiteRepo(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SiteRepo::SiteRepo(SiteRepo&&) noexcept = default;
SiteRepo& SiteRepo::operator=(SiteRepo&&) noexcept = default;
SiteRepo::~SiteRepo() = default;

const std::filesystem::path& SiteRepo::path() const { return impl_->path; }

const std::vector<std::filesystem::path>& SiteRepo::removed_locks() const {
  return impl_->removed_locks;
}

Result<SiteRepo> SiteRepo::Hold(std::unique_ptr<Impl> impl) {
  Status held = TakeHold(*impl);
  if (!held.ok()) return held.failure();
  RemoveStaleGitLocks(*impl);
  return SiteRepo(std::move(impl));
}

Result<SiteRepo> SiteRepo::Open(const std::filesystem::path& path, const std::string& branch) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->branch = branch;
  git_repository* raw = nullptr;
  // NO_SEARCH: a missing site folder inside some other checkout must not open that checkout.
  int rc = git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  if (rc == GIT_ENOTFOUND) {
    return Fail(ErrorCode::kNotFound,
                fmt::format("there is no git repository at {}", path.string()));
  }
  if (rc < 0) return impl->GitFailure(rc, "opening");
  impl->repo.reset(raw);
  return Hold(std::move(impl));
}

Result<SiteRepo> SiteRepo::OpenOrCreate(const std::filesystem::path& path,
                                        const std::string& branch) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !IsEmptyFolder(path)) {
    Result<SiteRepo> opened = Open(path, branch);
    if (opened.ok() || opened.code() != ErrorCode::kNotFound) return opened;
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} is not a git repository and not empty; set publish.repo to a "
                            "git repository or to a new folder",
                            path.string()));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->branch = branch;
  git_repository_init_options options = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  options.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_MKDIR;
  std::string head = impl->RefName();
  options.initial_head = head.c_str();
  git_repository* raw = nullptr;
  int rc = git_repository_init_ext(&raw, path.c_str(), &options);
  if (rc < 0) return impl->GitFailure(rc, "creating");
  impl->repo.reset(raw);
  return Hold(std::move(impl));
}

Result<std::optional<std::string>> SiteRepo::Tip() const {
  Result<git::Commit> tip = TipCommit(*impl_);
  if (!tip.ok()) return tip.failure();
  if (!tip.value()) return std::optional<std::string>();
  return std::optional<std::string>(git::OidHex(*git_commit_id(tip.value().get())));
}

namespace {

// The text of `path` in `commit`; nullopt when the file is not there (or is not a file).
Result<std::optional<std::string>> ReadFromCommit(const SiteRepo::Impl& impl, git_commit* commit,
                                                  const std::string& path) {
  git_tree* raw_tree = nullptr;
  int rc = git_commit_tree(&raw_tree, commit);
  if (rc < 0) return impl.GitFailure(rc, "reading the tree of");
  git::Tree tree(raw_tree);
  git_tree_entry* raw_entry = nullptr;
  rc = git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc < 0) return impl.GitFailure(rc, fmt::format("finding {} in", path));
  std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>> entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::optional<std::string>();
  git_blob* raw_blob = nullptr;
  rc = git_blob_lookup(&raw_blob, impl.repo.get(), git_tree_entry_id(entry.get()));
  if (rc < 0) return impl.GitFailure(rc, fmt::format("reading {} in", path));
  git::Blob blob(raw_blob);
  const char* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::optional<std::string>(
      std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get()))));
}

// True when `message` has a line that is exactly "KEY: VALUE".
bool HasTrailer(std::string_view message, std::string_view key, std::string_view value) {
  while (!message.empty()) {
    size_t end = message.find('\n');
    std::string_view line = message.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() == key.size() + 2 + value.size() && line.substr(0, key.size()) == key &&
        line.substr(key.size(), 2) == ": " && line.substr(key.size() + 2) == value) {
      return true;
    }
    if (end == std::string_view::npos) break;
    message.remove_prefix(end + 1);
  }
  return false;
}

// Sets the working tree and the index to `tree`, when the repository has a working tree and HEAD
// is on the branch (site_repo.h, CheckOutTip). `what` starts the failure's action.
Status CheckOut(const SiteRepo::Impl& impl, git_tree* tree, const std::string& what) {
  git_repository* repo = impl.repo.get();
  if (git_repository_is_bare(repo)) return Status();
  git_reference* raw_head = nullptr;
  bool head_on_branch = git_reference_lookup(&raw_head, repo, "HEAD") == 0 &&
                        git_reference_type(raw_head) == GIT_REFERENCE_SYMBOLIC &&
                        impl.RefName() == git_reference_symbolic_target(raw_head);
  git::Reference head(raw_head);
  if (!head_on_branch) return Status();
  git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
  options.checkout_strategy = GIT_CHECKOUT_FORCE;
  int rc = git_checkout_head(repo, &options);
  if (rc < 0) return impl.GitFailure(rc, fmt::format("{}checking out the files failed in", what));
  // A publish killed inside an earlier checkout can leave the index behind its branch, and
  // checkout adds no entry back for a file that already holds the right content; so the index is
  // made the tree itself, or the site would stay dirty for good.
  git_index* raw_index = nullptr;
  rc = git_repository_index(&raw_index, repo);
  git::Index index(raw_index);
  if (rc >= 0) rc = git_index_read_tree(index.get(), tree);
  if (rc >= 0) rc = git_index_write(index.get());
  if (rc < 0) return impl.GitFailure(rc, fmt::format("{}writing the index failed in", what));
  return Status();
}

}  // namespace

Result<std::optional<std::string>> SiteRepo::ReadAtTip(const std::string& path) const {
  Result<git::Commit> tip = TipCommit(*impl_);
  if (!tip.ok()) return tip.failure();
  if (!tip.value()) return std::optional<std::string>();
  return ReadFromCommit(*impl_, tip.value().get(), path);
}

Result<std::optional<std::string>> SiteRepo::ReadAt(const std::string& commit,
                                                    const std::string& path) const {
  git_oid id;
  int rc = git_oid_fromstr(&id, commit.c_str());
  if (rc < 0) return impl_->GitFailure(rc, fmt::format("reading commit id {} for", commit));
  git_commit* raw = nullptr;
  rc = git_commit_lookup(&raw, impl_->repo.get(), &id);
  if (rc < 0) return impl_->GitFailure(rc, fmt::format("reading commit {} of", commit));
  git::Commit found(raw);
  return ReadFromCommit(*impl_, found.get(), path);
}

Result<std::optional<std::string>> SiteRepo::FindByTrailer(std::string_view key,
                                                           std::string_view value,
                                                           size_t limit) const {
  Result<git::Commit> tip = TipCommit(*impl_);
  if (!tip.ok()) return tip.failure();
  if (!tip.value()) return std::optional<std::string>();
  git_revwalk* raw_walk = nullptr;
  int rc = git_revwalk_new(&raw_walk, impl_->repo.get());
  git::Revwalk walk(raw_walk);
  if (rc >= 0) rc = git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  if (rc >= 0) rc = git_revwalk_push(walk.get(), git_commit_id(tip.value().get()));
  if (rc < 0) return impl_->GitFailure(rc, "walking the history of");
  git_oid id;
  for (size_t seen = 0; seen < limit && (rc = git_revwalk_next(&id, walk.get())) == 0; ++seen) {
    git_commit* raw = nullptr;
    rc = git_commit_lookup(&raw, impl_->repo.get(), &id);
    if (rc < 0) return impl_->GitFailure(rc, "reading a commit of");
    git::Commit commit(raw);
    const char* message = git_commit_message(commit.get());
    if (message != nullptr && HasTrailer(message, key, value))
      return std::optional<std::string>(git::OidHex(id));
  }
  if (rc < 0 && rc != GIT_ITEROVER) return impl_->GitFailure(rc, "walking the history of");
  return std::optional<std::string>();
}

Status SiteRepo::CheckOutTip() {
  Result<git::Commit> tip = TipCommit(*impl_);
  if (!tip.ok()) return tip.failure();
  if (!tip.value()) return Status();
  git_tree* raw_tree = nullptr;
  int rc = git_commit_tree(&raw_tree, tip.value().get());
  if (rc < 0) return impl_->GitFailure(rc, "reading the branch tip's tree of");
  git::Tree tree(raw_tree);
  return CheckOut(*impl_, tree.get(), "");
}

Result<std::string> SiteRepo::Commit(const std::vector<SiteFile>& files, const GitPerson& author,
                                     const GitPerson& committer, const std::string& message,
                                     const std::function<void()>& before_ref_update,
                                     const std::function<void()>& after_ref_update) {
  git_repository* repo = impl_->repo.get();
  Result<git::Commit> parent = TipCommit(*impl_);
  if (!parent.ok()) return parent.failure();

  git::Tree base;
  if (parent.value()) {
    git_tree* raw = nullptr;
    int rc = git_commit_tree(&raw, parent.value().get());
    if (rc < 0) return impl_->GitFailure(rc, "reading the branch tip's tree of");
    base.reset(raw);
  } else {
    // An unborn branch: build on the empty tree.
    git_treebuilder* raw_builder = nullptr;
    int rc = git_treebuilder_new(&raw_builder, repo, nullptr);
    if (rc < 0) return impl_->GitFailure(rc, "starting the first tree of");
    git::TreeBuilder builder(raw_builder);
    git_oid empty;
    rc = git_treebuilder_write(&empty, builder.get());
    git_tree* raw = nullptr;
    if (rc >= 0) rc = git_tree_lookup(&raw, repo, &empty);
    if (rc < 0) return impl_->GitFailure(rc, "writing the first tree of");
    base.reset(raw);
  }

  std::vector<git_tree_update> updates(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    git_oid blob;
    int rc =
        git_blob_create_from_buffer(&blob, repo, files[i].content.data(), files[i].content.size());
    if (rc < 0) return impl_->GitFailure(rc, fmt::format("storing {} in", files[i].path));
    updates[i].action = GIT_TREE_UPDATE_UPSERT;
    updates[i].id = blob;
    updates[i].filemode = GIT_FILEMODE_BLOB;
    updates[i].path = files[i].path.c_str();
  }
  git_oid tree_id;
  int rc = git_tree_create_updated(&tree_id, repo, base.get(), updates.size(), updates.data());
  if (rc < 0) return impl_->GitFailure(rc, "building the new tree of");
  git_tree* raw_tree = nullptr;
  rc = git_tree_lookup(&raw_tree, repo, &tree_id);
  if (rc < 0) return impl_->GitFailure(rc, "reading the new tree of");
  git::Tree tree(raw_tree);

  Result<git::Signature> author_sig = MakeSignature(author);
  if (!author_sig.ok()) return author_sig.failure();
  Result<git::Signature> committer_sig = MakeSignature(committer);
  if (!committer_sig.ok()) return committer_sig.failure();

  // The commit object first, with no reference update: until the branch moves below, the new
  // objects are unreachable and the repository reads exactly as before.
  const git_commit* parents[1] = {parent.value().get()};
  git_oid commit_id;
  rc = git_commit_create(&commit_id, repo, nullptr, author_sig.value().get(),
                         committer_sig.value().get(), "UTF-8", message.c_str(), tree.get(),
                         parent.value() ? 1 : 0, parents);
  if (rc < 0) return impl_->GitFailure(rc, "writing the commit in");
  if (before_ref_update) before_ref_update();

  // Moves the branch only if it still points where this commit's parent is (another publish may
  // have moved it meanwhile): the reference update is atomic (lock file, rename).
  git_reference* raw_ref = nullptr;
  std::string log_message = "intern publish";
  if (parent.value()) {
    rc = git_reference_create_matching(&raw_ref, repo, impl_->RefName().c_str(), &commit_id, 1,
                                       git_commit_id(parent.value().get()), log_message.c_str());
  } else {
    rc = git_reference_create(&raw_ref, repo, impl_->RefName().c_str(), &commit_id, 0,
                              log_message.c_str());
  }
  if (rc < 0) return impl_->GitFailure(rc, "moving the branch of");
  git::Reference ref(raw_ref);

  if (after_ref_update) after_ref_update();

  Status checked_out =
      CheckOut(*impl_, tree.get(), fmt::format("committed {}, but ", git::OidHex(commit_id)));
  if (!checked_out.ok()) return checked_out.failure();
  return git::OidHex(commit_id);
}

Status SiteRepo::Push(const std::string& remote_url, const PushCredentials& credentials) {
  git_remote* raw_remote = nullptr;
  int rc = git_remote_create_anonymous(&raw_remote, impl_->repo.get(), remote_url.c_str());
  if (rc < 0) {
    return git::ErrorFailure(rc, fmt::format("using {} as the publish remote", remote_url));
  }
  git::Remote remote(raw_remote);
  PushState state;
  state.credentials = &credentials;
  git_push_options options = GIT_PUSH_OPTIONS_INIT;
  options.callbacks.credentials = AcquireCredential;
  options.callbacks.push_update_reference = RecordRejection;
  options.callbacks.payload = &state;
  std::string refspec = impl_->RefName() + ":" + impl_->RefName();
  char* specs[1] = {refspec.data()};
  git_strarray refspecs = {specs, 1};
  rc = git_remote_push(remote.get(), &refspecs, &options);
  if (rc < 0) {
    return git::ErrorFailure(rc, fmt::format("pushing {} to {}", impl_->branch, remote_url));
  }
  if (!state.rejection.empty()) {
    return Fail(ErrorCode::kForbidden,
                fmt::format("pushing {} to {}: the remote rejected {}; fetch and merge its "
                            "branch into the site repository, then push again",
                            impl_->branch, remote_url, state.rejection));
  }
  return Status();
}

}  // namespace intern::agent::publish
