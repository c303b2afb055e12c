// The offline researcher's decisions, its registration in the provider factory, and the tool
// seams main() fills.
#include "agent/providers/offline_provider.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "agent/cli/cli.h"
#include "agent/compare_workflow.h"
#include "agent/providers/factory.h"
#include "config/catalog.h"
#include "sessions/store.h"
#include "tests/config/temp_dir.h"
#include "tools/http/beast_http_client.h"
#include "tools/read_evidence_tool.h"
#include "tools/registry.h"

namespace intern::agent {
namespace {

std::vector<ToolSpec> Specs(std::initializer_list<const char*> names) {
  std::vector<ToolSpec> specs;
  for (const char* n : names) specs.push_back(ToolSpec{n, "", "{}"});
  return specs;
}

TEST_CASE("the offline researcher plans its look-ups from the task, the same way every time",
          "[offline]") {
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  OfflineProvider provider(config::Catalog::Embedded(), store, clock);
  LlmRequest request;
  request.messages = {Message::User("Compare.\n\n" + CatalogIdsLine("gemma-3n", "ml-intern"))};
  request.tools =
      Specs({"catalog_facts", "doc_search", "github_lookup", "hub_lookup", "submit_draft"});
  Result<Response> first = provider.Complete(request, {});
  REQUIRE(first.ok());
  std::vector<std::string> calls;
  for (const auto& c : first.value().message.ToolCalls())
    calls.push_back(c.name + " " + c.arguments);
  CHECK(calls ==
        std::vector<std::string>{R"(catalog_facts {"subject":"Gemma 3n"})",
                                 R"(doc_search {"query":"Gemma 3n","subject":"Gemma 3n"})",
                                 R"(hub_lookup {"model_id":"google/gemma-3n-E4B-it"})",
                                 R"(catalog_facts {"subject":"ml-intern"})",
                                 R"(doc_search {"query":"ml-intern","subject":"ml-intern"})",
                                 R"(github_lookup {"repo":"huggingface/ml-intern"})"});
  CHECK(first.value().usage == Usage{});
  // Asked again with the same conversation (a resume), it answers the same.
  CHECK(provider.Complete(request, {}).value() == first.value());

  // Once it has answered, the next turn submits the draft.
  request.messages.push_back(first.value().message);
  Result<Response> second = provider.Complete(request, {});
  REQUIRE(second.ok());
  REQUIRE(second.value().message.ToolCalls().size() == 1);
  CHECK(second.value().message.ToolCalls()[0].name == "submit_draft");
}

TEST_CASE("the offline researcher answers in text when tools are off and needs its task line",
          "[offline]") {
  sessions::Store store = sessions::Store::OpenInMemory();
  FakeClock clock;
  OfflineProvider provider(config::Catalog::Embedded(), store, clock);
  LlmRequest replan;
  replan.messages = {Message::User("anything")};
  replan.tool_choice = ToolChoice::None();
  Result<Response> text = provider.Complete(replan, {});
  REQUIRE(text.ok());
  CHECK_FALSE(text.value().message.HasToolUse());

  LlmRequest no_task;
  no_task.messages = {Message::User("Compare two things.")};
  no_task.tools = Specs({"submit_draft"});
  Result<Response> failed = provider.Complete(no_task, {});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.message() ==
        "the offline researcher needs a task with a \"Catalog ids: a, b\" line naming two "
        "catalog entries");
}

TEST_CASE(
    "the factory makes the offline researcher for \"\" and \"offline\" when given its sources",
    "[offline]") {
  config::Config cfg;
  sessions::Store store = sessions::Store::OpenInMemory();
  config::Catalog catalog = config::Catalog::Embedded();
  FakeClock clock;
  tools::BeastHttpClient http(tools::HttpClientOptions{});
  std::string name = GENERATE("", "offline");
  auto made = MakeProvider(cfg, name, "", http, clock, {}, OfflineSources{&catalog, &store});
  REQUIRE(made.ok());
  CHECK(dynamic_cast<OfflineProvider*>(made.value().get()) != nullptr);
  CHECK(OfflineByDefault(cfg, ""));
  cfg.providers.default_provider = "openai";
  CHECK_FALSE(OfflineByDefault(cfg, ""));
}

TEST_CASE("the tools seam adds the Toolbox's tools beside an existing read_evidence", "[offline]") {
  testing::TempDir home;
  config::Config cfg;
  cfg.home = home.path();
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  std::ostringstream out, err;
  CliContext ctx{out, err, {}, 0, std::nullopt, nullptr};
  WireAgent(ctx);
  REQUIRE(ctx.register_tools);
  REQUIRE(ctx.provider_factory);
  tools::ToolRegistry registry;
  registry.Register(std::make_unique<tools::ReadEvidenceTool>());
  ctx.register_tools(cfg, registry, store, "s-none");
  for (const char* name : {"read_evidence", "doc_search", "github_lookup", "hub_lookup",
                           "run_benchmark", "catalog_facts", "submit_draft"}) {
    INFO(name);
    CHECK(registry.Find(name) != nullptr);
  }
}

TEST_CASE("the --no-bench option leaves run_benchmark out of the compare tools", "[offline]") {
  testing::TempDir home;
  config::Config cfg;
  cfg.home = home.path();
  sessions::Store store = sessions::Store::Open(home.path() / "intern.db");
  tools::ToolRegistry registry;
  RegisterCompareTools(cfg, store, config::Catalog::Embedded(), DraftStamp{"offline", "offline"},
                       false, ToolboxOptions{}, registry);
  CHECK(registry.Find("run_benchmark") == nullptr);
  CHECK(registry.Find("submit_draft") != nullptr);
}

}  // namespace
}  // namespace intern::agent
