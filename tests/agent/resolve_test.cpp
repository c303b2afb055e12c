#include "agent/resolve.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace intern::agent {
namespace {

using config::Catalog;

const Catalog& Seed() {
  static const Catalog kSeed = Catalog::Embedded();
  return kSeed;
}

std::vector<std::string> CandidateIds(const Resolution& r) {
  std::vector<std::string> ids;
  for (const Candidate& c : r.candidates) ids.push_back(c.entry.id);
  return ids;
}

TEST_CASE("names normalise case, spaces, hyphens, underscores, dots and version v's away") {
  CHECK(NormaliseToolName("Gemma 3n") == "gemma3n");
  CHECK(NormaliseToolName("gemma-3n") == "gemma3n");
  CHECK(NormaliseToolName("SmolVLM 2") == "smolvlm2");
  CHECK(NormaliseToolName("smol_vlm.2") == "smolvlm2");
  CHECK(NormaliseToolName("Axolotl v0.16") == "axolotl016");
  CHECK(NormaliseToolName("SmolVLM2") == "smolvlm2");  // a "v" inside a word stays
  CHECK(NormaliseToolName("  --  ") == "");
}

TEST_CASE("the resolution table: names, aliases, variants, ids, URLs, typos, ties, unknowns") {
  struct Row {
    std::string input;
    ResolutionKind kind;
    std::string id;                       // the chosen entry, or "" when none
    std::vector<std::string> candidates;  // checked for ambiguous rows
  };
  const std::vector<Row> rows = {
      {"Gemma 3n", ResolutionKind::kExact, "gemma-3n", {}},
      {"gemma-3n", ResolutionKind::kExact, "gemma-3n", {}},
      {"GEMMA_3N", ResolutionKind::kExact, "gemma-3n", {}},
      {"SmolVLM2", ResolutionKind::kExact, "smolvlm2", {}},
      {"SmolVLM 2", ResolutionKind::kExact, "smolvlm2", {}},
      {"smolvlm2", ResolutionKind::kExact, "smolvlm2", {}},
      {"  ml-intern  ", ResolutionKind::kExact, "ml-intern", {}},
      {"Gemini 2.5 Flash Lite", ResolutionKind::kExact, "gemini-2-5-flash-lite", {}},
      {"gemini-2.5-flash-lite", ResolutionKind::kExact, "gemini-2-5-flash-lite", {}},
      {"llamacpp", ResolutionKind::kExact, "llama-cpp", {}},
      {"OpenDevin", ResolutionKind::kAlias, "openhands", {}},
      {"TGI", ResolutionKind::kAlias, "text-generation-inference", {}},
      {"Gemma 3 27B Open Weights", ResolutionKind::kAlias, "gemma-3-27b", {}},
      {"google/gemma-3n-E4B-it", ResolutionKind::kAlias, "gemma-3n", {}},
      {"https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct",
       ResolutionKind::kAlias,
       "smolvlm2",
       {}},
      {"huggingface/smolagents", ResolutionKind::kAlias, "smolagents", {}},
      {"https://github.com/huggingface/smolagents.git", ResolutionKind::kAlias, "smolagents", {}},
      {"github.com/vllm-project/vllm/tree/main/docs", ResolutionKind::kAlias, "vllm", {}},
      {"https://www.ollama.com/", ResolutionKind::kAlias, "ollama", {}},
      {"SmolVML2", ResolutionKind::kFuzzy, "smolvlm2", {}},
      {"olama", ResolutionKind::kFuzzy, "ollama", {}},
      {"lama.cpp", ResolutionKind::kFuzzy, "llama-cpp", {}},
      {"Axolotl v0.16", ResolutionKind::kFuzzy, "axolotl", {}},
      {"google/gemma-3n-E2B", ResolutionKind::kFuzzy, "gemma-3n", {}},
      {"Gemma 3", ResolutionKind::kAmbiguous, "", {"gemma-3n", "gemma-3-27b"}},
      {"Claude Haiku", ResolutionKind::kAmbiguous, "", {"claude-haiku-4-5", "claude-haiku-5-5"}},
      {"Llama", ResolutionKind::kAmbiguous, "", {"llama-3-2", "llama-cpp"}},
      {"frobnicator", ResolutionKind::kUnknown, "", {}},
      {"someone/unknown-repo", ResolutionKind::kUnknown, "", {}},
  };
  for (const Row& row : rows) {
    INFO("input: " << row.input);
    auto r = Resolve(row.input, Seed());
    REQUIRE(r.ok());
    CHECK(ResolutionKindName(r->kind) == std::string(ResolutionKindName(row.kind)));
    if (row.id.empty()) {
      CHECK_FALSE(r->resolved());
    } else {
      REQUIRE(r->resolved());
      CHECK(r->entry->id == row.id);
      CHECK(r->candidates.front().entry.id == row.id);
    }
    if (row.kind == ResolutionKind::kAmbiguous) CHECK(CandidateIds(*r) == row.candidates);
    CHECK(!r->note.empty());
  }
}

TEST_CASE("the operator is told what was chosen and why") {
  CHECK(Resolve("Gemma 3n", Seed())->note == "\"Gemma 3n\" is Gemma 3n (catalog entry gemma-3n).");
  CHECK(Resolve("OpenDevin", Seed())->note ==
        "\"OpenDevin\" is OpenHands: matched its alias \"OpenDevin\".");
  CHECK(Resolve("google/gemma-3n-E4B-it", Seed())->note ==
        "\"google/gemma-3n-E4B-it\" is Gemma 3n: matched its hub id google/gemma-3n-E4B-it.");
  CHECK(Resolve("https://github.com/huggingface/smolagents", Seed())->note ==
        "\"https://github.com/huggingface/smolagents\" is smolagents: matched its GitHub repo "
        "huggingface/smolagents.");
  CHECK(Resolve("SmolVML2", Seed())->note ==
        "\"SmolVML2\" is not a catalog name; chose the closest match, SmolVLM2 (matched "
        "\"SmolVLM2\", score 0.88).");
  CHECK(Resolve("Gemma 3", Seed())->note ==
        "\"Gemma 3\" fits 2 catalog entries about equally: 1. Gemma 3n, 2. Gemma 3 27B; choose "
        "one with --pick N.");
  CHECK(Resolve("frobnicator", Seed())->note == "\"frobnicator\" is not in the catalog.");
}

TEST_CASE("ambiguous candidates are scored best first") {
  auto r = Resolve("Gemma 3", Seed());
  REQUIRE(r->candidates.size() == 2);
  CHECK(r->candidates[0].score >= r->candidates[1].score);
  CHECK(r->candidates[0].score < 1.0);
  CHECK(r->candidates[1].score >= 0.75);
}

TEST_CASE("the --pick option: chooses among the candidates of an ambiguous name") {
  auto r = Resolve("Gemma 3", Seed(), ResolveOptions{2});
  REQUIRE(r.ok());
  REQUIRE(r->resolved());
  CHECK(r->entry->id == "gemma-3-27b");
  CHECK(r->kind == ResolutionKind::kFuzzy);
  CHECK(r->note == "\"Gemma 3\" fits 2 catalog entries; --pick 2 chose Gemma 3 27B.");
}

TEST_CASE("the --pick option: out of range is refused with the number of candidates") {
  for (int pick : {0, 3, -1}) {
    auto r = Resolve("Gemma 3", Seed(), ResolveOptions{pick});
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kInvalidArgument);
    CHECK(r.message() ==
          "--pick " + std::to_string(pick) + " is out of range: there are 2 candidates");
  }
}

