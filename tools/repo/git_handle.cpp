#include "tools/repo/git_handle.h"

#include <fmt/format.h>

namespace intern::tools::git {

LibGit2::LibGit2() { git_libgit2_init(); }
LibGit2::~LibGit2() { git_libgit2_shutdown(); }
LibGit2::LibGit2(const LibGit2&) : LibGit2() {}

std::string ErrorMessage(int rc, std::string_view context) {
  const git_error* e = git_error_last();
  if (e != nullptr && e->message != nullptr && e->message[0] != '\0') {
    return fmt::format("{}: {}", context, e->message);
  }
  return fmt::format("{}: libgit2 error {}", context, rc);
}

Failure ErrorFailure(int rc, std::string_view context) {
  const git_error* e = git_error_last();
  int klass = e != nullptr ? e->klass : GIT_ERROR_NONE;
  ErrorCode code = ErrorCode::kIo;
  if (rc == GIT_ENOTFOUND) {
    code = ErrorCode::kNotFound;
  } else if (rc == GIT_EAUTH) {
    code = ErrorCode::kUnauthorized;
  } else if (rc == GIT_EUSER) {
    code = ErrorCode::kCancelled;
  } else if (rc == GIT_ECERTIFICATE || klass == GIT_ERROR_NET || klass == GIT_ERROR_SSL ||
             klass == GIT_ERROR_SSH || klass == GIT_ERROR_HTTP) {
    code = ErrorCode::kConnection;
  }
  return Fail(code, ErrorMessage(rc, context));
}

std::string OidHex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace intern::tools::git
