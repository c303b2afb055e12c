// WireAgent: what main() plugs into the CLI's seams (agent/cli/cli.h).
#include "agent/cli/cli.h"
#include "agent/compare_workflow.h"
#include "tools/registry.h"

namespace intern::agent {

void WireAgent(CliContext& ctx) {
  ctx.provider_factory = [](const config::Config& cfg, const std::string& provider,
                            const std::string& model) -> std::unique_ptr<LlmProvider> {
    Result<std::unique_ptr<LlmProvider>> made = MakeStandaloneProvider(cfg, provider, model);
    return made.ok() ? std::move(made.value()) : nullptr;
  };
  ctx.register_tools = [](const config::Config& cfg, tools::ToolRegistry& registry,
                          sessions::Store& store, const std::string& session_id) {
    DraftStamp stamp;
    if (auto session = store.GetSession(session_id)) stamp = {session->provider, session->model};
    RegisterCompareTools(cfg, store, CatalogWithStore(cfg), stamp, true, ToolboxOptions{},
                         registry);
  };
}

}  // namespace intern::agent
