#pragma once
// Owning handles for libgit2 objects and the library's init guard. Internal to tools/repo: the
// public headers of this folder never expose libgit2 types.
//
// Every handle is a std::unique_ptr whose deleter calls the matching git_*_free, so no path can
// leak or double-free a libgit2 object. A handle must not be shared between threads (libgit2
// objects are not thread-safe); a repository opened per call is.

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>

#include "config/result.h"
#include "tools/repo/libgit2_init.h"

namespace intern::tools::git {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

using Repository = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Remote = std::unique_ptr<git_remote, Deleter<git_remote, git_remote_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Revwalk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeBuilder =
    std::unique_ptr<git_treebuilder, Deleter<git_treebuilder, git_treebuilder_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using Tag = std::unique_ptr<git_tag, Deleter<git_tag, git_tag_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Reference = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;
using Mailmap = std::unique_ptr<git_mailmap, Deleter<git_mailmap, git_mailmap_free>>;
using Config = std::unique_ptr<git_config, Deleter<git_config, git_config_free>>;

// A git_buf that is disposed of on scope exit. Pass get() to the libgit2 call that fills it.
class Buf {
 public:
  Buf() = default;
  ~Buf() { git_buf_dispose(&buf_); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;

  git_buf* get() { return &buf_; }
  std::string str() const {
    return buf_.ptr == nullptr ? std::string() : std::string(buf_.ptr, buf_.size);
  }

 private:
  git_buf buf_ = GIT_BUF_INIT;
};

// "context: libgit2's last error message" (or "context: libgit2 error N" when it left none).
std::string ErrorMessage(int rc, std::string_view context);

// A Failure for libgit2's return code `rc`, classified: GIT_ENOTFOUND -> kNotFound, GIT_EAUTH ->
// kUnauthorized, network/TLS/SSH errors -> kConnection, GIT_EUSER -> kCancelled, else kIo.
Failure ErrorFailure(int rc, std::string_view context);

// The hex id of `oid`.
std::string OidHex(const git_oid& oid);

}  // namespace intern::tools::git
