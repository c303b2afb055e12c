#pragma once
// Parsing and validation of the `repo` argument of repo_inspect: which forms are accepted, what
// they are fetched from, and the cache directory name each one gets. Pure string work: nothing
// here touches the filesystem or the network.

#include <string>
#include <string_view>

#include "config/result.h"

namespace intern::tools {

// Where a repository comes from, after validation.
struct RepoSource {
  enum class Kind { kRemote, kLocal };

  Kind kind = Kind::kRemote;
  std::string input;        // the argument as given (trimmed); used in messages
  std::string fetch_url;    // what libgit2 fetches: https://…, http://…, or an absolute path
  std::string display_url;  // for people and evidence: https://host/path or file:///abs/path
  std::string cache_key;    // one path component, unique per repository: "github.com+o+n-<hash>"
  std::string host;         // kRemote only: host name or address (no brackets), for the probe
  int port = 0;             // kRemote only: explicit port or the scheme's default

  bool operator==(const RepoSource&) const = default;
};

struct RepoSourceOptions {
  // Base URL that `owner/name` is appended to. Must end with '/'.
  std::string github_base = "https://github.com/";
  // Whether absolute paths and file:// URLs may be read. A deployment that must not let the model
  // read this machine's repositories turns it off.
  bool allow_local = true;
};

// Accepted forms:
//   https://host[:port]/path, http://host[:port]/path   fetched as given (trailing '/' dropped)
//   host.tld/owner/name                                 taken as https://host.tld/owner/name
//   owner/name                                          options.github_base + owner/name
//   /absolute/path, file:///absolute/path               a local repository (if allow_local)
// Rejected, each with one sentence that names the fix (ErrorCode::kInvalidArgument): empty input,
// more than 2048 characters, whitespace or control characters inside, credentials in the URL,
// ssh URLs and scp-like user@host:path addresses (no keys here), other schemes, URLs without host
// or without repository path, bad ports, file://host/..., any ".." path component, relative paths
// and bare names, and local paths when !allow_local.
Result<RepoSource> ParseRepoSource(std::string_view repo, const RepoSourceOptions& options = {});

}  // namespace intern::tools
