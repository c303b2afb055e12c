#pragma once
// github_lookup(repo | query, include?, limit?, subject?) — GitHub facts for the evidence ledger
// (DESIGN §5).
//
// With repo ("owner/name", or a github.com URL): the repository's description, stars, forks,
// open issues, licence, topics, language, pushed/created dates, default branch, homepage and
// archived flag, one evidence row each (kind "repo", field named after the fact, source_url the
// repository's html_url, tool "github_lookup"), plus what `include` asks for: releases (the
// newest 5), contributors (the top 10), languages (shares of code), topics (from the topics
// endpoint). A failing extra is reported in the content; the look-up itself still succeeds.
// With query: one search evidence row (kind "search") listing the top `limit` repositories by
// stars, following GitHub's pagination as far as needed (bounded by the client's max_pages).
//
// Errors are ToolResults with one sentence naming the fix: bad arguments (exactly one of repo
// and query; include only with repo; a malformed repo), and the client's failures (401, 404,
// rate limit with nothing cached, unreachable). Answers served from the cache under a rate
// limit say so ("rate limit hit; showing cached data from …").
//
// Thread safety: Run may be called concurrently (as the GithubClient).

#include <memory>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "tools/github/github_client.h"
#include "tools/tool.h"

namespace intern::tools {

class GithubLookupTool final : public Tool {
 public:
  // `http`, `cache` and `clock` are borrowed and must outlive the tool.
  GithubLookupTool(HttpClient& http, HttpCache& cache, Clock& clock, GithubClientOptions options);

  std::string name() const override { return "github_lookup"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  std::string Describe(const nlohmann::json& args) const override;
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  ToolResult LookUpRepository(const std::string& repo, const nlohmann::json& include,
                              const std::string& subject, ToolContext& ctx);
  ToolResult Search(const std::string& query, int limit, const std::string& subject,
                    ToolContext& ctx);

  GithubClient client_;
  nlohmann::json schema_;
};

// "owner/name" from "owner/name", "https://github.com/owner/name(.git)(/)" or
// "github.com/owner/name"; a failure (kInvalidArgument) with the sentence the model gets back.
Result<std::string> NormaliseRepoArgument(const std::string& text);

// The tool wired from configuration: cfg.github.api_url. The token is not read here: add
// GithubCredential(cfg.github.api_url, cfg.github.token) to the HttpClient's CredentialStore.
std::unique_ptr<Tool> MakeGithubLookupTool(const config::Config& cfg, HttpClient& http,
                                           HttpCache& cache, Clock& clock);

}  // namespace intern::tools
