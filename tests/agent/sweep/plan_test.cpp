// The sweep planner (agent/sweep/plan.h): which candidates are new, what entry each becomes,
// which incumbent it is paired with and which pairs are queued.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/sweep/plan.h"

namespace intern::agent {
namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));

SweepCandidate Repo(const std::string& full, std::vector<std::string> topics, int stars = 500) {
  SweepCandidate c;
  c.source = "github";
  c.id = full;
  c.name = full.substr(full.find('/') + 1);
  c.organisation = full.substr(0, full.find('/'));
  c.url = "https://github.com/" + full;
  c.description = "something new";
  c.stars = stars;
  c.licence = "MIT";
  c.created_at = "2025-12-28T09:12:44Z";
  c.topics = std::move(topics);
  c.language = "Python";
  return c;
}

SweepCandidate Model(const std::string& id, const std::string& pipeline) {
  SweepCandidate c;
  c.source = "hub";
  c.id = id;
  c.name = id.substr(id.find('/') + 1);
  c.organisation = id.substr(0, id.find('/'));
  c.url = "https://huggingface.co/" + id;
  c.downloads = 48210;
  c.likes = 540;
  c.licence = "apache-2.0";
  c.created_at = "2025-12-30T10:02:11.000Z";
  c.pipeline_tag = pipeline;
  c.language = "transformers";
  return c;
}

SweepPlan Plan(const Discovery& d, const config::Catalog& catalog, PlanInputs in = {}) {
  in.catalog = &catalog;
  in.now = kNow;
  return PlanSweep(d, in);
}

TEST_CASE("a candidate the catalog knows by GitHub repo, hub id, name or alias is dropped") {
  const config::Catalog catalog = config::Catalog::Embedded();
  Discovery d;
  d.github = {Repo("huggingface/transformers", {"llm"}), Repo("Vikhyat/Moondream", {"llm"}),
              Repo("someone/vLLM", {"inference"}), Repo("acme-labs/agentsmith", {"agents"})};
  d.hub = {Model("HuggingFaceTB/SmolVLM2-2.2B-Instruct", "image-text-to-text"),
           Model("google/gemma-3n-E4B-it", "image-text-to-text")};
  SweepPlan plan = Plan(d, catalog);
  CHECK(plan.known == std::vector<std::string>{"huggingface/transformers",
                                               "HuggingFaceTB/SmolVLM2-2.2B-Instruct",
                                               "Vikhyat/Moondream", "google/gemma-3n-E4B-it",
                                               "someone/vLLM"});
  REQUIRE(plan.tools.size() == 1);
  CHECK(plan.tools[0].entry.id == "agentsmith");
}

TEST_CASE("a new model pairs with the incumbent of its pipeline tag, a repository with shared topics") {
  const config::Catalog catalog = config::Catalog::Embedded();
  Discovery d;
  d.github = {Repo("acme-labs/agentsmith", {"llm", "agents", "multi-agent"}),
              Repo("tinyorg/fastserve", {"llm", "inference", "serving"}),
              Repo("someone/lonely-tool", {"llm", "knitting"})};
  d.hub = {Model("newlab/Pico-VLM-1B", "image-text-to-text")};
  SweepPlan plan = Plan(d, catalog);
  REQUIRE(plan.tools.size() == 4);
  // Alternating sources: agentsmith, Pico-VLM, fastserve, lonely-tool.
  CHECK(plan.tools[0].entry.id == "agentsmith");
  REQUIRE(plan.tools[0].pair.has_value());
  CHECK(plan.tools[0].pair->incumbent == "langgraph");  // first of those sharing two topics
  CHECK(plan.tools[0].pair->dedup_key == "compare:agentsmith|langgraph");
  CHECK(plan.tools[0].entry.category == "Agent frameworks");
  CHECK(plan.tools[0].entry.kind == "agent");
  CHECK(plan.tools[1].entry.id == "pico-vlm-1b");
  CHECK(plan.tools[1].entry.kind == "model");
  REQUIRE(plan.tools[1].pair.has_value());
  CHECK(plan.tools[1].pair->incumbent == "gemma-3n");
  CHECK(plan.tools[1].pair->incumbent_name == "Gemma 3n");
  CHECK(plan.tools[2].entry.id == "fastserve");
  CHECK(plan.tools[2].entry.kind == "library");
  CHECK(plan.tools[2].pair->incumbent == "vllm");
  CHECK(plan.tools[3].entry.id == "lonely-tool");
  CHECK_FALSE(plan.tools[3].pair.has_value());
  CHECK(plan.tools[3].entry.category == "New on GitHub");
  for (const PlannedTool& t : plan.tools) {
    if (t.pair) CHECK(t.pair->status == PairStatus::kQueue);
  }
}

TEST_CASE("the more popular incumbent wins among equally close ones") {
  config::InMemoryCatalogOverlay overlay;
  config::CatalogEntry popular;
  popular.id = "big-graph";
  popular.name = "Big Graph";
  popular.kind = "framework";
  popular.category = "Agent frameworks";
  popular.topics = {"agents", "multi-agent"};
  popular.facts = {{"stars", "12,000", "https://github.com/x/big-graph", "2026-01-01"}};
  REQUIRE(overlay.Add(popular).ok());
  config::Catalog catalog = config::Catalog::WithOverlay(config::Catalog::Embedded(), overlay).value();
  Discovery d;
  d.github = {Repo("acme-labs/agentsmith", {"agents", "multi-agent"})};
  SweepPlan plan = Plan(d, catalog);
  REQUIRE(plan.tools.size() == 1);
  CHECK(plan.tools[0].pair->incumbent == "big-graph");
}

