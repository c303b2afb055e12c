// config/default.toml is rendered from the registry and committed. When a key changes, rewrite
// it with:  INTERN_WRITE_DEFAULT_TOML=1 ./build/release/tests/intern_tests "[default_toml]"
#include <toml++/toml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>

#include "config/config.h"
#include "config/registry.h"
#include "tests/config/temp_dir.h"

namespace intern::config {
namespace {

const std::filesystem::path kDefaultToml =
    std::filesystem::path(INTERN_SOURCE_DIR) / "config/default.toml";

// Every dotted key path holding a value (not a table) in `table`.
void CollectKeys(const toml::table& table, const std::string& prefix, std::set<std::string>& out) {
  for (const auto& [key, node] : table) {
    std::string path =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* sub = node.as_table()) {
      CollectKeys(*sub, path, out);
    } else {
      out.insert(path);
    }
  }
}

TEST_CASE("config/default.toml is exactly what the registry renders", "[default_toml]") {
  std::string rendered = RenderConfigFile(false);
  if (std::getenv("INTERN_WRITE_DEFAULT_TOML")) testing::WriteFile(kDefaultToml, rendered);
  INFO(
      "config/default.toml drifted from config/registry.cpp; regenerate it with "
      "INTERN_WRITE_DEFAULT_TOML=1 ./build/release/tests/intern_tests \"[default_toml]\"");
  CHECK(testing::ReadFile(kDefaultToml) == rendered);
}

TEST_CASE("config/default.toml sets exactly the registry's keys", "[default_toml]") {
  std::set<std::string> in_file;
  CollectKeys(toml::parse_file(kDefaultToml.string()), "", in_file);
  std::set<std::string> in_registry;
  for (const KeySpec& spec : Keys()) in_registry.insert(spec.path);
  CHECK(in_file == in_registry);
}

// With the test above: the file sets every key, each to its default.
TEST_CASE("loading config/default.toml as the only layer changes no value") {
  testing::TempDir dir;
  testing::WriteFile(dir / "etc/config.toml", testing::ReadFile(kDefaultToml));
  LoadOptions options;
  options.system_dir = dir / "etc";
  options.cwd = dir.path();
  options.home = dir / "user";
  Config loaded = Load(options);
  for (const KeySpec& spec : Keys()) {
    INFO(spec.path);
    if (spec.path == "home" || spec.path == "publish.repo") continue;  // derived after loading
    CHECK(FormatValue(spec.get(loaded)) == FormatValue(spec.default_value));
    CHECK(loaded.OriginOf(spec.path).starts_with((dir / "etc/config.toml").string() + ":"));
  }
}

TEST_CASE("every key has documentation, a generic INTERN_ variable and a listed section") {
  std::set<std::string> sections;
  for (const SectionSpec& s : Sections()) sections.insert(s.name);
  for (const KeySpec& spec : Keys()) {
    INFO(spec.path);
    CHECK(!spec.doc.empty());
    REQUIRE(!spec.env.empty());
    CHECK(spec.env.back() == GenericEnvName(spec.path));
    auto dot = spec.path.rfind('.');
    CHECK(sections.count(dot == std::string::npos ? "" : spec.path.substr(0, dot)) == 1);
    if (spec.secret) {
      // Secrets have no checks, so no error sentence can ever quote one.
      CHECK(spec.allowed.empty());
      CHECK(spec.check == nullptr);
      CHECK(spec.type == KeyType::kString);
    }
  }
}

}  // namespace
}  // namespace intern::config
