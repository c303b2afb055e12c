#include "config/registry.h"

#include <catch2/catch.hpp>

namespace intern::config {
namespace {

TEST_CASE("a misspelt key or section gets the closest name, a far one gets none") {
  CHECK(SuggestKey("agent.max_iteration") == "agent.max_iterations");
  CHECK(SuggestKey("providers.openai.baseurl") == "providers.openai.base_url");
  CHECK(SuggestKey("sweeps.limit") == "sweep.limit");
  CHECK(SuggestKey("token") == "github.token");  // same last segment, first in the table
  CHECK(SuggestKey("completely.unrelated.thing") == "");
  CHECK(SuggestKey("agnet", true) == "agent");
  CHECK(SuggestKey("zzzzzzzz", true) == "");
}

TEST_CASE("registry lookups know keys, sections and the generic variable names") {
  CHECK(FindKey("agent.max_iterations") != nullptr);
  CHECK(FindKey("agent") == nullptr);
  CHECK(IsSection("agent"));
  CHECK(IsSection("providers"));
  CHECK(IsSection("providers.openai"));
  CHECK_FALSE(IsSection("agent.max_iterations"));
  CHECK_FALSE(IsSection("agen"));
  CHECK(GenericEnvName("providers.openai.base_url") == "INTERN_PROVIDERS_OPENAI_BASE_URL");
  CHECK(FindKey("home")->env == std::vector<std::string>{"INTERN_HOME"});
  CHECK(FindKey("github.api_url")->env == std::vector<std::string>{"INTERN_GITHUB_API_URL"});
  CHECK(FindKey("providers.openai.api_key")->env ==
        std::vector<std::string>{"OPENAI_API_KEY", "INTERN_PROVIDERS_OPENAI_API_KEY"});
}

}  // namespace
}  // namespace intern::config