TEST_CASE("an earlier sweep's tool is not added again, its pair is skipped while recently drafted") {
  config::InMemoryCatalogOverlay overlay;
  config::CatalogEntry earlier = EntryForCandidate(
      Repo("acme-labs/agentsmith", {"agents", "multi-agent"}), "agentsmith", "Agent frameworks",
      "2025-12-20");
  REQUIRE(overlay.Add(earlier).ok());
  config::Catalog catalog = config::Catalog::WithOverlay(config::Catalog::Embedded(), overlay).value();
  Discovery d;
  d.github = {Repo("acme-labs/agentsmith", {"agents", "multi-agent"})};

  PlanInputs recent;
  recent.sweep_added_ids = {"agentsmith"};
  recent.past = {{"LangGraph", "agentsmith", kNow - std::chrono::hours(24 * 29)}};
  SweepPlan plan = Plan(d, catalog, recent);
  REQUIRE(plan.tools.size() == 1);
  CHECK(plan.tools[0].from_earlier_sweep);
  CHECK(plan.tools[0].pair->status == PairStatus::kRecent);

  PlanInputs old;
  old.sweep_added_ids = {"agentsmith"};
  old.past = {{"agentsmith", "LangGraph", kNow - std::chrono::hours(24 * 31)}};
  plan = Plan(d, catalog, old);
  CHECK(plan.tools[0].pair->status == PairStatus::kQueue);

  PlanInputs queued;
  queued.sweep_added_ids = {"agentsmith"};
  queued.unfinished_keys = {"compare:agentsmith|langgraph"};
  plan = Plan(d, catalog, queued);
  CHECK(plan.tools[0].pair->status == PairStatus::kAlreadyQueued);

  PlanInputs done;
  done.sweep_added_ids = {"agentsmith"};
  done.recent_keys = {"compare:agentsmith|langgraph"};
  plan = Plan(d, catalog, done);
  CHECK(plan.tools[0].pair->status == PairStatus::kRecent);

  // Not added by a sweep (an operator's entry): dropped as known.
  PlanInputs operator_entry;
  plan = Plan(d, catalog, operator_entry);
  CHECK(plan.tools.empty());
  CHECK(plan.known == std::vector<std::string>{"acme-labs/agentsmith"});
}

TEST_CASE("the limit takes new tools alternately from GitHub and the hub") {
  const config::Catalog catalog = config::Catalog::Embedded();
  Discovery d;
  d.github = {Repo("a/one", {"x"}), Repo("a/two", {"x"}), Repo("a/three", {"x"})};
  d.hub = {Model("m/uno", "text-generation"), Model("m/dos", "text-generation")};
  PlanInputs in;
  in.limit = 3;
  SweepPlan plan = Plan(d, catalog, in);
  REQUIRE(plan.tools.size() == 3);
  CHECK(plan.tools[0].entry.id == "one");
  CHECK(plan.tools[1].entry.id == "uno");
  CHECK(plan.tools[2].entry.id == "two");
  CHECK(plan.over_limit == std::vector<std::string>{"m/dos", "a/three"});
}

TEST_CASE("a new tool whose name is taken gets its owner in the id") {
  const config::Catalog catalog = config::Catalog::Embedded();
  Discovery d;
  d.github = {Repo("acme/ollama-tools", {"x"}), Repo("other/Ollama-Tools", {"y"})};
  SweepPlan plan = Plan(d, catalog);
  REQUIRE(plan.tools.size() == 2);
  CHECK(plan.tools[0].entry.id == "ollama-tools");
  CHECK(plan.tools[1].entry.id == "other-ollama-tools");
}

TEST_CASE("an entry made from a candidate validates and every fact cites the page it came from") {
  config::CatalogEntry repo =
      EntryForCandidate(Repo("tinyorg/fastserve", {"llm", "inference"}, 800), "fastserve",
                        "Inference engines", "2026-01-01");
  CHECK(config::ValidateCatalogEntry(repo).ok());
  CHECK(repo.github == "tinyorg/fastserve");
  CHECK(repo.aliases == std::vector<std::string>{"tinyorg/fastserve"});
  CHECK(repo.licence == "MIT");
  std::vector<std::string> fields;
  for (const auto& f : repo.facts) {
    fields.push_back(f.field + "=" + f.value);
    CHECK(f.source == "https://github.com/tinyorg/fastserve");
    CHECK(f.checked == "2026-01-01");
  }
  CHECK(fields == std::vector<std::string>{"stars=800", "description=something new",
                                           "language=Python", "topics=llm, inference",
                                           "licence=MIT", "created=2025-12-28T09:12:44Z"});

  config::CatalogEntry model = EntryForCandidate(Model("newlab/Pico-VLM-1B", "image-text-to-text"),
                                                 "pico-vlm-1b", "Small multimodal models",
                                                 "2026-01-01");
  CHECK(config::ValidateCatalogEntry(model).ok());
  CHECK(model.hf_ids == std::vector<std::string>{"newlab/Pico-VLM-1B"});
  CHECK(model.pipeline_tag == "image-text-to-text");
  CHECK(model.facts.front().field == "downloads");
  CHECK(model.facts.front().value == "48210 in the last 30 days");
  CHECK(model.facts.front().source == "https://huggingface.co/newlab/Pico-VLM-1B");
}

}  // namespace
}  // namespace intern::agent