TEST_CASE("the --pick option: on a name that resolves on its own is noted and ignored") {
  auto r = Resolve("vLLM", Seed(), ResolveOptions{2});
  REQUIRE(r.ok());
  CHECK(r->entry->id == "vllm");
  CHECK(r->note == "\"vLLM\" is vLLM (catalog entry vllm). (--pick 2 was not needed.)");
}

TEST_CASE("an unknown name near some entries lists them as suggestions") {
  auto r = Resolve("Gemini Ultra", Seed());
  REQUIRE(r.ok());
  CHECK(r->kind == ResolutionKind::kUnknown);
  REQUIRE_FALSE(r->candidates.empty());
  CHECK(r->note.rfind("\"Gemini Ultra\" is not in the catalog; the nearest entries are 1. ", 0) ==
        0);
}

TEST_CASE("bad input is refused with one clear sentence") {
  struct Row {
    std::string input;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"", "a tool name must not be empty"},
      {"   \t ", "a tool name must not be empty"},
      {std::string(201, 'a'), "a tool name must be at most 200 characters (this one has 201)"},
      {"gemma\x01"
       "3n",
       "a tool name must not contain control characters"},
      {"gemma\n3n", "a tool name must not contain control characters"},
      {"gemma\x7f", "a tool name must not contain control characters"},
  };
  for (const Row& row : rows) {
    auto r = Resolve(row.input, Seed());
    REQUIRE_FALSE(r.ok());
    CHECK(r.code() == ErrorCode::kInvalidArgument);
    CHECK(r.message() == row.message);
  }
  // 200 characters is still allowed, and length counts characters, not UTF-8 bytes.
  CHECK(Resolve(std::string(200, 'a'), Seed()).ok());
  std::string accents;
  for (int i = 0; i < 150; ++i) accents += "\xc3\xa9";  // "é" x 150 = 300 bytes
  CHECK(Resolve(accents, Seed()).ok());
}

