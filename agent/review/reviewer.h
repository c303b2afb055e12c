#pragma once
// Who is reviewing (DESIGN §7): an approval records a person's name. The name comes from, in
// order: the --reviewer flag, git's user.name (the default git configuration: global, XDG and
// system files, read with libgit2), then $USER. None of them: "" and the caller refuses, since a
// decision without a name is not an approval anyone can be asked about.

#include <optional>
#include <string>

namespace intern::agent {

struct ReviewerSources {
  std::string flag;                               // --reviewer, "" when not given
  std::optional<std::string> git_user_name = {};  // nullopt when git has none
  std::string env_user;                           // $USER, "" when unset
};

// The first non-blank of flag, git user.name, $USER, trimmed; "" when all are blank. Pure.
std::string ChooseReviewer(const ReviewerSources& sources);

// user.name from git's default configuration, or nullopt when it is not set or cannot be read
// (a broken config file is not this command's problem: $USER is the fallback). Thread-safe.
std::optional<std::string> GitUserName();

// ChooseReviewer over the flag, GitUserName() and the process's $USER.
std::string ResolveReviewer(const std::string& flag);

}  // namespace intern::agent
