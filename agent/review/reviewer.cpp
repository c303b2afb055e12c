#include "agent/review/reviewer.h"

#include <git2.h>

#include <cstdlib>
#include <memory>

#include "tools/repo/libgit2_init.h"

namespace intern::agent {
namespace {

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

struct ConfigFree {
  void operator()(git_config* c) const noexcept { git_config_free(c); }
};

}  // namespace

std::string ChooseReviewer(const ReviewerSources& sources) {
  if (std::string flag = Trim(sources.flag); !flag.empty()) return flag;
  if (sources.git_user_name) {
    if (std::string git = Trim(*sources.git_user_name); !git.empty()) return git;
  }
  return Trim(sources.env_user);
}

std::optional<std::string> GitUserName() {
  tools::git::LibGit2 guard;
  git_config* raw = nullptr;
  if (git_config_open_default(&raw) != 0) return std::nullopt;
  std::unique_ptr<git_config, ConfigFree> config(raw);
  git_config* snapshot_raw = nullptr;
  // Strings read from a live config may change under us; a snapshot keeps them stable.
  if (git_config_snapshot(&snapshot_raw, config.get()) != 0) return std::nullopt;
  std::unique_ptr<git_config, ConfigFree> snapshot(snapshot_raw);
  const char* name = nullptr;
  if (git_config_get_string(&name, snapshot.get(), "user.name") != 0 || name == nullptr) {
    return std::nullopt;
  }
  return std::string(name);
}

std::string ResolveReviewer(const std::string& flag) {
  ReviewerSources sources;
  sources.flag = flag;
  if (Trim(flag).empty()) sources.git_user_name = GitUserName();
  const char* user = std::getenv("USER");
  sources.env_user = user == nullptr ? "" : user;
  return ChooseReviewer(sources);
}

}  // namespace intern::agent
