#pragma once
// repo_inspect(repo, subject?) — clones a repository into the cache (or fetches it), inspects it
// and records what it found in the evidence ledger (DESIGN §5).
//
// One evidence row per fact, kind "repo", source_url the repository's URL, tool "repo_inspect",
// fields: last_commit, commits_last_year, contributors, tags, license, build_files, readme (body:
// the README head). The result's content is a short summary naming each fact's evidence id.
// Every failure (bad argument, unreachable host, not a repository, no commits, ledger error) is a
// ToolResult error whose content is one sentence naming the fix.
//
// Thread safety: Run may be called from several threads at once (approval class kRead); calls on
// the same repository serialise on its cache lock.

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tools/repo/libgit2_init.h"
#include "tools/repo/repo_cache.h"
#include "tools/repo/repo_inspector.h"
#include "tools/tool.h"

namespace intern::tools {

struct RepoInspectOptions {
  std::filesystem::path cache_dir;  // production: <INTERN_HOME>/cache/repos
  RepoCacheOptions cache;
  InspectOptions inspect;
};

class RepoInspectTool final : public Tool {
 public:
  explicit RepoInspectTool(RepoInspectOptions options);

  std::string name() const override { return "repo_inspect"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  std::string Describe(const nlohmann::json& args) const override;

  // Syncs the repository with ctx.clock bounding the waits and ctx.cancel stopping them, and
  // inspects it as of ctx.clock.Now().
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  git::LibGit2 libgit2_;
  RepoInspectOptions options_;
  nlohmann::json schema_;
};

// The cache directory under an INTERN_HOME: <home>/cache/repos.
std::filesystem::path RepoCacheDir(const std::filesystem::path& intern_home);

}  // namespace intern::tools
