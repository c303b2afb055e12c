// Every provider's default model must be one the model table knows: an unknown model gets the
// fallback figures and a price of 0, so a default run would report its cost as $0.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agent/models.h"
#include "config/registry.h"

namespace intern::agent {

TEST_CASE("every provider's default model has an entry in models.toml of that provider",
          "[config][models]") {
  const ModelCatalog models = ModelCatalog::Embedded();
  std::vector<std::string> checked;
  for (const config::KeySpec& key : config::Keys()) {
    // providers.<name>.model
    if (key.path.rfind("providers.", 0) != 0) continue;
    const std::size_t dot = key.path.find('.', 10);
    if (dot == std::string::npos || key.path.substr(dot) != ".model") continue;
    const std::string provider = key.path.substr(10, dot - 10);
    const std::string model = std::get<std::string>(key.default_value);
    CAPTURE(key.path, model);
    ModelInfo info = models.Find(model);
    CHECK(info.known);
    CHECK(info.provider == provider);
    CHECK(info.input > 0.0);
    CHECK(info.output > 0.0);
    checked.push_back(key.path + " = " + model);
  }
  CHECK(checked == std::vector<std::string>{"providers.openai.model = gpt-5.6-terra",
                                            "providers.anthropic.model = claude-sonnet-5-5"});
}

}  // namespace intern::agent
