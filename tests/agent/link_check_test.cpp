// Which links a submitted draft may carry (agent/link_check.h).
#include <catch2/catch.hpp>

#include "agent/link_check.h"
#include "tests/agent/comparison_fixture.h"

namespace intern::agent {
namespace {

TEST_CASE("link keys ignore the fragment, the case of scheme and host and a trailing slash",
          "[validator]") {
  struct Row {
    std::string url;
    std::string key;
  };
  const Row rows[] = {
      {"https://github.com/huggingface/smollm", "https://github.com/huggingface/smollm"},
      {"HTTPS://GitHub.com/huggingface/smollm/", "https://github.com/huggingface/smollm"},
      {"https://github.com/huggingface/smollm#readme", "https://github.com/huggingface/smollm"},
      {"https://example.org", "https://example.org"},
      {"https://example.org/", "https://example.org"},
      {"https://example.org/a/?q=1#x", "https://example.org/a?q=1"},
      {"https://example.org/Path/Case", "https://example.org/Path/Case"},
      {"http://127.0.0.1:8080/notes", "http://127.0.0.1:8080/notes"},
      {"javascript:alert(1)", ""},
      {"ftp://example.org/file", ""},
      {"example.org/page", ""},
      {"", ""},
  };
  for (const Row& row : rows) {
    INFO(row.url);
    CHECK(LinkKey(row.url) == row.key);
  }
}

TEST_CASE("a draft's links must be ledger sources or the subject's catalog links",
          "[validator]") {
  config::CatalogEntry entry;
  entry.name = "SmolVLM2";
  entry.links.home = "https://huggingface.co/blog/smolvlm2";
  entry.github = "huggingface/smollm";
  entry.hf_ids = {"HuggingFaceTB/SmolVLM2-2.2B-Instruct"};
  KnownLinks known;
  known.AddCatalogEntry(entry);
  known.Add("https://example.org/fetched-page#section");

  Comparison c = testing::SampleComparison();
  c.subjects[0].links = {{"Fetched", "https://example.org/fetched-page"},
                         {"Repo", "https://github.com/huggingface/smollm/"}};
  c.subjects[1].links = {{"Card", "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct"},
                         {"Home", "https://huggingface.co/blog/smolvlm2"}};
  CHECK(CheckLinks(c, known).empty());

  c.subjects[1].links.push_back({"Download", "https://evil.example/setup.sh"});
  c.subjects[1].links.push_back({"Script", "javascript:alert(1)"});
  std::vector<ValidationProblem> problems = CheckLinks(c, known);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].kind == ValidationProblem::Kind::kError);
  CHECK(problems[0].message ==
        "subjects[1].links[2]: https://evil.example/setup.sh is not a page this session's "
        "research fetched nor a catalog link of " +
            c.subjects[1].name + "; link only sources from the ledger, or leave the link out");
  CHECK(problems[1].message.rfind("subjects[1].links[3]: javascript:alert(1) is not", 0) == 0);
  CHECK_FALSE(Storable(problems));
}

}  // namespace
}  // namespace intern::agent
