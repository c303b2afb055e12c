#include "agent/compare_workflow.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "agent/catalog_store.h"
#include "agent/compare_panel.h"
#include "agent/comparison_json.h"
#include "agent/prompts.h"
#include "agent/providers/offline_provider.h"
#include "agent/resolve.h"
#include "agent/session_runner.h"
#include "config/error.h"
#include "tools/http/beast_http_client.h"

namespace intern::agent {
namespace {

// A provider together with the HTTP client it borrows (declared first, so destroyed last).
class OwningProvider final : public LlmProvider {
 public:
  OwningProvider(std::unique_ptr<tools::HttpClient> http, std::unique_ptr<LlmProvider> inner)
      : http_(std::move(http)), inner_(std::move(inner)) {}
  Result<Response> Complete(const LlmRequest& request,
                            const std::function<void(std::string_view)>& on_delta) override {
    return inner_->Complete(request, on_delta);
  }

 private:
  std::unique_ptr<tools::HttpClient> http_;
  std::unique_ptr<LlmProvider> inner_;
};

// Lends a provider to the runner, which destroys what its factory returns; the workflow still
// needs the provider for the panel phase.
class BorrowedProvider final : public LlmProvider {
 public:
  explicit BorrowedProvider(LlmProvider& inner) : inner_(inner) {}
  Result<Response> Complete(const LlmRequest& request,
                            const std::function<void(std::string_view)>& on_delta) override {
    return inner_.Complete(request, on_delta);
  }

 private:
  LlmProvider& inner_;
};

// A tool of a shared Toolbox, registered in another registry; keeps the toolbox alive.
class SharedTool final : public tools::Tool {
 public:
  SharedTool(std::shared_ptr<Toolbox> box, tools::Tool* tool) : box_(std::move(box)), tool_(tool) {}
  std::string name() const override { return tool_->name(); }
  std::string description() const override { return tool_->description(); }
  const nlohmann::json& schema() const override { return tool_->schema(); }
  tools::ApprovalClass approval_class() const override { return tool_->approval_class(); }
  std::string Describe(const nlohmann::json& args) const override { return tool_->Describe(args); }
  tools::ToolResult Run(const nlohmann::json& args, tools::ToolContext& ctx) override {
    return tool_->Run(args, ctx);
  }

 private:
  std::shared_ptr<Toolbox> box_;
  tools::Tool* tool_;
};

// A source of the Toolbox's, kept alive with the box (its tools use the box's HTTP client).
class SharedSource final : public tools::ToolSource {
 public:
  SharedSource(std::shared_ptr<Toolbox> box, std::shared_ptr<tools::ToolSource> source)
      : box_(std::move(box)), source_(std::move(source)) {}
  std::vector<tools::Tool*> Tools() override { return source_->Tools(); }

 private:
  std::shared_ptr<Toolbox> box_;
  std::shared_ptr<tools::ToolSource> source_;
};

std::string DefaultModel(const config::Config& cfg, const std::string& provider) {
  if (provider == "openai") return cfg.providers.openai.model;
  if (provider == "anthropic") return cfg.providers.anthropic.model;
  return "offline";
}

// The offline researcher with the store handle and catalog it reads, owned together.
class StandaloneOffline final : public LlmProvider {
 public:
  StandaloneOffline(config::Catalog catalog, sessions::Store store)
      : catalog_(std::move(catalog)), store_(std::move(store)) {}
  void Start(std::unique_ptr<LlmProvider> inner) { inner_ = std::move(inner); }
  const config::Catalog& catalog() const { return catalog_; }
  const sessions::Store& store() const { return store_; }
  Result<Response> Complete(const LlmRequest& request,
                            const std::function<void(std::string_view)>& on_delta) override {
    return inner_->Complete(request, on_delta);
  }