// Records what it was asked and answers from a script.
class FakeRemote : public RemoteResolver {
 public:
  explicit FakeRemote(Result<std::vector<RemoteMatch>> answer) : answer_(std::move(answer)) {}
  Result<std::vector<RemoteMatch>> Search(std::string_view name) override {
    asked.emplace_back(name);
    return answer_;
  }
  std::vector<std::string> asked;

 private:
  Result<std::vector<RemoteMatch>> answer_;
};

RemoteMatch Match(std::string source, std::string id, std::string name, std::string popularity) {
  RemoteMatch m;
  m.source = std::move(source);
  m.id = std::move(id);
  m.name = std::move(name);
  m.url = (m.source == "hub" ? "https://huggingface.co/" : "https://github.com/") + m.id;
  m.popularity = std::move(popularity);
  return m;
}

// A hub model whose name only contains the query, and a GitHub repo named exactly like it.
std::vector<RemoteMatch> TwoMatches() {
  RemoteMatch repo = Match("github", "acme/tiny-vlm", "", "1.2k stars");
  repo.description = "A tiny vision-language model";
  repo.licence = "MIT";
  repo.facts = {{"stars", "1234", "https://github.com/acme/tiny-vlm", "2026-11-21"}};
  return {Match("hub", "acme/tiny-vlm-1b", "", "5.6k downloads"), repo};
}

TEST_CASE("a known name never reaches the remote resolver") {
  FakeRemote remote(TwoMatches());
  auto r = ResolveWithRemote("SmolVLM2", Seed(), remote);
  REQUIRE(r.ok());
  CHECK(r->kind == ResolutionKind::kExact);
  CHECK_FALSE(r->looked_up);
  CHECK(remote.asked.empty());
}

TEST_CASE("an unknown name is looked up remotely, the one exact match chosen and told") {
  FakeRemote remote(TwoMatches());
  auto r = ResolveWithRemote("  Tiny VLM ", Seed(), remote);
  REQUIRE(r.ok());
  CHECK(remote.asked == std::vector<std::string>{"Tiny VLM"});
  CHECK(r->kind == ResolutionKind::kRemote);
  CHECK(r->looked_up);
  REQUIRE(r->resolved());
  CHECK(r->note == "Resolved \"Tiny VLM\" to acme/tiny-vlm (GitHub, 1.2k stars).");
  const config::CatalogEntry& e = *r->entry;
  CHECK(e.id == "acme-tiny-vlm");
  CHECK(e.name == "tiny-vlm");
  CHECK(e.aliases == std::vector<std::string>{"acme/tiny-vlm"});
  CHECK(e.kind == "library");
  CHECK(e.category == "Found by look-up");
  CHECK(e.organisation == "acme");
  CHECK(e.tagline == "A tiny vision-language model");
  CHECK(e.licence == "MIT");
  CHECK(e.github == "acme/tiny-vlm");
  CHECK(e.links.repo == "https://github.com/acme/tiny-vlm");
  CHECK(e.facts == TwoMatches()[1].facts);
  CHECK(e.origin == config::CatalogOrigin::kOverlay);
  CHECK(config::ValidateCatalogEntry(e).ok());
  // Exact matches first.
  REQUIRE(r->candidates.size() == 2);
  CHECK(r->candidates[0].matched_on == "acme/tiny-vlm");
  CHECK(r->candidates[1].matched_on == "acme/tiny-vlm-1b");
}

