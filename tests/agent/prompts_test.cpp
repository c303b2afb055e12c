#include "agent/prompts.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "config/error.h"

namespace intern::agent {
namespace {

TEST_CASE("every prompt the agent uses is embedded and not empty", "[prompts]") {
  config::Config cfg;
  for (const char* name :
       {"system", "compare_task", "persona_builder", "persona_skeptic", "persona_futurist",
        "persona_creator", "persona_founder", "summariser", "guard", "replan", "final_turn"}) {
    INFO(name);
    CHECK(Prompt(name, cfg).size() > 100);
  }
  CHECK(Prompt("compare_task", cfg).find("{subject_a}") != std::string::npos);
  CHECK(Prompt("compare_task", cfg).find("{subject_b}") != std::string::npos);
  CHECK(Prompt("guard", cfg).find("{description}") != std::string::npos);
  CHECK(Prompt("replan", cfg).find("{description}") != std::string::npos);
}

TEST_CASE("a prompt file in prompts_dir overrides the embedded one, others stay embedded",
          "[prompts]") {
  auto dir = std::filesystem::temp_directory_path() / "intern_prompts_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "system.md") << "Be brief.";
  config::Config cfg;
  config::Config plain;
  cfg.prompts_dir = dir;
  CHECK(Prompt("system", cfg) == "Be brief.");
  CHECK(Prompt("guard", cfg) == Prompt("guard", plain));
  std::filesystem::remove_all(dir);
}

TEST_CASE("an unknown prompt name is an error listing the known ones", "[prompts]") {
  config::Config cfg;
  CHECK_THROWS_WITH(Prompt("nope", cfg),
                    "there is no prompt \"nope\"; known prompts: compare_task, final_turn, guard, "
                    "persona_builder, persona_creator, persona_founder, persona_futurist, "
                    "persona_skeptic, replan, summariser, system");
}

TEST_CASE("FillPrompt replaces every placeholder occurrence", "[prompts]") {
  CHECK(FillPrompt("{a} vs {b}; {a}", {{"a", "X"}, {"b", "Y"}}) == "X vs Y; X");
}

}  // namespace
}  // namespace intern::agent
