#pragma once
// hub_lookup(model_id | query, card?, limit?, subject?) — Hugging Face Hub facts for the evidence
// ledger (DESIGN §5).
//
// With model_id ("owner/name", or its huggingface.co URL): downloads, likes, licence, pipeline
// tag, library, parameter count (safetensors metadata), gated flag, last modified and created
// dates, one evidence row each (kind "model", source_url the model's page, tool "hub_lookup"),
// and unless card is false the model card as a "document" row (body: the card text) whose head
// is shown. A card that cannot be read is reported in the content; the look-up still succeeds.
// With query: one "search" row listing up to `limit` models, most downloaded first.
//
// Errors are ToolResults with one sentence naming the fix (bad arguments, 404, gated, 401,
// rate limit, unreachable).
//
// Thread safety: Run may be called concurrently when the HttpClient allows it.

#include <memory>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "tools/hub/hub_client.h"
#include "tools/tool.h"

namespace intern::tools {

class HubLookupTool final : public Tool {
 public:
  HubLookupTool(HttpClient& http, HubClientOptions options);

  std::string name() const override { return "hub_lookup"; }
  std::string description() const override;
  const nlohmann::json& schema() const override { return schema_; }
  ApprovalClass approval_class() const override { return ApprovalClass::kRead; }
  std::string Describe(const nlohmann::json& args) const override;
  ToolResult Run(const nlohmann::json& args, ToolContext& ctx) override;

 private:
  ToolResult LookUpModel(const std::string& id, bool card, const std::string& subject,
                         ToolContext& ctx);
  ToolResult Search(const std::string& query, int limit, const std::string& subject,
                    ToolContext& ctx);

  HubClient client_;
  std::string hub_url_;
  nlohmann::json schema_;
};

// "owner/name" from "owner/name", "gpt2" or "https://huggingface.co/owner/name"; a failure
// (kInvalidArgument) with the sentence the model gets back.
Result<std::string> NormaliseModelId(const std::string& text);

// "4.30B", "135M", "7.6K", "12" — a parameter count for people.
std::string HumanCount(std::int64_t n);

// The tool wired from configuration: cfg.hub.url. The token is not read here: add
// HubCredential(cfg.hub.url, cfg.hub.token) to the HttpClient's CredentialStore.
std::unique_ptr<Tool> MakeHubLookupTool(const config::Config& cfg, HttpClient& http);

}  // namespace intern::tools
