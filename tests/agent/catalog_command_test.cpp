#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cli/cli.h"
#include "config/catalog.h"
#include "config/error.h"
#include "tests/config/temp_dir.h"

namespace intern::agent {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

// Runs intern with its state in `home` (a fresh temporary one when not given), so no test
// touches the operator's real store.
Run Cli(std::vector<const char*> args, const std::filesystem::path& home = {}) {
  testing::TempDir fresh;
  config::LoadOptions options;
  options.env = {{"INTERN_HOME", (home.empty() ? fresh.path() : home).string()}};
  options.cwd = fresh.path();
  options.system_dir = fresh.path() / "etc";
  options.home = fresh.path();
  args.insert(args.begin(), "intern");
  std::ostringstream out, err;
  int code = RunCli(static_cast<int>(args.size()), args.data(), out, err, options);
  return {code, out.str(), err.str()};
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_CASE("catalog list prints a header and one row per seed entry") {
  Run r = Cli({"catalog", "list"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());
  std::vector<std::string> lines = Lines(r.out);
  REQUIRE(!lines.empty());
  CHECK(lines[0].rfind("NAME", 0) == 0);
  for (const char* column : {"KIND", "CATEGORY", "ORGANISATION", "LICENCE", "PRICING"}) {
    CHECK(Contains(lines[0], column));
  }
  CHECK(lines.size() == config::Catalog::Embedded().entries().size() + 1);
  auto smol = std::find_if(lines.begin(), lines.end(),
                           [](const std::string& l) { return l.rfind("SmolVLM2 ", 0) == 0; });
  REQUIRE(smol != lines.end());
  CHECK(Contains(*smol, "Small multimodal models"));
  CHECK(Contains(*smol, "Hugging Face"));
  CHECK(Contains(*smol, "Apache-2.0"));
  // Columns line up: every row starts its KIND column where the header does.
  std::size_t kind_at = lines[0].find("KIND");
  CHECK(smol->substr(kind_at, 6) == "model ");
}

TEST_CASE("catalog list filters by kind and by category, case-insensitively") {
  Run r = Cli({"catalog", "list", "--kind", "hosted-api"});
  REQUIRE(r.code == kExitOk);
  std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() >= 4);
  for (std::size_t i = 1; i < lines.size(); ++i) CHECK(Contains(lines[i], "hosted-api"));

  Run c = Cli({"catalog", "list", "--category", "fine-tuning FRAMEWORKS"});
  REQUIRE(c.code == kExitOk);
  CHECK(Contains(c.out, "Axolotl"));
  CHECK(Contains(c.out, "Unsloth"));
  CHECK_FALSE(Contains(c.out, "vLLM"));

  Run none = Cli({"catalog", "list", "--category", "Quantum toasters"});
  CHECK(none.code == kExitOk);
  CHECK(none.out == "No catalog entries match.\n");
}

TEST_CASE("catalog list refuses an unknown kind as a usage error") {
  Run r = Cli({"catalog", "list", "--kind", "robot"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "intern: --kind robot is not a catalog kind; use model, framework, agent, library, "
        "hosted-api or app\n");
}

TEST_CASE("catalog list --json prints every entry with its facts") {
  Run r = Cli({"catalog", "list", "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.is_array());
  CHECK(j.size() == config::Catalog::Embedded().entries().size());
  const nlohmann::json& first = j.at(0);
  CHECK(first.at("id") == "gemma-3n");
  CHECK(first.at("origin") == "embedded");
  CHECK(first.at("facts").at(0).contains("source"));
  CHECK(first.at("facts").at(0).contains("checked"));
}

TEST_CASE("catalog show prints every field and each fact with its source") {
  Run r = Cli({"catalog", "show", "smolvlm2"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err.empty());  // an exact name needs no note
  std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() > 10);
  CHECK(lines[0] == "SmolVLM2 (smolvlm2)");
  CHECK(Contains(r.out, "licence       Apache-2.0\n"));
  CHECK(Contains(r.out, "pipeline      video-text-to-text\n"));
  CHECK(Contains(r.out, "Facts:\n"));
  CHECK(Contains(r.out,
                 "  memory: about 5.2 GB of GPU RAM for video inference (2.2B)\n"
                 "    source: https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct/blob/"
                 "main/README.md (checked 2026-11-21)\n"));
}

TEST_CASE("catalog show resolves a near miss and says what it chose") {
  Run r = Cli({"catalog", "show", "SmolVML2"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.err ==
        "\"SmolVML2\" is not a catalog name; chose the closest match, SmolVLM2 (matched "
        "\"SmolVLM2\", score 0.88).\n");
  CHECK(Lines(r.out)[0] == "SmolVLM2 (smolvlm2)");
}

TEST_CASE("catalog show lists the candidates of an ambiguous name and exits 2") {
  Run r = Cli({"catalog", "show", "Gemma 3"});
  CHECK(r.code == kExitUsage);
  CHECK(r.out.empty());
  std::vector<std::string> lines = Lines(r.err);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "\"Gemma 3\" fits 2 catalog entries about equally: 1. Gemma 3n, 2. Gemma 3 27B; choose "
        "one with --pick N.");
  CHECK(lines[1].rfind("  1. Gemma 3n (gemma-3n, Small multimodal models) score ", 0) == 0);
  CHECK(lines[2].rfind("  2. Gemma 3 27B (gemma-3-27b, Open-weight language models) score ", 0) ==
        0);
}

TEST_CASE("catalog show --pick settles an ambiguous name") {
  Run r = Cli({"catalog", "show", "Gemma 3", "--pick", "2", "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j.at("id") == "gemma-3-27b");
  CHECK(j.at("resolution").at("kind") == "fuzzy");
  CHECK(j.at("resolution").at("note") ==
        "\"Gemma 3\" fits 2 catalog entries; --pick 2 chose Gemma 3 27B.");
}

TEST_CASE("catalog show of an unknown name fails with one sentence naming the fix") {
  Run r = Cli({"catalog", "show", "frobnicator"});
  CHECK(r.code == kExitError);
  CHECK(r.err ==
        "intern: \"frobnicator\" is not in the catalog. Run `intern catalog list` to see what it "
        "knows.\n");
}

TEST_CASE("catalog show refuses bad names as usage errors") {
  Run r = Cli({"catalog", "show", ""});
  CHECK(r.code == kExitUsage);
  CHECK(r.err == "intern: a tool name must not be empty\n");
}

TEST_CASE("catalog add accepts a new tool and reports where it went") {
  Run r = Cli({"catalog", "add", "--name", "Deep Scout", "--kind", "agent", "--category",
               "Research agents", "--github", "acme/deep-scout", "--alias", "scout", "--licence",
               "MIT"});
  REQUIRE(r.code == kExitOk);
  CHECK(r.out ==
        "Added Deep Scout (agent, Research agents) to the catalog as \"deep-scout\".\n");
}

TEST_CASE("an entry added with catalog add is in the store for every later run") {
  testing::TempDir home;
  REQUIRE(Cli({"catalog", "add", "--name", "Deep Scout", "--kind", "agent", "--category",
               "Research agents", "--github", "acme/deep-scout", "--alias", "scout"},
              home.path())
              .code == kExitOk);
  CHECK(std::filesystem::exists(home.path() / "intern.db"));
  Run shown = Cli({"catalog", "show", "scout", "--json"}, home.path());
  REQUIRE(shown.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(shown.out);
  CHECK(j.at("name") == "Deep Scout");
  CHECK(j.at("github") == "acme/deep-scout");
  CHECK(j.at("origin") == "added");
  Run again = Cli({"catalog", "add", "--name", "Deep Scout", "--kind", "agent", "--category", "x"},
                  home.path());
  CHECK(again.code == kExitUsage);
}

TEST_CASE("catalog list reads no store into existence") {
  testing::TempDir home;
  REQUIRE(Cli({"catalog", "list"}, home.path()).code == kExitOk);
  CHECK_FALSE(std::filesystem::exists(home.path() / "intern.db"));
}

TEST_CASE("catalog add --json prints the stored entry") {
  Run r = Cli({"catalog", "add", "--name", "Tiny VLM", "--kind", "model", "--category",
               "Small multimodal models", "--hf", "acme/tiny-vlm-1b", "--json"});
  REQUIRE(r.code == kExitOk);
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j.at("id") == "tiny-vlm");
  CHECK(j.at("hf_ids") == nlohmann::json::array({"acme/tiny-vlm-1b"}));
  CHECK(j.at("links").at("hf") == "https://huggingface.co/acme/tiny-vlm-1b");
  CHECK(j.at("origin") == "added");
}

TEST_CASE("catalog add refuses a tool the catalog already knows under another spelling") {
  Run r = Cli({"catalog", "add", "--name", "smol-vlm 2", "--kind", "model", "--category", "x"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "intern: the catalog already knows smol-vlm 2 as SmolVLM2 (smolvlm2); nothing "
        "added\n");
}

TEST_CASE("catalog add refuses an invalid kind with the validation sentence") {
  Run r = Cli({"catalog", "add", "--name", "Gizmo", "--kind", "gadget", "--category", "x"});
  CHECK(r.code == kExitUsage);
  CHECK(r.err ==
        "intern: entry \"gizmo\": kind \"gadget\" is not one of model, framework, agent, "
        "library, hosted-api, app\n");
}

TEST_CASE("catalog without a subcommand is a usage error") {
  Run r = Cli({"catalog"});
  CHECK(r.code == kExitUsage);
}

}  // namespace
}  // namespace intern::agent