 private:
  config::Catalog catalog_;
  sessions::Store store_;
  std::unique_ptr<LlmProvider> inner_;
};

}  // namespace

config::Catalog CatalogWithStore(const config::Config& cfg) {
  StoreCatalogOverlay overlay([&cfg] { return config::StorePath(cfg); }, "lookup");
  Result<config::Catalog> catalog =
      config::Catalog::WithOverlay(config::Catalog::Embedded(), overlay);
  if (!catalog.ok()) throw Error(catalog.message());
  return std::move(catalog.value());
}

Result<std::unique_ptr<LlmProvider>> MakeStandaloneProvider(const config::Config& cfg,
                                                            const std::string& provider,
                                                            const std::string& model) {
  std::string name = provider.empty() ? cfg.providers.default_provider : provider;
  if (!name.empty() && name != "offline") {
    return MakeConfiguredProvider(cfg, name, model, {}, SystemClock::Instance());
  }
  auto owner = std::make_unique<StandaloneOffline>(CatalogWithStore(cfg),
                                                   sessions::Store::Open(config::StorePath(cfg)));
  Result<std::unique_ptr<LlmProvider>> inner =
      MakeConfiguredProvider(cfg, "offline", "", OfflineSources{&owner->catalog(), &owner->store()},
                             SystemClock::Instance());
  if (!inner.ok()) return inner.failure();
  owner->Start(std::move(inner.value()));
  return std::unique_ptr<LlmProvider>(std::move(owner));
}

Result<std::unique_ptr<LlmProvider>> MakeConfiguredProvider(const config::Config& cfg,
                                                            const std::string& provider,
                                                            const std::string& model,
                                                            const OfflineSources& offline,
                                                            Clock& clock) {
  auto http = std::make_unique<tools::BeastHttpClient>(HttpOptionsFromConfig(cfg));
  Result<std::unique_ptr<LlmProvider>> inner =
      MakeProvider(cfg, provider, model, *http, clock, {}, offline);
  if (!inner.ok()) return inner.failure();
  return std::unique_ptr<LlmProvider>(
      std::make_unique<OwningProvider>(std::move(http), std::move(inner.value())));
}

void RegisterCompareTools(const config::Config& cfg, sessions::Store& store,
                          const config::Catalog& catalog, const DraftStamp& stamp, bool bench,
                          ToolboxOptions toolbox_options, tools::ToolRegistry& registry) {
  auto box = std::make_shared<Toolbox>(cfg, store, std::move(toolbox_options));
  for (tools::Tool* tool : box->registry().Registered()) {
    const std::string name = tool->name();
    if (registry.Find(name) != nullptr) continue;
    if (!bench && name == "run_benchmark") continue;
    registry.Register(std::make_unique<SharedTool>(box, tool));
  }
  // Tools that change while the session runs (MCP servers'): the session asks the box's sources.
  for (const auto& source : box->registry().sources())
    registry.AddSource(std::make_shared<SharedSource>(box, source));
  if (registry.Find("catalog_facts") == nullptr) {
    registry.Register(std::make_unique<CatalogFactsTool>(catalog));
  }
  if (registry.Find("submit_draft") == nullptr) {
    registry.Register(std::make_unique<SubmitDraftTool>(store, catalog, stamp));
  }
}

LoopOptions LoopDefaultsFrom(const config::Config& cfg) {
  LoopOptions o;
  o.max_iterations = cfg.agent.max_iterations;
  o.budget_tokens = cfg.agent.budget_tokens;
  o.budget_usd = cfg.agent.budget_usd;
  o.parallel_tools = cfg.agent.parallel_tools;
  o.stall_iterations = cfg.agent.stall_iterations;
  o.trigger_ratio = cfg.compaction.trigger_ratio;
  o.keep_turns = cfg.compaction.keep_turns;
  o.compaction_model = cfg.compaction.model;
  o.max_result_chars = static_cast<std::size_t>(cfg.tools.max_result_chars);
  o.system_prompt = Prompt("system", cfg);
  o.summariser_prompt = Prompt("summariser", cfg);
  o.final_turn_message = Prompt("final_turn", cfg);
  o.guard_message = Prompt("guard", cfg);
  o.replan_message = Prompt("replan", cfg);
  return o;
}

CompareOutcome RunCompare(const config::Config& cfg, const CompareRequest& request,
                          const CompareServices& services) {
  ResolvedPair pair = request.resolved ? *request.resolved
                                       : ResolvePair(request, services.catalog, services.remote);
  // The run sees the looked-up entries like seed ones (catalog_facts, the offline researcher).
  config::Catalog catalog = services.catalog;
  for (const config::CatalogEntry& entry : pair.looked_up) {
    if (catalog.FindById(entry.id) != nullptr) continue;
    config::InMemoryCatalogOverlay scratch;
    if (Status added = catalog.Add(entry, scratch); !added) {
      throw Error(fmt::format("the look-up of \"{}\" gave an entry intern cannot use: {}",
                              entry.name, added.message()));
    }
  }
  if (request.max_iterations && *request.max_iterations < 1) {
    throw UsageError("--max-iterations must be at least 1");
  }
  if (request.budget_usd && *request.budget_usd < 0) {
    throw UsageError("--budget-usd must not be negative");
  }
  if (request.budget_tokens && *request.budget_tokens < 0) {
    throw UsageError("--budget-tokens must not be negative");
  }
  std::string provider_name =
      request.provider.empty() ? cfg.providers.default_provider : request.provider;
  if (provider_name.empty()) provider_name = "offline";
  const std::string model =
      request.model.empty() ? DefaultModel(cfg, provider_name) : request.model;
  OfflineSources offline{&catalog, &services.store};
  Result<std::unique_ptr<LlmProvider>> made =
      services.make_provider
          ? services.make_provider(provider_name, model)
          : MakeConfiguredProvider(cfg, provider_name, provider_name == "offline" ? "" : model,
                                   offline, services.clock);
  if (!made.ok()) throw Error(made.message());

  auto say = [&](const std::string& line) {
    if (services.notice) services.notice(line);
  };
  // The request is accepted: keep what the look-ups found, so the next run knows these tools.
  for (const config::CatalogEntry& entry : pair.looked_up) {
    if (Status saved = SaveCatalogEntry(services.store, entry, "lookup"); !saved) {
      throw Error(saved.message());
    }
  }
  if (OfflineByDefault(cfg, request.provider)) say(std::string(kOfflineNotice));
  for (const auto& note : pair.notes) say(note);

  LoopOptions options = LoopDefaultsFrom(cfg);
  options.model = model;
  options.provider_name = provider_name;
  if (request.max_iterations) options.max_iterations = *request.max_iterations;
  if (request.budget_tokens) options.budget_tokens = *request.budget_tokens;
  if (request.budget_usd) options.budget_usd = *request.budget_usd;
  std::string task = FillPrompt(Prompt("compare_task", cfg),
                                {{"subject_a", pair.a.name}, {"subject_b", pair.b.name}});
  options.task_prompt = task + "\n\n" + CatalogIdsLine(pair.a.id, pair.b.id) + "\n";

  tools::ToolRegistry registry;
  RegisterCompareTools(cfg, services.store, catalog, DraftStamp{provider_name, model},
                       request.bench, services.toolbox_options, registry);

  std::unique_ptr<LlmProvider> llm = std::move(made.value());
  RunnerServices runner{
      [&llm](const std::string&, const std::string&) -> std::unique_ptr<LlmProvider> {
        return std::make_unique<BorrowedProvider>(*llm);
      },
      registry,
      services.store,
      services.clock,
      services.models,
      services.approval,
      services.progress,
      services.interrupt};
  sessions::Session seed;
  seed.kind = "compare";
  seed.title = fmt::format("{} vs {}", pair.a.name, pair.b.name);
  seed.subjects = nlohmann::json::array({pair.a.name, pair.b.name}).dump();
  seed.phase = "research";
  StartedSession started = StartSession(runner, options, std::move(seed));

  CompareOutcome outcome;
  outcome.session_id = started.session_id;
  outcome.loop = started.outcome;
  outcome.provider = provider_name;
  outcome.model = model;
  outcome.draft_id = LatestDraftId(services.store, started.session_id);
  if (!outcome.draft_id.empty() && provider_name != kOfflineProvider &&
      outcome.loop.status == sessions::SessionStatus::kDone) {
    PanelPhaseOutcome panel = RunPanelPhase(
        *llm, services.store, cfg, services.models, services.clock, started.session_id,
        outcome.draft_id, provider_name, model, options.max_iterations, &services.progress);
    for (const auto& note : panel.notes) say(note);
    if (!panel.draft_id.empty()) {
      say(fmt::format("The panel judged both tools in {} separate calls; draft {} replaces {}.",
                      panel.calls, panel.draft_id, outcome.draft_id));
      outcome.draft_id = panel.draft_id;
    }
    if (auto session = services.store.GetSession(started.session_id)) {
      outcome.loop.iterations = session->iterations;
      outcome.loop.cost_usd = session->cost_usd;
      outcome.loop.usage = Usage{session->usage.input, session->usage.output,
                                 session->usage.cache_read, session->usage.cache_write};
    }
  }
  if (!outcome.draft_id.empty()) {
    if (auto record = services.store.GetDraft(outcome.draft_id)) {
      Result<Comparison> doc = ComparisonFromJson(record->document);
      if (doc.ok()) outcome.draft = std::move(doc.value());
    }
  }
  return outcome;
}

}  // namespace intern::agent