TEST_CASE("a single remote match is chosen even when its name only contains the one asked for") {
  FakeRemote remote(std::vector<RemoteMatch>{Match("hub", "acme/tiny-vlm-1b", "", "")});
  auto r = ResolveWithRemote("Tiny VLM", Seed(), remote);
  REQUIRE(r.ok());
  CHECK(r->kind == ResolutionKind::kRemote);
  CHECK(r->entry->hf_ids == std::vector<std::string>{"acme/tiny-vlm-1b"});
  CHECK(r->entry->kind == "model");
  CHECK(r->entry->links.hf == "https://huggingface.co/acme/tiny-vlm-1b");
  CHECK(r->note == "Resolved \"Tiny VLM\" to acme/tiny-vlm-1b (Hugging Face Hub).");
}

TEST_CASE("several remote matches with no single exact one are listed, --pick chooses one") {
  std::vector<RemoteMatch> matches = {Match("hub", "acme/tiny-vlm", "", "5.6k downloads"),
                                      Match("github", "acme/tiny-vlm", "", "1.2k stars"),
                                      Match("github", "other/tiny-vlm-tools", "", "12 stars")};
  FakeRemote remote(matches);
  auto r = ResolveWithRemote("tiny-vlm", Seed(), remote);
  REQUIRE(r.ok());
  CHECK(r->kind == ResolutionKind::kAmbiguous);
  CHECK(r->looked_up);
  CHECK_FALSE(r->resolved());
  CHECK(r->note ==
        "\"tiny-vlm\" is not in the catalog and matches several tools on the hub and GitHub: 1. "
        "acme/tiny-vlm (Hugging Face Hub, 5.6k downloads), 2. acme/tiny-vlm (GitHub, 1.2k stars), "
        "3. other/tiny-vlm-tools (GitHub, 12 stars); add --pick N to choose one");

  auto picked = ResolveWithRemote("tiny-vlm", Seed(), remote, ResolveOptions{2});
  REQUIRE(picked.ok());
  CHECK(picked->kind == ResolutionKind::kRemote);
  CHECK(picked->entry->github == "acme/tiny-vlm");
  CHECK(picked->note ==
        "Resolved \"tiny-vlm\" to acme/tiny-vlm (GitHub, 1.2k stars; --pick 2 of 3 candidates).");

  auto out = ResolveWithRemote("tiny-vlm", Seed(), remote, ResolveOptions{4});
  REQUIRE_FALSE(out.ok());
  CHECK(out.message() == "--pick 4 is out of range: there are 3 candidates");
}

TEST_CASE("no remote match leaves the name unknown, and a remote failure keeps its code") {
  FakeRemote none(std::vector<RemoteMatch>{});
  auto r = ResolveWithRemote("frobnicator", Seed(), none);
  REQUIRE(r.ok());
  CHECK(r->kind == ResolutionKind::kUnknown);
  CHECK(r->note ==
        "\"frobnicator\" is not in the catalog, and the hub and GitHub had no match either.");

  FakeRemote offline(Fail(ErrorCode::kUnavailable, "network access is off"));
  auto failed = ResolveWithRemote("frobnicator", Seed(), offline);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.code() == ErrorCode::kUnavailable);
  CHECK(failed.message() ==
        "looking up \"frobnicator\" on the hub and GitHub: network access is off");
}

TEST_CASE("bad input is refused before any remote look-up") {
  FakeRemote remote(TwoMatches());
  auto r = ResolveWithRemote("", Seed(), remote);
  REQUIRE_FALSE(r.ok());
  CHECK(r.message() == "a tool name must not be empty");
  CHECK(remote.asked.empty());
}

TEST_CASE("every seed name, alias, hub id and repo resolves to its own entry") {
  for (const config::CatalogEntry& e : Seed().entries()) {
    std::vector<std::string> keys = {e.name, e.id};
    keys.insert(keys.end(), e.aliases.begin(), e.aliases.end());
    keys.insert(keys.end(), e.hf_ids.begin(), e.hf_ids.end());
    if (!e.github.empty()) keys.push_back("https://github.com/" + e.github);
    for (const std::string& key : keys) {
      INFO(e.id << " <- " << key);
      auto r = Resolve(key, Seed());
      REQUIRE(r.ok());
      REQUIRE(r->resolved());
      CHECK(r->entry->id == e.id);
      CHECK((r->kind == ResolutionKind::kExact || r->kind == ResolutionKind::kAlias));
    }
  }
}

}  // namespace
}  // namespace intern::agent
