#include "agent/models.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

namespace intern::agent {
namespace {

TEST_CASE("the built-in models.toml parses and every entry names its source and check date") {
  ModelCatalog catalog = ModelCatalog::Embedded();
  REQUIRE(catalog.models().size() >= 8);
  CHECK(catalog.fallback_context_window() == 32768);
  CHECK(catalog.fallback_max_output() == 4096);
  for (const auto& m : catalog.models()) {
    INFO(m.id);
    CHECK(m.known);
    CHECK_FALSE(m.provider.empty());
    CHECK(m.source.rfind("https://", 0) == 0);
    CHECK(m.checked == "2026-11-21");
    CHECK(m.context_window > 0);
    CHECK(m.max_output > 0);
    CHECK(m.input > 0);
    CHECK(m.output > m.input);
    CHECK(m.cache_read <= m.input);
  }
}

TEST_CASE("a built-in entry carries the documented figures") {
  ModelInfo m = ModelCatalog::Embedded().Find("claude-opus-5-5");
  CHECK(m == ModelInfo{"claude-opus-5-5",
                       "anthropic",
                       1000000,
                       128000,
                       4.0,
                       20.0,
                       0.20,
                       5.0,
                       {},
                       m.source,
                       "2026-11-21",
                       true});
}

TEST_CASE("lookup accepts aliases, any case, a provider prefix and dated or -latest suffixes") {
  ModelCatalog c = ModelCatalog::Embedded();
  CHECK(c.Find("claude-haiku-4-5").id == "claude-haiku-4-5-20251001");
  CHECK(c.Find("Claude-Opus-5").id == "claude-opus-5");
  CHECK(c.Find("anthropic/claude-sonnet-5-5").id == "claude-sonnet-5-5");
  CHECK(c.Find("claude-sonnet-5-5-20261007").id == "claude-sonnet-5-5");
  CHECK(c.Find("claude-opus-5-2026-07-24").id == "claude-opus-5");
  CHECK(c.Find("claude-opus-5@20260724").id == "claude-opus-5");
  CHECK(c.Find("claude-opus-5-latest").id == "claude-opus-5");
  CHECK(c.Find("claude-sonnet-5-5[1m]").id == "claude-sonnet-5-5");
  CHECK(c.Find("openrouter/anthropic/claude-haiku-4-5-latest").id == "claude-haiku-4-5-20251001");
  CHECK(c.Find("openai/GPT-5.6-Terra").id == "gpt-5.6-terra");
  CHECK(c.Find("gpt-5-mini-2025-08-07").id == "gpt-5-mini");
}

TEST_CASE("a near-miss name is not matched to a different model") {
  ModelCatalog c = ModelCatalog::Embedded();
  CHECK_FALSE(c.Find("claude-opus-5-6").known);
  CHECK_FALSE(c.Find("claude-opus").known);
}

TEST_CASE("an unknown model gets the fallback window, zero prices and known=false") {
  ModelInfo m = ModelCatalog::Embedded().Find("qwen3:8b");
  CHECK(m.id == "qwen3:8b");
  CHECK_FALSE(m.known);
  CHECK(m.provider.empty());
  CHECK(m.context_window == 32768);
  CHECK(m.max_output == 4096);
  CHECK(CostUsd(Usage{5000, 5000, 5000, 5000}, m) == 0.0);
}

TEST_CASE("cost prices input, output, cache reads and cache writes each at their own rate") {
  ModelInfo m = ModelCatalog::Embedded().Find("claude-opus-5-5");
  CHECK(CostUsd(Usage{1'000'000, 0, 0, 0}, m) == Approx(4.0));
  CHECK(CostUsd(Usage{0, 1'000'000, 0, 0}, m) == Approx(20.0));
  CHECK(CostUsd(Usage{0, 0, 1'000'000, 0}, m) == Approx(0.20));
  CHECK(CostUsd(Usage{0, 0, 0, 1'000'000}, m) == Approx(5.0));
  CHECK(CostUsd(Usage{1000, 500, 20000, 3000}, m) == Approx(0.004 + 0.010 + 0.004 + 0.015));
}

TEST_CASE("cache prices left out are charged at the input price") {
  auto c =
      ModelCatalog::Parse("[models.m]\nprovider = \"x\"\ninput = 2.0\noutput = 8.0\n", "t.toml");
  REQUIRE(c.ok());
  ModelInfo m = c->Find("m");
  CHECK(m.cache_read == 2.0);
  CHECK(m.cache_write == 2.0);
  CHECK(m.context_window == 32768);  // no window given: the fallback
}

TEST_CASE("a user file overrides single fields of an entry and adds new entries") {
  ModelCatalog base = ModelCatalog::Embedded();
  auto merged = ModelCatalog::Parse(
      "[fallback]\ncontext_window = 8192\n"
      "[models.claude-opus-5-5]\ninput = 3.0\n"
      "[models.\"qwen3:8b\"]\nprovider = \"openai\"\ncontext_window = 40960\naliases = "
      "[\"qwen3\"]\n",
      "user.toml", &base);
  REQUIRE(merged.ok());
  ModelInfo opus = merged->Find("claude-opus-5-5");
  CHECK(opus.input == 3.0);
  CHECK(opus.output == 20.0);
  CHECK(opus.cache_read == 0.20);
  CHECK(opus.context_window == 1000000);
  ModelInfo local = merged->Find("qwen3");
  CHECK(local.known);
  CHECK(local.context_window == 40960);
  CHECK(local.max_output == 4096);
  CHECK(local.input == 0.0);
  CHECK(merged->Find("unknown-model").context_window == 8192);
  CHECK(merged->models().size() == base.models().size() + 1);
}

TEST_CASE("bad models files fail with a sentence naming the file and the field") {
  auto syntax = ModelCatalog::Parse("[models.x\n", "user.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.code() == ErrorCode::kInvalidArgument);
  CHECK(syntax.message().rfind("user.toml: line 1: ", 0) == 0);
  auto price = ModelCatalog::Parse("[models.x]\ninput = -1.0\n", "user.toml");
  REQUIRE_FALSE(price.ok());
  CHECK(price.message() == "user.toml: models.x: input must be a number >= 0");
  auto window = ModelCatalog::Parse("[models.x]\ncontext_window = 0\n", "user.toml");
  REQUIRE_FALSE(window.ok());
  CHECK(window.message() == "user.toml: models.x: context_window must be a positive integer");
  auto fractional = ModelCatalog::Parse("[fallback]\nmax_output = 1.5\n", "user.toml");
  REQUIRE_FALSE(fractional.ok());
  CHECK(fractional.message() == "user.toml: fallback: max_output must be a positive integer");
  auto shape = ModelCatalog::Parse("[models]\nx = 3\n", "user.toml");
  REQUIRE_FALSE(shape.ok());
  CHECK(shape.message() == "user.toml: models.x: expected a table");
}

TEST_CASE("loading merges an existing user file and ignores a missing one") {
  auto dir =
      std::filesystem::temp_directory_path() / ("intern-models-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto missing = ModelCatalog::Load(dir / "absent.toml");
  REQUIRE(missing.ok());
  CHECK(missing->models() == ModelCatalog::Embedded().models());
  {
    std::ofstream f(dir / "models.toml");
    f << "[models.claude-opus-5]\noutput = 30.0\n";
  }
  auto loaded = ModelCatalog::Load(dir / "models.toml");
  REQUIRE(loaded.ok());
  CHECK(loaded->Find("claude-opus-5").output == 30.0);
  {
    std::ofstream f(dir / "broken.toml");
    f << "[models.x]\ninput = \"cheap\"\n";
  }
  auto broken = ModelCatalog::Load(dir / "broken.toml");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.message() ==
        (dir / "broken.toml").string() + ": models.x: input must be a number >= 0");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace intern::agent
